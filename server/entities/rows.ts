/**
 * The one builder of a new ticket row and the one builder of a new message row. Every writer
 * (channel ingest one by one or set-based, the phone form, Open311, answers, notes, replies to the
 * citizen) builds its rows here, so a new column gets its default in one place and two paths
 * cannot disagree on what a fresh row holds.
 */
import type { ChannelKind } from "../../channels/rules/channel-kinds.js";
import type { Privacy } from "../domain/privacy/levels.js";
import type { DeliveryStatus, Message, MessageDirection } from "./message.entity.js";
import type { Ticket } from "./ticket.entity.js";

export type NewTicketRow = Omit<Ticket, "id">;
export type NewMessageRow = Omit<Message, "id">;

/** The channel fields of a message that came in through a connector (absent: typed by staff). */
export type InboundChannelFields = Pick<Message, "channelAccountId" | "externalId" | "externalThreadId" | "externalAddress" | "bodyHtml" | "sentAt">;

/** A new complaint in `received`, open, its clocks not started (dueAt as the caller computed it). */
export function newTicketRow(p: {
  number: string;
  trackingSecretHash: string;
  subject: string;
  description: string;
  channel: ChannelKind;
  contactId: number | null;
  categoryId?: number | null;
  complaintClass?: string;
  privacy?: Privacy;
  createdByUserId?: number | null;
  locationText?: string | null;
  dueAt?: Date | null;
  at: Date;
}): NewTicketRow {
  return {
    number: p.number,
    trackingSecretHash: p.trackingSecretHash,
    subject: p.subject,
    description: p.description,
    channel: p.channel,
    contactId: p.contactId,
    categoryId: p.categoryId ?? null,
    privacy: p.privacy ?? "publik",
    status: "received",
    previousStatus: null,
    complaintClass: p.complaintClass ?? "general",
    priority: "normal",
    assigneeUserId: null,
    mergedIntoId: null,
    createdByUserId: p.createdByUserId ?? null,
    locationText: p.locationText ?? null,
    addressId: null,
    latitude: null,
    longitude: null,
    isOpen: true,
    dueAt: p.dueAt ?? null,
    receivedAt: p.at,
    verifiedAt: null,
    forwardedAt: null,
    firstResponseAt: null,
    answeredAt: null,
    resolvedAt: null,
    closedAt: null,
    waitingSince: null,
    reopenedAt: null,
    createdAt: p.at,
    updatedAt: p.at,
  };
}

/**
 * A new message of a ticket. Inbound messages carry their channel fields; outbound ones their
 * route (account, address) and "queued"; notes and answers neither. `sentAt` defaults to `at` for
 * what staff write and to null for what waits in the outbox.
 */
export function newMessageRow(p: {
  ticketId: number;
  direction: MessageDirection;
  channel: ChannelKind;
  body: string;
  at: Date;
  contactId?: number | null;
  authorUserId?: number | null;
  forwardId?: number | null;
  subject?: string | null;
  bodyHtml?: string | null;
  channelAccountId?: number | null;
  externalId?: string | null;
  externalThreadId?: string | null;
  externalAddress?: string | null;
  deliveryStatus?: DeliveryStatus | null;
  sentAt?: Date | null;
}): NewMessageRow {
  const outbound = p.direction === "outbound";
  const row: NewMessageRow = {
    ticketId: p.ticketId,
    direction: p.direction,
    channel: p.channel,
    contactId: p.contactId ?? null,
    authorUserId: p.authorUserId ?? null,
    forwardId: p.forwardId ?? null,
    subject: p.subject ?? null,
    body: p.body,
    bodyHtml: p.bodyHtml ?? null,
    channelAccountId: p.channelAccountId ?? null,
    externalId: p.externalId ?? null,
    deliveryStatus: p.deliveryStatus ?? (outbound ? "queued" : null),
    sentAt: p.sentAt !== undefined ? p.sentAt : outbound ? null : p.at,
    createdAt: p.at,
  };
  if (p.externalThreadId !== undefined) row.externalThreadId = p.externalThreadId;
  if (p.externalAddress !== undefined) row.externalAddress = p.externalAddress;
  return row;
}
