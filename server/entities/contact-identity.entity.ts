import { Entity } from "typeorm";
import { CreatedColumn, IdColumn, IntColumn, StrColumn } from "./columns.js";
import type { ChannelKind } from "../../channels/rules/channel-kinds.js";

/** How a citizen is known on one channel: a phone number, an e-mail address, a Telegram user id… */
@Entity("contact_identities")
export class ContactIdentity {
  @IdColumn() id: number;
  @IntColumn("contact_id") contactId: number;
  @StrColumn("channel", 16) channel: ChannelKind;
  @StrColumn("address", 254) address: string;
  @StrColumn("display_name", 200, { nullable: true }) displayName: string | null;
  @CreatedColumn() createdAt: Date;
}
