import { Entity } from "typeorm";
import { BoolColumn, CreatedColumn, IdColumn, StrColumn, TextColumn, UpdatedColumn } from "./columns.js";
import type { ChannelKind } from "../domain/ticket/channels.js";

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
  @CreatedColumn() createdAt: Date;
  @UpdatedColumn() updatedAt: Date;
}
