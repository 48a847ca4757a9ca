import { Entity, PrimaryColumn } from "typeorm";
import { IntColumn, StrColumn, TextColumn, TimeColumn } from "./columns.js";

/**
 * One publishable ticket as the public side shows it, precomputed and already masked (the
 * reporter's names, NIK, phones and e-mail addresses replaced by tokens): JSON of
 * `StoredPublicReport` (server/queries/public-reports.ts). Category and OPD names are not stored
 * (ids only), so renaming them or hiding a category needs no rewrite. Kept in the transaction of
 * every change to the ticket (commands/queue-public-report-refresh.ts).
 */
@Entity("public_reports")
export class PublicReport {
  @PrimaryColumn({ type: "integer", name: "ticket_id" }) ticketId: number;
  @StrColumn("number", 20) number: string;
  @IntColumn("category_id", { nullable: true }) categoryId: number | null;
  @StrColumn("status", 24) status: string;
  @TimeColumn("received_at") receivedAt: Date;
  @TextColumn("report") report: string;
  @TimeColumn("updated_at") updatedAt: Date;
}

/** How far the filling of public_reports for tickets older than the table has come (one row, id 1). */
@Entity("public_reports_backfill")
export class PublicReportBackfill {
  @PrimaryColumn({ type: "integer", name: "id" }) id: number;
  /** Tickets with an id below this have no row yet; null when every ticket is covered. */
  @IntColumn("below_ticket_id", { nullable: true }) belowTicketId: number | null;
  @TimeColumn("updated_at") updatedAt: Date;
}
