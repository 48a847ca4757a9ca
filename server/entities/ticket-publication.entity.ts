import { Entity } from "typeorm";
import { IdColumn, IntColumn, StrColumn, TextColumn, TimeColumn } from "./columns.js";

/**
 * The public version of a report an operator approved in the publication preview: what the public
 * side (report page, feeds, open data, Open311) shows instead of the automatic masking.
 */
@Entity("ticket_publications")
export class TicketPublication {
  @IdColumn() id: number;
  @IntColumn("ticket_id") ticketId: number;
  @StrColumn("subject", 300, { nullable: true }) subject: string | null;
  @TextColumn("description", { nullable: true }) description: string | null;
  @TextColumn("location_text", { nullable: true }) locationText: string | null;
  /** JSON: [{ forwardId, text }] — the public version of each OPD answer at approval. */
  @TextColumn("answers", { nullable: true }) answers: string | null;
  /** JSON: the operator's hand redactions (phrases), applied to later answers as well. */
  @TextColumn("redactions") redactions: string;
  @IntColumn("approved_by_user_id", { nullable: true }) approvedByUserId: number | null;
  @TimeColumn("approved_at") approvedAt: Date;
}
