import { Entity } from "typeorm";
import { BoolColumn, CreatedColumn, IdColumn, IntColumn, StrColumn, TextColumn, TimeColumn, UpdatedColumn } from "./columns.js";
import type { ChannelKind } from "../../channels/rules/channel-kinds.js";

/** One account on a channel (an SMS number, a bot, a mailbox). Its connector config is AES-256-GCM sealed. */
@Entity("channel_accounts")
export class ChannelAccount {
  @IdColumn() id: number;
  /** Connector id from channels/registry.ts, e.g. "twilio-sms". */
  @StrColumn("connector", 32) connector: string;
  @StrColumn("kind", 16) kind: ChannelKind;
  @StrColumn("name", 200) name: string;
  /** encryptSecret(config.encryptionKey, JSON of the connector config). */
  @TextColumn("config_encrypted") configEncrypted: string;
  @BoolColumn("active", { default: true }) active: boolean;
  @StrColumn("last_error", 500, { nullable: true }) lastError: string | null;
  /**
   * WhatsApp fail-over partner (docs/channels.md): a WhatsApp Web account names its WhatsApp Cloud
   * API account (or the other way round); the pairing works in both directions.
   */
  @IntColumn("failover_account_id", { nullable: true }) failoverAccountId?: number | null;
  /** Name of the Cloud API template sent when a failed-over reply falls outside the 24-hour window. */
  @StrColumn("failover_template", 512, { nullable: true }) failoverTemplate?: string | null;
  /** When the provider last refused this account's credentials (cleared by a successful send or a config change). */
  @TimeColumn("rejected_at", { nullable: true }) rejectedAt?: Date | null;
  @CreatedColumn() createdAt: Date;
  @UpdatedColumn() updatedAt: Date;
}
