// The channel connector contract (ARCHITECTURE.md, "Channel connector contract").
// Everything the server knows about a provider goes through these types; this folder never
// imports server/. A connector is small: verify, parse, send (and fetchAttachment).
import { createHash, timingSafeEqual } from "node:crypto";
import type { z } from "zod";

// The shared rules (channel kinds, ticket numbers, status words) live in ./rules/; connectors keep
// importing them from here.
export { CHANNEL_KINDS, findTicketNumber, parseStatusRequest, TICKET_NUMBER_IN_TEXT, type ChannelKind } from "./rules/index.js";
import type { ChannelKind } from "./rules/index.js";

export type AttachmentKind = "image" | "audio" | "video" | "document" | "sticker" | "email";

/**
 * A file that came with an inbound message. `ref` says where the bytes are, by scheme:
 * - `data:<mime>;base64,…` (RFC 2397): the bytes came inside the message (e-mail). Nothing to
 *   download; decode with `readDataRef` (connector.fetchAttachment does it too).
 * - anything else is provider-specific (a Twilio media URL, a Telegram file_id) and is turned into
 *   bytes only by the same connector's `fetchAttachment(ctx, ref)`, with the account's credentials.
 * The server's fetch-attachment job can therefore always call `connector.fetchAttachment(ctx, ref)`.
 */
export interface InboundAttachment {
  kind: AttachmentKind;
  ref: string;
  mimeType?: string;
  fileName?: string;
  sizeBytes?: number;
  /** E-mail inline parts: the Content-ID that the HTML references as `cid:…` (without brackets). */
  contentId?: string;
  /** Shown inside the body (inline image) rather than offered as a download. */
  inline?: boolean;
}

export interface InboundSender {
  /** Stable id of the citizen on this channel: phone number, e-mail address, Telegram user id… */
  externalId: string;
  displayName?: string;
  phone?: string;
  email?: string;
  /** Provider handle, e.g. a Telegram @username. */
  username?: string;
}

export interface InboundMessage {
  channelKind: ChannelKind;
  /** Unique per account (ingest is idempotent on (account, externalId)). */
  externalId: string;
  /** The conversation: phone number, chat id, root Message-ID of an e-mail thread. */
  externalThreadId: string;
  sender: InboundSender;
  sentAt: Date;
  /** Plain text the operators read. E-mail replies have the quoted history cut off (html keeps it). */
  text: string;
  /** Sanitized HTML (e-mail only); safe to render, remote images removed. */
  html?: string;
  subject?: string;
  /** The message this one answers (e-mail In-Reply-To, Telegram reply_to_message). */
  inReplyToExternalId?: string;
  /** E-mail References, oldest first; the server may thread on any of them. */
  references?: string[];
  /**
   * A ticket number found where the citizen put it on purpose (e-mail subject "[ADU-2611-00042]",
   * Telegram deep link "/start ADU-2611-00042"). Untrusted: the server must check that the sender
   * may write to that ticket before threading on it.
   */
  ticketNumberHint?: string;
  /**
   * A bot command (Telegram "/start", "/start ADU-…"). `name: "start"` is a greeting request,
   * not a complaint: the server answers with its greeting template (through `send` to
   * `externalThreadId`) and opens no ticket for it. `name: "status"` with the ticket number as
   * argument (SMS "STATUS ADU-…", Telegram "/status ADU-…" or the same words as text) asks for the
   * ticket's current state. Other commands are left to the server.
   */
  command?: { name: string; argument?: string };
  /** A point the citizen shared (WGS84). The server stores it only when isValidLocation holds. */
  location?: { latitude: number; longitude: number; title?: string; address?: string };
  /**
   * Web form only: what the citizen chose on the form. The category is the form's value (the
   * server maps it to its categories); privacy is the reporter's requested level.
   */
  form?: { category?: string; privacy?: "publik" | "anonim" | "rahasia"; locationText?: string };
  attachments: InboundAttachment[];
  call?: { durationSeconds?: number; recordingRef?: string; transcript?: string };
  /**
   * Where a reply to this message goes, when that is not the sender's own address: a public
   * comment is answered under the comment ("comment:<id>"), not in the commenter's inbox.
   */
  replyAddress?: string;
  /** Kept for audit; domain code never reads it. */
  raw: unknown;
}

export type DeliveryStatus = "queued" | "sent" | "delivered" | "read" | "failed" | "undelivered";

/** A provider's receipt for a message we sent (SendResult.externalId). */
export interface DeliveryUpdate {
  externalId: string;
  status: DeliveryStatus;
  at: Date;
  errorCode?: string;
  errorMessage?: string;
  raw: unknown;
}

export interface WebhookRequest {
  method: string;
  /** The full public URL the provider called (scheme, host, path and query), as signed by it. */
  url: string;
  /** Header names in lower case (as node's IncomingHttpHeaders). */
  headers: Record<string, string | string[] | undefined>;
  rawBody: Buffer;
  query: Record<string, string | string[] | undefined>;
}

export interface HttpReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A phone call's status report (answered or missed, how long), for the call log. */
export interface CallStatusReport {
  callSid: string;
  from: string;
  to: string;
  direction: string;
  /** The provider's call status: completed, busy, no-answer, failed, canceled (or in-progress…). */
  status: string;
  durationSeconds: number;
  recordingUrl?: string;
  /** The call has ended (its last report). */
  final: boolean;
  /** The external id the call's recorded complaint (if any) is stored under. */
  recordingExternalId: string;
}

/** A ticket's state as the server tells it to the person asking (Bahasa Indonesia and English). */
export interface StatusAnswer {
  id: string;
  en: string;
}

export type WebhookOutcome =
  | { kind: "handshake"; reply: HttpReply }
  | { kind: "events"; messages: InboundMessage[]; deliveries: DeliveryUpdate[]; calls?: CallStatusReport[]; reply?: HttpReply }
  /**
   * A question the provider waits on for an answer (a caller keyed a ticket number into the IVR):
   * the server looks the ticket up, only for its own reporter (anyone else gets null: no
   * enumeration), and answers with `answer(state)`, all within the provider's request.
   */
  | { kind: "status-question"; ticketNumber: string | undefined; askerPhone: string | undefined; answer(state: StatusAnswer | null): HttpReply }
  | { kind: "ignored"; reason: string };

export interface OutboundAttachment {
  fileName: string;
  mimeType: string;
  /** Bytes to upload, or… */
  content?: Buffer;
  /** …a public URL the provider fetches itself (Twilio MMS needs this form). */
  url?: string;
}

export interface OutboundMessage {
  /** Address on the channel: E.164 phone, Telegram chat id, e-mail address. */
  to: string;
  text: string;
  subject?: string;
  /** Ticket number; e-mail puts "[ADU-…]" in the subject so the citizen's reply threads. */
  ticketNumber?: string;
  inReplyToExternalId?: string;
  references?: string[];
  attachments?: OutboundAttachment[];
  threadExternalId?: string;
  /**
   * Stable per outbox row. Connectors that can make a retry idempotent use it (e-mail derives its
   * Message-ID from it, so a retried send is recognisably the same message).
   */
  idempotencyKey?: string;
  /** Sent by the system (acknowledgements, notices) rather than typed by a person. */
  automated?: boolean;
  /**
   * A provider-approved template instead of free text (WhatsApp outside the 24-hour window).
   * `text` then holds the rendered body, for the ticket history only.
   */
  template?: TemplateMessage;
}

/** One approved message template as the provider knows it, with its body placeholders {{1}}, {{2}}… */
export interface MessageTemplate {
  name: string;
  /** Provider language code, e.g. "id", "en_US". */
  language: string;
  /** The approved body text, shown in the console and stored on the ticket. */
  body: string;
}

export interface TemplateMessage {
  name: string;
  language: string;
  /** Values of {{1}}, {{2}}… in order. */
  parameters: string[];
}

/** Number of {{n}} placeholders a template body expects (the highest n). */
export function templateParameterCount(body: string): number {
  let max = 0;
  for (const m of body.matchAll(/\{\{\s*(\d+)\s*\}\}/g)) max = Math.max(max, Number(m[1]));
  return max;
}

/** The template body with {{n}} filled in, as the citizen will read it. */
export function renderTemplateBody(body: string, parameters: string[]): string {
  return body.replace(/\{\{\s*(\d+)\s*\}\}/g, (_, n: string) => parameters[Number(n) - 1] ?? "");
}

/**
 * What a channel accepts, checked before anything is queued so the console gets a clear error
 * instead of a silent drop at the provider.
 */
export interface ChannelLimits<C = unknown> {
  /** Longest text accepted in one send (connectors that split long texts declare the split total). */
  maxTextLength: number;
  /** Outbound files: accepted MIME types (a trailing "/*" matches the family) and the largest size. Null: no files. */
  attachments: { mimeTypes: string[]; maxBytes: number } | null;
  /**
   * Providers that only allow free text within some hours of the citizen's last message (WhatsApp
   * Cloud: 24-hour customer-service window). `appliesTo` matches the addresses it concerns (public
   * comment replies are not limited); outside it only `templatesOf(config)` may be sent.
   */
  replyWindow: { hours: number; appliesTo: RegExp; templatesOf(config: C): MessageTemplate[] } | null;
  /**
   * Shorter limits for some addresses (X: a reply under a post holds 280 characters, a DM 10,000):
   * the first rule whose `appliesTo` matches the recipient's address replaces `maxTextLength`.
   */
  textLengthByAddress?: { appliesTo: RegExp; maxTextLength: number; what: string }[];
}

export type LimitViolation = { field: "text" | "attachments"; reason: string };

/** Every way `msg` breaks `limits` (empty: it may be sent). */
export function checkLimits(limits: ChannelLimits<never>, msg: Pick<OutboundMessage, "text" | "attachments" | "template"> & { to?: string }): LimitViolation[] {
  const out: LimitViolation[] = [];
  const byAddress = msg.to === undefined ? undefined : limits.textLengthByAddress?.find((r) => r.appliesTo.test(msg.to!));
  const max = byAddress?.maxTextLength ?? limits.maxTextLength;
  if (!msg.template && [...msg.text].length > max) {
    out.push({ field: "text", reason: `text is ${[...msg.text].length} characters; ${byAddress ? byAddress.what : "this channel"} accepts at most ${max}` });
  }
  for (const a of msg.attachments ?? []) {
    if (!limits.attachments) {
      out.push({ field: "attachments", reason: "this channel cannot send files" });
      break;
    }
    const type = a.mimeType.toLowerCase();
    const allowed = limits.attachments.mimeTypes.some((t) => t === "*/*" || (t.endsWith("/*") ? type.startsWith(t.slice(0, -1)) : type === t));
    if (!allowed) out.push({ field: "attachments", reason: `${a.fileName}: type ${a.mimeType} is not accepted (allowed: ${limits.attachments.mimeTypes.join(", ")})` });
    const size = a.content?.length;
    if (size !== undefined && size > limits.attachments.maxBytes) {
      out.push({ field: "attachments", reason: `${a.fileName}: ${size} bytes is larger than the ${limits.attachments.maxBytes} bytes this channel accepts` });
    }
  }
  return out;
}

export type SendResult =
  | { status: "sent"; externalId: string; extraExternalIds?: string[] }
  | {
      status: "failed";
      retryable: boolean;
      reason: string;
      /** The provider asked us to wait this long before the next attempt (Telegram 429 retry_after). */
      retryAfterMs?: number;
      /**
       * The provider refused the account's credentials (revoked token, unauthorised number): every
       * send on this account fails until an admin fixes it. The server may route around the account.
       */
      credentialsRejected?: boolean;
    };

export type FetchAttachmentResult =
  | { status: "fetched"; content: Buffer; mimeType?: string; fileName?: string }
  | { status: "failed"; retryable: boolean; reason: string };

/** pino-compatible subset, so connectors take the server's logger without importing it. */
export interface ConnectorLog {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface ConnectorContext<C> {
  /** The channel account's decrypted config, already validated by configSchema. */
  config: C;
  accountId: string;
  /** The URL providers call for this account (/webhooks/:connector/:account), used for status callbacks and registration. */
  publicWebhookUrl: string;
  /** HTTP for attachment downloads and plain-HTTP providers; tests pass one bound to a fake. */
  fetch: typeof globalThis.fetch;
  log: ConnectorLog;
  now(): Date;
  /**
   * Local dates (YYYY-MM-DD) on which the province's offices are closed: national holidays, cuti
   * bersama and regional holidays of the default SLA calendar. Given to connectors that keep
   * office hours (the IVR); absent elsewhere.
   */
  closedDays?: ReadonlySet<string>;
}

export type InboundEvent =
  | { kind: "message"; message: InboundMessage }
  | { kind: "delivery"; delivery: DeliveryUpdate }
  | { kind: "ignored"; reason: string; externalId?: string }
  | { kind: "state"; state: "connecting" | "connected" | "disconnected" | "needs-auth"; detail?: string; /** needs-auth: the login QR code to show (WhatsApp Web). */ qr?: string };

/**
 * Session connectors hand every event to the sink and acknowledge it to the provider (IMAP:
 * \Seen, move) only after the promise resolves, i.e. after the ingest committed. A rejection
 * means "not stored": the connector leaves the item for a later attempt.
 */
export type InboundSink = (event: InboundEvent) => Promise<void>;

interface ConnectorBase<C> {
  id: string;
  kind: ChannelKind;
  /** Human name for the console. */
  title: string;
  configSchema: z.ZodType<C>;
  limits: ChannelLimits<C>;
  send(ctx: ConnectorContext<C>, msg: OutboundMessage): Promise<SendResult>;
  fetchAttachment(ctx: ConnectorContext<C>, ref: string): Promise<FetchAttachmentResult>;
}

export interface WebhookConnector<C> extends ConnectorBase<C> {
  inbound: "webhook";
  /** Over the raw bytes, constant time. False => 401, nothing stored. Never throws. */
  verify(ctx: ConnectorContext<C>, req: WebhookRequest): boolean;
  /** Pure: only called after verify() accepted the request. */
  parse(ctx: ConnectorContext<C>, req: WebhookRequest): WebhookOutcome;
  /** Tell the provider where to call (Telegram setWebhook). */
  register?(ctx: ConnectorContext<C>, url: string): Promise<void>;
}

/** A running session: stop it; sessions with a login (WhatsApp Web) can also be logged out. */
export interface RunningSession {
  stop(): Promise<void>;
  /** Ends the login on the provider's side (the linked device is removed); the session then asks for a new login (QR code). */
  logout?(): Promise<void>;
}

export interface SessionConnector<C> extends ConnectorBase<C> {
  inbound: "session";
  start(ctx: ConnectorContext<C>, sink: InboundSink): Promise<RunningSession>;
}

export type AnyConnector = WebhookConnector<any> | SessionConnector<any>;

/**
 * Constant-time string comparison. Both sides are hashed first so that neither the content nor
 * the length of the secret shows in the timing (timingSafeEqual alone throws on unequal lengths).
 */
export function safeEqual(a: string | undefined | null, b: string | undefined | null): boolean {
  if (typeof a !== "string" || typeof b !== "string") return false;
  const ha = createHash("sha256").update(a, "utf8").digest();
  const hb = createHash("sha256").update(b, "utf8").digest();
  return timingSafeEqual(ha, hb);
}

/** Case-insensitive single header value. */
export function headerValue(req: Pick<WebhookRequest, "headers">, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(req.headers)) {
    if (k.toLowerCase() !== wanted || v === undefined) continue;
    return Array.isArray(v) ? v[0] : v;
  }
  return undefined;
}

export function toDataRef(content: Buffer, mimeType = "application/octet-stream"): string {
  return `data:${mimeType.replace(/[;,\s]/g, "")};base64,${content.toString("base64")}`;
}

/** Decodes a `data:` ref (base64 or percent-encoded); undefined when the ref is not one. */
export function readDataRef(ref: string): { content: Buffer; mimeType: string } | undefined {
  const m = /^data:([^,]*?)(;base64)?,(.*)$/s.exec(ref);
  if (!m) return undefined;
  const mimeType = m[1]?.split(";")[0] || "text/plain";
  const data = m[3] ?? "";
  const content = m[2] ? Buffer.from(data, "base64") : Buffer.from(decodeURIComponent(data), "utf8");
  return { content, mimeType };
}

/** Attachment kind from a MIME type. */
export function attachmentKindOf(mimeType: string | undefined): AttachmentKind {
  const t = (mimeType ?? "").toLowerCase();
  if (t.startsWith("image/")) return "image";
  if (t.startsWith("audio/")) return "audio";
  if (t.startsWith("video/")) return "video";
  if (t === "message/rfc822") return "email";
  return "document";
}

/** Transient by HTTP status: 408, 425, 429 and 5xx are worth a retry; other 4xx are not. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

const NETWORK_CODES = new Set([
  "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH",
  "ECONNABORTED", "UND_ERR_SOCKET", "UND_ERR_CONNECT_TIMEOUT", "ESOCKET", "ECONNECTION", "EDNS",
]);

/** A transport-level failure (nothing reached the provider, or the answer was lost): retry. */
export function isNetworkError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && typeof e === "object" && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && NETWORK_CODES.has(code)) return true;
    if ((e as { name?: unknown }).name === "FetchError" || (e as { type?: unknown }).type === "system") return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Downloads a provider URL through ctx.fetch and maps the answer to a FetchAttachmentResult. */
export async function fetchUrlAttachment(
  ctx: ConnectorContext<unknown>,
  url: string,
  init: RequestInit = {},
): Promise<FetchAttachmentResult> {
  try {
    const res = await ctx.fetch(url, { redirect: "follow", ...init });
    if (!res.ok) return { status: "failed", retryable: isRetryableStatus(res.status), reason: `HTTP ${res.status} from media URL` };
    const content = Buffer.from(await res.arrayBuffer());
    const mimeType = res.headers.get("content-type")?.split(";")[0]?.trim() || undefined;
    return { status: "fetched", content, mimeType };
  } catch (err) {
    return { status: "failed", retryable: true, reason: errorMessage(err) };
  }
}

/** fetchAttachment for refs that carry their bytes (data:), shared by every connector. */
export function fetchDataRef(ref: string): FetchAttachmentResult | undefined {
  const d = readDataRef(ref);
  return d ? { status: "fetched", content: d.content, mimeType: d.mimeType } : undefined;
}

/**
 * The one check of a shared point (every connector's location and the web form's map pick): finite
 * WGS84 degrees within range, and not (0, 0), the "null island" that broken clients send for
 * "no fix".
 */
export function isValidLocation(p: { latitude: unknown; longitude: unknown } | null | undefined): p is { latitude: number; longitude: number } {
  if (!p) return false;
  const { latitude: lat, longitude: lng } = p;
  if (typeof lat !== "number" || typeof lng !== "number" || !Number.isFinite(lat) || !Number.isFinite(lng)) return false;
  if (lat < -90 || lat > 90 || lng < -180 || lng > 180) return false;
  return !(lat === 0 && lng === 0);
}
