import { Entity } from "typeorm";
import { CreatedColumn, IdColumn, IntColumn, StrColumn, TextColumn, TimeColumn } from "./columns.js";
import type { ChannelKind } from "../../channels/rules/channel-kinds.js";

/** inbound: from the citizen; outbound: to the citizen; note: internal; answer: an OPD's official tanggapan. */
export type MessageDirection = "inbound" | "outbound" | "note" | "answer";
/** "read" only where the provider reports reading (WhatsApp, Messenger, Telegram never does). */
export type DeliveryStatus = "queued" | "sent" | "delivered" | "read" | "failed";

@Entity("messages")
export class Message {
  @IdColumn() id: number;
  @IntColumn("ticket_id") ticketId: number;
  @StrColumn("direction", 12) direction: MessageDirection;
  @StrColumn("channel", 16) channel: ChannelKind;
  @IntColumn("contact_id", { nullable: true }) contactId: number | null;
  @IntColumn("author_user_id", { nullable: true }) authorUserId: number | null;
  /** Set when the message is an OPD's official answer to a forward. */
  @IntColumn("forward_id", { nullable: true }) forwardId: number | null;
  @StrColumn("subject", 300, { nullable: true }) subject: string | null;
  @TextColumn("body") body: string;
  @TextColumn("body_html", { nullable: true }) bodyHtml: string | null;
  @IntColumn("channel_account_id", { nullable: true }) channelAccountId: number | null;
  @StrColumn("external_id", 191, { nullable: true }) externalId: string | null;
  @StrColumn("delivery_status", 12, { nullable: true }) deliveryStatus: DeliveryStatus | null;
  /** The conversation on the provider (phone number, chat id, root Message-ID). */
  @StrColumn("external_thread_id", 191, { nullable: true }) externalThreadId?: string | null;
  /** The citizen's address on the channel: where replies go (inbound: sender; outbound: recipient). */
  @StrColumn("external_address", 254, { nullable: true }) externalAddress?: string | null;
  @StrColumn("delivery_error", 500, { nullable: true }) deliveryError?: string | null;
  @TimeColumn("delivered_at", { nullable: true }) deliveredAt?: Date | null;
  /** Outbound only: the connector it went through by fail-over (e.g. "whatsapp-cloud"); null on its own route. */
  @StrColumn("failover_connector", 32, { nullable: true }) failoverConnector?: string | null;
  @TimeColumn("sent_at", { nullable: true }) sentAt: Date | null;
  @CreatedColumn() createdAt: Date;
}
