// What Facebook Messenger and Instagram Direct share: the `messaging` events of Meta's webhooks
// (messages, echoes, deliveries) and the Send API (POST /{page-or-ig-id}/messages), plus comment
// replies. Comments are answered under the comment, so their reply address is "comment:<id>";
// automated notices to a commenter (they hold the tracking link) go as a private reply instead.
import {
  attachmentKindOf,
  parseStatusRequest,
  type ChannelKind,
  type ConnectorContext,
  type DeliveryUpdate,
  type InboundAttachment,
  type InboundMessage,
  type WebhookOutcome,
  type WebhookConnector,
  type ChannelLimits,
  type OutboundMessage,
  type SendResult,
} from "../connector.js";
import { fetchMetaMedia, graphCall, metaHandshake, metaTime, readMetaBody, verifyMetaRequest, type MetaConfig, type MetaWebhookBody } from "./meta.js";

/** Reply address of a public comment (answered as a comment reply, not in the inbox). */
export const COMMENT_ADDRESS = /^comment:([A-Za-z0-9_.-]{1,200})$/;
export const commentAddress = (commentId: string) => `comment:${commentId}`;
/** DMs (not comment replies) are limited to 24 hours after the citizen's last message. */
export const DIRECT_ADDRESS = /^(?!comment:)[A-Za-z0-9_.-]{1,200}$/;

interface MessagingAttachment { type?: string; payload?: { url?: string; title?: string; coordinates?: { lat?: number; long?: number } } }
export interface MessagingEvent {
  sender?: { id?: string };
  recipient?: { id?: string };
  timestamp?: number;
  message?: {
    mid?: string;
    text?: string;
    is_echo?: boolean;
    is_deleted?: boolean;
    attachments?: MessagingAttachment[];
    reply_to?: { mid?: string };
    quick_reply?: { payload?: string };
  };
  delivery?: { mids?: string[]; watermark?: number };
  read?: { watermark?: number; mid?: string };
  postback?: { title?: string; payload?: string; mid?: string };
}

const ATTACHMENT_MIME: Record<string, string> = { image: "image/jpeg", audio: "audio/mp4", video: "video/mp4", file: "application/octet-stream" };

/** One `messaging` item -> an inbound message, delivery updates, or a reason to skip it. */
export function readMessagingEvent(
  kind: ChannelKind,
  ownId: string,
  ev: MessagingEvent,
  now: Date,
): { message: InboundMessage } | { deliveries: DeliveryUpdate[] } | { ignored: string } {
  const senderId = ev.sender?.id;
  if (ev.delivery) {
    const at = metaTime(ev.delivery.watermark, now);
    return { deliveries: (ev.delivery.mids ?? []).filter((x) => typeof x === "string").map((mid) => ({ externalId: mid, status: "delivered" as const, at, raw: ev })) };
  }
  if (ev.read) return { ignored: "read receipt (by watermark, not per message)" };
  if (!senderId || !/^[0-9A-Za-z_.-]{1,64}$/.test(senderId)) return { ignored: "invalid: messaging event without sender" };
  if (senderId === ownId || ev.message?.is_echo) return { ignored: "echo: our own message" };
  const msg = ev.message ?? (ev.postback ? { mid: ev.postback.mid, text: ev.postback.title } : undefined);
  if (!msg?.mid) return { ignored: `unsupported-event: ${Object.keys(ev).filter((k) => !["sender", "recipient", "timestamp"].includes(k)).join(",") || "empty"}` };
  if ((msg as { is_deleted?: boolean }).is_deleted) return { ignored: "deleted message" };
  const attachments: InboundAttachment[] = [];
  let location: InboundMessage["location"];
  for (const a of (msg as { attachments?: MessagingAttachment[] }).attachments ?? []) {
    const coords = a.payload?.coordinates;
    if (a.type === "location" && coords && Number.isFinite(coords.lat) && Number.isFinite(coords.long)) {
      location = { latitude: coords.lat as number, longitude: coords.long as number, ...(a.payload?.title ? { title: a.payload.title } : {}) };
      continue;
    }
    const url = a.payload?.url;
    if (!url || !/^https?:\/\//.test(url)) continue;
    const mimeType = ATTACHMENT_MIME[a.type ?? ""] ?? "application/octet-stream";
    attachments.push({ kind: a.type === "file" ? "document" : attachmentKindOf(mimeType), ref: url, mimeType });
  }
  const text = msg.text ?? "";
  if (!text && !attachments.length && !location) return { ignored: "unsupported-content: message without text, media or location" };
  const message: InboundMessage = {
    channelKind: kind,
    externalId: msg.mid,
    externalThreadId: senderId,
    sender: { externalId: senderId },
    sentAt: metaTime(ev.timestamp, now),
    text,
    attachments,
    raw: ev,
  };
  if (location) message.location = location;
  const replyTo = (msg as { reply_to?: { mid?: string } }).reply_to?.mid;
  if (replyTo) message.inReplyToExternalId = replyTo;
  const asked = parseStatusRequest(text);
  if (asked) {
    message.command = { name: "status", argument: asked };
    message.ticketNumberHint = asked;
  }
  return { message };
}

/** A public comment as an inbound message answered under the comment. */
export function commentMessage(kind: ChannelKind, c: { commentId: string; postId: string; fromId: string; fromName?: string; username?: string; text: string; createdAt: Date; parentId?: string }, raw: unknown): InboundMessage {
  const message: InboundMessage = {
    channelKind: kind,
    externalId: `comment:${c.commentId}`,
    externalThreadId: c.postId,
    sender: { externalId: c.fromId, ...(c.fromName ? { displayName: c.fromName } : {}), ...(c.username ? { username: c.username } : {}) },
    sentAt: c.createdAt,
    text: c.text,
    attachments: [],
    replyAddress: commentAddress(c.commentId),
    raw,
  };
  if (c.parentId && c.parentId !== c.postId) message.inReplyToExternalId = `comment:${c.parentId}`;
  return message;
}

type Ctx = ConnectorContext<MetaConfig>;

/**
 * Sends `msg` through the Send API of `senderNode` (the Page id, or the Instagram account id), or
 * as a comment reply through `commentEdge` ("comments" on Facebook, "replies" on Instagram).
 */
export async function sendMessaging(ctx: Ctx, senderNode: string, commentEdge: "comments" | "replies", msg: OutboundMessage): Promise<SendResult> {
  const comment = COMMENT_ADDRESS.exec(msg.to);
  if (comment) {
    if (msg.attachments?.length) ctx.log.warn({ accountId: ctx.accountId }, "meta: files are not attached to comment replies");
    if (msg.automated) {
      // Acknowledgements and notices carry the private tracking link: they go to the commenter's
      // inbox as a private reply (recipient.comment_id), never under the public comment.
      const r = await graphCall<{ message_id?: string }>(ctx, "POST", `${senderNode}/messages`, { json: { recipient: { comment_id: comment[1] }, message: { text: msg.text } } });
      if (!r.ok) return r.failure;
      return r.data.message_id ? { status: "sent", externalId: r.data.message_id } : { status: "failed", retryable: false, reason: "private reply answered without message_id" };
    }
    const r = await graphCall<{ id?: string }>(ctx, "POST", `${comment[1]}/${commentEdge}`, { json: { message: msg.text } });
    if (!r.ok) return r.failure;
    return r.data.id ? { status: "sent", externalId: `comment:${r.data.id}` } : { status: "failed", retryable: false, reason: "comment reply answered without id" };
  }
  if (!DIRECT_ADDRESS.test(msg.to)) return { status: "failed", retryable: false, reason: `not a Messenger/Instagram recipient id: ${msg.to}` };
  const ids: string[] = [];
  const payloads: Record<string, unknown>[] = [];
  if (msg.text.trim()) payloads.push({ text: msg.text });
  for (const a of msg.attachments ?? []) {
    if (!a.url) return { status: "failed", retryable: false, reason: `${a.fileName}: Messenger and Instagram attachments are sent by public URL only` };
    payloads.push({ attachment: { type: a.mimeType.startsWith("image/") ? "image" : a.mimeType.startsWith("video/") ? "video" : a.mimeType.startsWith("audio/") ? "audio" : "file", payload: { url: a.url, is_reusable: false } } });
  }
  for (const message of payloads) {
    const r = await graphCall<{ message_id?: string }>(ctx, "POST", `${senderNode}/messages`, { json: { recipient: { id: msg.to }, messaging_type: "RESPONSE", message } });
    if (!r.ok) {
      if (!ids.length) return r.failure;
      ctx.log.warn({ accountId: ctx.accountId, reason: r.failure.status === "failed" ? r.failure.reason : "" }, "meta: part of a message was not sent");
      break;
    }
    if (r.data.message_id) ids.push(r.data.message_id);
  }
  const [first, ...rest] = ids;
  if (!first) return { status: "failed", retryable: false, reason: "nothing to send: empty text and no attachments" };
  return { status: "sent", externalId: first, ...(rest.length ? { extraExternalIds: rest } : {}) };
}

type MetaEntry = MetaWebhookBody["entry"][number];
export type MetaChange = NonNullable<MetaEntry["changes"]>[number];

/**
 * A Messenger or Instagram webhook (object "page" / "instagram"): entries of another Page or
 * account are skipped, `messaging` events read by readMessagingEvent, and each change by the
 * platform's own reader, which returns a message or why it skipped the change.
 */
export function parseMessagingWebhook(
  p: { kind: "facebook" | "instagram"; object: string; ownId: string; other: string; rawBody: Buffer; now: Date },
  readChange: (change: MetaChange, entry: MetaEntry) => InboundMessage | string,
): WebhookOutcome {
  const read = readMetaBody(p.rawBody, p.object);
  if (!read.ok) return read.outcome;
  const messages: InboundMessage[] = [];
  const deliveries: DeliveryUpdate[] = [];
  const skipped: string[] = [];
  for (const entry of read.body.entry) {
    if (entry.id !== undefined && String(entry.id) !== p.ownId) {
      skipped.push(`${p.other}: ${String(entry.id)}`);
      continue;
    }
    for (const ev of (entry.messaging ?? []) as MessagingEvent[]) {
      const out = readMessagingEvent(p.kind, p.ownId, ev, p.now);
      if ("message" in out) messages.push(out.message);
      else if ("deliveries" in out) deliveries.push(...out.deliveries);
      else skipped.push(out.ignored);
    }
    for (const change of entry.changes ?? []) {
      const out = readChange(change, entry);
      if (typeof out === "string") skipped.push(out);
      else messages.push(out);
    }
  }
  if (!messages.length && !deliveries.length) return { kind: "ignored", reason: skipped.join("; ") || "empty: no messaging events or comments" };
  return { kind: "events", messages, deliveries };
}

/**
 * A Messenger-style connector (Facebook Page, Instagram): Meta's signature and handshake, the
 * platform's own parser, replies through the Send API or under the comment, media from the Graph.
 * Direct messages may be answered for 24 hours after the person's last message; comment replies
 * are not limited.
 */
export function messagingConnector<C extends MetaConfig>(p: {
  id: "facebook" | "instagram";
  title: string;
  configSchema: WebhookConnector<C>["configSchema"];
  limits: Omit<ChannelLimits<C>, "replyWindow">;
  /** The Page or account that sends, from the account's configuration. */
  senderOf: (config: C) => string;
  commentEdge: "comments" | "replies";
  parse: (config: C, rawBody: Buffer, now: Date) => WebhookOutcome;
}): WebhookConnector<C> {
  return {
    id: p.id,
    kind: p.id,
    title: p.title,
    inbound: "webhook",
    configSchema: p.configSchema,
    limits: { ...p.limits, replyWindow: { hours: 24, appliesTo: DIRECT_ADDRESS, templatesOf: () => [] } },
    verify: (ctx, req) => verifyMetaRequest(ctx.config, req),
    parse: (ctx, req) => metaHandshake(ctx.config, req) ?? p.parse(ctx.config, req.rawBody, ctx.now()),
    send: (ctx, msg) => sendMessaging(ctx, p.senderOf(ctx.config), p.commentEdge, msg),
    fetchAttachment: (ctx, ref) => fetchMetaMedia(ctx, ref),
  };
}
