import { Entity } from "typeorm";
import { BoolColumn, CreatedColumn, IdColumn, IntColumn, StrColumn, TextColumn, TimeColumn, UpdatedColumn } from "./columns.js";

export type DataSubjectRequestKind = "access" | "correction" | "erasure";
export type DataSubjectRequestStatus = "open" | "completed";

/**
 * A citizen's request under UU PDP 27/2022 (see docs/data-subject-rights.md). It names the
 * contacts and tickets it covers by id only: no name, number or NIK is stored with it, so an
 * erasure leaves nothing of the citizen here either.
 */
@Entity("data_subject_requests")
export class DataSubjectRequest {
  @IdColumn() id: number;
  @StrColumn("kind", 16) kind: DataSubjectRequestKind;
  @StrColumn("status", 16) status: DataSubjectRequestStatus;
  @TextColumn("contact_ids_json") contactIdsJson: string;
  @TextColumn("ticket_ids_json") ticketIdsJson: string;
  @TimeColumn("received_at") receivedAt: Date;
  /** received_at + 3×24 hours (UU PDP: "paling lambat 3 x 24 jam"). */
  @TimeColumn("due_at") dueAt: Date;
  @TimeColumn("completed_at", { nullable: true }) completedAt: Date | null;
  @IntColumn("created_by_user_id", { nullable: true }) createdByUserId: number | null;
  @IntColumn("completed_by_user_id", { nullable: true }) completedByUserId: number | null;
  /** Counts of what was done (no personal data). */
  @TextColumn("outcome_json", { nullable: true }) outcomeJson: string | null;
  @CreatedColumn() createdAt: Date;
  @UpdatedColumn() updatedAt: Date;
}

/** The retention policy: one row, set by an admin; absent means the default (see retention.ts). */
@Entity("retention_settings")
export class RetentionSetting {
  @IdColumn() id: number;
  @BoolColumn("enabled", { default: true }) enabled: boolean;
  @IntColumn("years_after_closure", { default: 5 }) yearsAfterClosure: number;
  @TextColumn("basis", { nullable: true }) basis: string | null;
  @IntColumn("updated_by_user_id", { nullable: true }) updatedByUserId: number | null;
  @TimeColumn("updated_at") updatedAt: Date;
}

/** A ticket the retention job has anonymised (so each is done once). */
@Entity("retention_erasures")
export class RetentionErasure {
  @IdColumn() id: number;
  @IntColumn("ticket_id") ticketId: number;
  @TimeColumn("erased_at") erasedAt: Date;
}
