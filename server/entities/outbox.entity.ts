import { Entity } from "typeorm";
import { BoolColumn, CreatedColumn, IdColumn, IntColumn, StrColumn, TextColumn, TimeColumn, UpdatedColumn } from "./columns.js";

/** pending -> sending -> sent | failed; a failed retryable send goes back to pending with a later next_attempt_at. */
export type OutboxState = "pending" | "sending" | "sent" | "failed";

/** Everything one send needs, frozen when the message was queued (templates may change later). */
@Entity("outbox")
export class OutboxItem {
  @IdColumn() id: number;
  @IntColumn("channel_account_id") channelAccountId: number;
  /** The ticket message this delivers (null for greetings and answers to STATUS queries of unknown tickets). */
  @IntColumn("message_id", { nullable: true }) messageId: number | null;
  @IntColumn("ticket_id", { nullable: true }) ticketId: number | null;
  @StrColumn("to_address", 254) toAddress: string;
  @StrColumn("subject", 300, { nullable: true }) subject: string | null;
  @TextColumn("body") body: string;
  @StrColumn("ticket_number", 20, { nullable: true }) ticketNumber: string | null;
  @StrColumn("in_reply_to", 191, { nullable: true }) inReplyTo: string | null;
  @TextColumn("references_json", { nullable: true }) referencesJson: string | null;
  /** JSON of a TemplateMessage (name, language, parameters) to send instead of `body` (which holds the rendered text). */
  @TextColumn("template_json", { nullable: true }) templateJson?: string | null;
  /**
   * "link" or "code": `body` (and `subject`) hold a placeholder for the citizen's tracking link or
   * one-time code, minted for `secretTicketId` when the text is handed to the provider and never stored.
   * "identity": the one-time code of the identity-link request whose outbox_id is this row.
   */
  @StrColumn("secret_kind", 8, { nullable: true }) secretKind?: "link" | "code" | "identity" | null;
  @IntColumn("secret_ticket_id", { nullable: true }) secretTicketId?: number | null;
  /** Set while the row is routed through a fail-over partner: the account it was queued on (channelAccountId is the one it goes through). */
  @IntColumn("failover_from_account_id", { nullable: true }) failoverFromAccountId?: number | null;
  @BoolColumn("automated", { default: false }) automated: boolean;
  @StrColumn("state", 12) state: OutboxState;
  @IntColumn("attempts", { default: 0 }) attempts: number;
  @TimeColumn("next_attempt_at") nextAttemptAt: Date;
  /** While `sending`: after this, the claim is considered lost (worker died) and the row may be claimed again. */
  @TimeColumn("locked_until", { nullable: true }) lockedUntil: Date | null;
  @StrColumn("last_error", 1000, { nullable: true }) lastError: string | null;
  @StrColumn("external_id", 191, { nullable: true }) externalId: string | null;
  @TimeColumn("sent_at", { nullable: true }) sentAt: Date | null;
  @CreatedColumn() createdAt: Date;
  @UpdatedColumn() updatedAt: Date;
}
