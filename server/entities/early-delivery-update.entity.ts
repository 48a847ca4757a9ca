import { Entity, Index } from "typeorm";
import { CreatedColumn, IdColumn, IntColumn, StrColumn, TimeColumn } from "./columns.js";

/**
 * A provider's delivery receipt for a message id we have not recorded yet: the receipt can
 * overtake our own record of the send (the provider answered the send and called the status
 * webhook before the outbox row committed). Kept until the send is recorded, then applied.
 */
@Entity("early_delivery_updates")
@Index("idx_early_delivery_account_external", ["channelAccountId", "externalId"])
export class EarlyDeliveryUpdate {
  @IdColumn() id: number;
  @IntColumn("channel_account_id") channelAccountId: number;
  @StrColumn("external_id", 191) externalId: string;
  @StrColumn("status", 16) status: string;
  @StrColumn("error_code", 64, { nullable: true }) errorCode: string | null;
  @StrColumn("error_message", 500, { nullable: true }) errorMessage: string | null;
  /** When the provider says the status changed. */
  @TimeColumn("at") at: Date;
  @CreatedColumn() createdAt: Date;
}
