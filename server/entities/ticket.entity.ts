import { Column, Entity } from "typeorm";
import { BoolColumn, CreatedColumn, IdColumn, IntColumn, StrColumn, TextColumn, TimeColumn, UpdatedColumn } from "./columns.js";
import type { TicketStatus } from "../domain/ticket/lifecycle.js";
import type { ChannelKind } from "../../channels/rules/channel-kinds.js";
import type { Privacy } from "../domain/privacy/levels.js";

@Entity("tickets")
export class Ticket {
  @IdColumn() id: number;
  /** Human-friendly public number, e.g. ADU-2611-00042. */
  @StrColumn("number", 20) number: string;
  /** HMAC of the tracking secret sent to the citizen; the secret itself is never stored. */
  @StrColumn("tracking_secret_hash", 64) trackingSecretHash: string;
  @StrColumn("subject", 300) subject: string;
  @TextColumn("description") description: string;
  @StrColumn("channel", 16) channel: ChannelKind;
  @IntColumn("contact_id", { nullable: true }) contactId: number | null;
  @IntColumn("category_id", { nullable: true }) categoryId: number | null;
  @StrColumn("privacy", 8) privacy: Privacy;
  @StrColumn("status", 24) status: TicketStatus;
  /** The status to return to when waiting on the citizen ends. */
  @StrColumn("previous_status", 24, { nullable: true }) previousStatus: TicketStatus | null;
  @StrColumn("complaint_class", 32, { default: "general" }) complaintClass: string;
  @StrColumn("priority", 8, { default: "normal" }) priority: string;
  @IntColumn("assignee_user_id", { nullable: true }) assigneeUserId: number | null;
  @IntColumn("merged_into_id", { nullable: true }) mergedIntoId: number | null;
  @IntColumn("created_by_user_id", { nullable: true }) createdByUserId: number | null;
  @StrColumn("location_text", 300, { nullable: true }) locationText: string | null;
  /** Open311 `address_id`: the partner system's address registry id, as given. */
  @StrColumn("address_id", 100, { nullable: true }) addressId: string | null;
  @Column({ type: "decimal", precision: 10, scale: 7, name: "latitude", nullable: true }) latitude: string | null;
  @Column({ type: "decimal", precision: 10, scale: 7, name: "longitude", nullable: true }) longitude: string | null;
  /** False once the ticket is closed, rejected or merged; the queue index starts with it. */
  @BoolColumn("is_open", { default: true }) isOpen: boolean;
  /** The nearest due time of the ticket's running clocks (null when none runs). */
  @TimeColumn("due_at", { nullable: true }) dueAt: Date | null;
  @TimeColumn("received_at") receivedAt: Date;
  @TimeColumn("verified_at", { nullable: true }) verifiedAt: Date | null;
  @TimeColumn("forwarded_at", { nullable: true }) forwardedAt: Date | null;
  @TimeColumn("first_response_at", { nullable: true }) firstResponseAt: Date | null;
  @TimeColumn("answered_at", { nullable: true }) answeredAt: Date | null;
  @TimeColumn("resolved_at", { nullable: true }) resolvedAt: Date | null;
  @TimeColumn("closed_at", { nullable: true }) closedAt: Date | null;
  @TimeColumn("waiting_since", { nullable: true }) waitingSince: Date | null;
  @TimeColumn("reopened_at", { nullable: true }) reopenedAt: Date | null;
  @CreatedColumn() createdAt: Date;
  @UpdatedColumn() updatedAt: Date;
}
