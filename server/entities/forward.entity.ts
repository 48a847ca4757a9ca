import { Entity } from "typeorm";
import { BoolColumn, CreatedColumn, IdColumn, IntColumn, StrColumn, TextColumn, TimeColumn, UpdatedColumn } from "./columns.js";
import type { ForwardStatus } from "../domain/ticket/lifecycle.js";

/** A disposisi: the ticket sent to one OPD with an instruction and its own clock. */
@Entity("forwards")
export class Forward {
  @IdColumn() id: number;
  @IntColumn("ticket_id") ticketId: number;
  @IntColumn("agency_id") agencyId: number;
  @IntColumn("forwarded_by_user_id", { nullable: true }) forwardedByUserId: number | null;
  @TextColumn("instruction") instruction: string;
  @StrColumn("status", 16) status: ForwardStatus;
  @BoolColumn("is_open", { default: true }) isOpen: boolean;
  @TimeColumn("due_at", { nullable: true }) dueAt: Date | null;
  @IntColumn("assignee_user_id", { nullable: true }) assigneeUserId: number | null;
  @IntColumn("acknowledged_by_user_id", { nullable: true }) acknowledgedByUserId: number | null;
  @TimeColumn("acknowledged_at", { nullable: true }) acknowledgedAt: Date | null;
  @IntColumn("answered_by_user_id", { nullable: true }) answeredByUserId: number | null;
  @TimeColumn("answered_at", { nullable: true }) answeredAt: Date | null;
  @TextColumn("response", { nullable: true }) response: string | null;
  /** The field check of this answer (category setting): awaiting a checker, confirmed, or sent back. */
  @StrColumn("field_check", 12, { nullable: true }) fieldCheck?: "awaiting" | "confirmed" | "sent_back" | null;
  @TextColumn("return_reason", { nullable: true }) returnReason: string | null;
  @IntColumn("returned_by_user_id", { nullable: true }) returnedByUserId: number | null;
  @TimeColumn("returned_at", { nullable: true }) returnedAt: Date | null;
  @CreatedColumn() createdAt: Date;
  @UpdatedColumn() updatedAt: Date;
}
