import { Entity } from "typeorm";
import { CreatedColumn, IdColumn, IntColumn, StrColumn } from "./columns.js";

export type InboundOutcome = "message" | "status_query" | "greeting" | "identity_link" | "ignored";

/** One provider event taken in: the unique (account, external id) makes redelivery harmless. */
@Entity("inbound_receipts")
export class InboundReceipt {
  @IdColumn() id: number;
  @IntColumn("channel_account_id") channelAccountId: number;
  @StrColumn("external_id", 191) externalId: string;
  @StrColumn("outcome", 16) outcome: InboundOutcome;
  @IntColumn("ticket_id", { nullable: true }) ticketId: number | null;
  @IntColumn("message_id", { nullable: true }) messageId: number | null;
  @CreatedColumn() createdAt: Date;
}
