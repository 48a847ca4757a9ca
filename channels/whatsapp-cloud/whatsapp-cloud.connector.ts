// WhatsApp Business Cloud API (official). Inbound: Meta's webhooks (object
// "whatsapp_business_account", field "messages": messages and statuses), verified by the shared
// Meta code. Outbound: POST /{phone-number-id}/messages with text, media (uploaded first, or by
// link) or an approved template. Free text is only allowed within 24 hours of the citizen's last
// message (customer-service window): `limits.replyWindow` tells the server, which refuses before
// queueing; Graph would answer 131047 otherwise, mapped here to a permanent failure.
import { z } from "zod";
import {
  attachmentKindOf,
  parseStatusRequest,
  type ConnectorContext,
  type DeliveryStatus,
  type DeliveryUpdate,
  type InboundAttachment,
  type InboundMessage,
  type OutboundAttachment,
  type SendResult,
  type WebhookConnector,
  type WebhookOutcome,
} from "../connector.js";
import { fetchMetaMedia, fileBlob, graphCall, metaConfigFields, metaHandshake, metaTime, readMetaBody, verifyMetaRequest } from "../meta/meta.js";

export const whatsappTemplateSchema = z.object({
  name: z.string().regex(/^[a-z0-9_]{1,512}$/, "template name as approved in WhatsApp Manager (lower case, digits, _)"),
  language: z.string().regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, "language code, e.g. id or en_US"),
  body: z.string().min(1).max(1024).describe("Approved body text with {{1}}, {{2}}… placeholders"),
});

export const whatsappCloudConfigSchema = z.object({
  phoneNumberId: z.string().regex(/^\d{5,20}$/, "the Phone number ID from WhatsApp Manager (digits)").describe("Phone number ID"),
  businessAccountId: z.string().regex(/^\d{5,20}$/).optional().describe("WhatsApp Business Account ID"),
  ...metaConfigFields,
  templates: z.array(whatsappTemplateSchema).max(100).default([]).describe("Approved message templates the console may send outside the 24-hour window"),
});
export type WhatsappCloudConfig = z.infer<typeof whatsappCloudConfigSchema>;

export const WHATSAPP_MAX_TEXT = 4096;
/** Graph error: more than 24 hours since the customer last replied. */
export const WHATSAPP_REENGAGEMENT_ERROR = 131047;

const STATUS_MAP: Record<string, DeliveryStatus> = { sent: "sent", delivered: "delivered", read: "read", failed: "failed" };

interface WaMedia { id: string; mime_type?: string; caption?: string; filename?: string; voice?: boolean; sha256?: string }
interface WaMessage {
  from: string;
  id: string;
  timestamp?: string;
  type?: string;
  text?: { body?: string };
  image?: WaMedia;
  document?: WaMedia;
  audio?: WaMedia;
  video?: WaMedia;
  sticker?: WaMedia;
  location?: { latitude: number; longitude: number; name?: string; address?: string };
  contacts?: { name?: { formatted_name?: string }; phones?: { phone?: string }[] }[];
  button?: { text?: string; payload?: string };
  interactive?: { button_reply?: { title?: string }; list_reply?: { title?: string; description?: string } };
  context?: { id?: string; from?: string };
  errors?: { code?: number; title?: string }[];
}
interface WaStatus { id: string; status: string; timestamp?: string; recipient_id?: string; errors?: { code?: number; title?: string; message?: string }[] }
interface WaValue {
  messaging_product?: string;
  metadata?: { phone_number_id?: string; display_phone_number?: string };
  contacts?: { wa_id?: string; profile?: { name?: string } }[];
  messages?: WaMessage[];
  statuses?: WaStatus[];
}

/** WhatsApp ids are digits without "+"; our addresses are E.164. */
export const e164 = (waId: string) => (waId.startsWith("+") ? waId : `+${waId}`);

function mediaAttachment(m: WaMedia, kind: InboundAttachment["kind"] | undefined, fallbackMime: string): InboundAttachment {
  const mimeType = m.mime_type?.split(";")[0]?.trim() || fallbackMime;
  return { kind: kind ?? attachmentKindOf(mimeType), ref: m.id, mimeType, ...(m.filename ? { fileName: m.filename } : {}) };
}

function toInbound(m: WaMessage, names: Map<string, string>, fallbackTime: Date, raw: unknown): InboundMessage | { ignored: string } {
  if (typeof m.id !== "string" || typeof m.from !== "string" || !/^\+?\d{5,20}$/.test(m.from)) return { ignored: "invalid: message without id or from" };
  const attachments: InboundAttachment[] = [];
  if (m.image?.id) attachments.push(mediaAttachment(m.image, "image", "image/jpeg"));
  if (m.document?.id) attachments.push(mediaAttachment(m.document, "document", "application/octet-stream"));
  if (m.audio?.id) attachments.push(mediaAttachment(m.audio, "audio", "audio/ogg"));
  if (m.video?.id) attachments.push(mediaAttachment(m.video, "video", "video/mp4"));
  if (m.sticker?.id) attachments.push(mediaAttachment(m.sticker, "sticker", "image/webp"));
  const caption = m.image?.caption ?? m.document?.caption ?? m.video?.caption;
  const card = m.contacts?.[0];
  const text =
    m.text?.body ??
    caption ??
    m.button?.text ??
    m.interactive?.button_reply?.title ??
    m.interactive?.list_reply?.title ??
    (card ? `Kontak: ${card.name?.formatted_name ?? ""} ${card.phones?.map((p) => p.phone).filter(Boolean).join(", ") ?? ""}`.replace(/\s+/g, " ").trim() : "");
  const loc = m.location;
  const location =
    loc && Number.isFinite(loc.latitude) && Number.isFinite(loc.longitude)
      ? { latitude: loc.latitude, longitude: loc.longitude, ...(loc.name ? { title: loc.name } : {}), ...(loc.address ? { address: loc.address } : {}) }
      : undefined;
  if (!text && attachments.length === 0 && !location) return { ignored: `unsupported-content: ${m.type ?? "unknown"} message` };
  const phone = e164(m.from);
  const name = names.get(m.from.replace(/^\+/, ""));
  const message: InboundMessage = {
    channelKind: "whatsapp",
    externalId: m.id,
    externalThreadId: phone,
    sender: { externalId: phone, phone, ...(name ? { displayName: name } : {}) },
    sentAt: metaTime(m.timestamp, fallbackTime),
    text,
    attachments,
    raw,
  };
  if (location) message.location = location;
  if (m.context?.id) message.inReplyToExternalId = m.context.id;
  const asked = parseStatusRequest(text);
  if (asked) {
    message.command = { name: "status", argument: asked };
    message.ticketNumberHint = asked;
  }
  return message;
}

export function parseWhatsappCloud(config: WhatsappCloudConfig, rawBody: Buffer, now: Date): WebhookOutcome {
  const read = readMetaBody(rawBody, "whatsapp_business_account");
  if (!read.ok) return read.outcome;
  const messages: InboundMessage[] = [];
  const deliveries: DeliveryUpdate[] = [];
  const skipped: string[] = [];
  for (const entry of read.body.entry) {
    for (const change of entry.changes ?? []) {
      if (change.field !== "messages" || typeof change.value !== "object" || change.value === null) {
        skipped.push(`field ${String(change.field)}`);
        continue;
      }
      const value = change.value as WaValue;
      if (value.metadata?.phone_number_id !== config.phoneNumberId) {
        skipped.push(`other-number: ${String(value.metadata?.phone_number_id)}`);
        continue;
      }
      const names = new Map<string, string>();
      for (const c of value.contacts ?? []) if (c.wa_id && c.profile?.name) names.set(c.wa_id, c.profile.name);
      for (const m of Array.isArray(value.messages) ? value.messages : []) {
        const out = toInbound(m, names, now, { entryId: entry.id, message: m, contacts: value.contacts });
        if ("ignored" in out) skipped.push(out.ignored);
        else messages.push(out);
      }
      for (const s of Array.isArray(value.statuses) ? value.statuses : []) {
        const status = typeof s?.status === "string" ? STATUS_MAP[s.status] : undefined;
        if (!status || typeof s.id !== "string") {
          skipped.push(`status ${String(s?.status)}`);
          continue;
        }
        const d: DeliveryUpdate = { externalId: s.id, status, at: metaTime(s.timestamp, now), raw: s };
        const err = s.errors?.[0];
        if (err?.code !== undefined) d.errorCode = String(err.code);
        if (err?.title || err?.message) d.errorMessage = String(err.message ?? err.title);
        deliveries.push(d);
      }
    }
  }
  if (!messages.length && !deliveries.length) return { kind: "ignored", reason: skipped.length ? skipped.join("; ") : "empty: no messages or statuses" };
  return { kind: "events", messages, deliveries };
}

type Ctx = ConnectorContext<WhatsappCloudConfig>;
type Sent = { messages?: { id?: string }[] };

function mediaType(mimeType: string): "image" | "audio" | "video" | "document" {
  if (mimeType === "image/jpeg" || mimeType === "image/png") return "image";
  if (mimeType.startsWith("audio/")) return "audio";
  if (mimeType === "video/mp4" || mimeType === "video/3gpp") return "video";
  return "document";
}

async function mediaObject(ctx: Ctx, a: OutboundAttachment): Promise<{ ok: true; type: string; object: Record<string, string> } | { ok: false; failure: SendResult }> {
  const type = mediaType(a.mimeType);
  const named: Record<string, string> = type === "document" ? { filename: a.fileName } : {};
  if (a.url) return { ok: true, type, object: { link: a.url, ...named } };
  if (!a.content) return { ok: false, failure: { status: "failed", retryable: false, reason: `${a.fileName}: no bytes and no URL` } };
  const form = new FormData();
  form.append("messaging_product", "whatsapp");
  form.append("type", a.mimeType);
  form.append("file", fileBlob(a.content, a.mimeType), a.fileName);
  const up = await graphCall<{ id?: string }>(ctx, "POST", `${ctx.config.phoneNumberId}/media`, { form });
  if (!up.ok) return { ok: false, failure: up.failure };
  if (!up.data.id) return { ok: false, failure: { status: "failed", retryable: true, reason: "media upload answered without id" } };
  return { ok: true, type, object: { id: up.data.id, ...named } };
}

async function post(ctx: Ctx, payload: Record<string, unknown>): Promise<{ ok: true; id: string } | { ok: false; failure: SendResult }> {
  const r = await graphCall<Sent>(ctx, "POST", `${ctx.config.phoneNumberId}/messages`, { json: { messaging_product: "whatsapp", recipient_type: "individual", ...payload } });
  if (!r.ok) {
    const f = r.failure;
    if (f.status === "failed" && f.reason.includes(`code ${WHATSAPP_REENGAGEMENT_ERROR}`)) {
      return { ok: false, failure: { ...f, retryable: false, reason: `outside the 24-hour customer-service window: only an approved template can be sent (${f.reason})` } };
    }
    return { ok: false, failure: f };
  }
  const id = r.data.messages?.[0]?.id;
  if (!id) return { ok: false, failure: { status: "failed", retryable: false, reason: "Graph answered without a message id" } };
  return { ok: true, id };
}

export const whatsappCloudConnector: WebhookConnector<WhatsappCloudConfig> = {
  id: "whatsapp-cloud",
  kind: "whatsapp",
  title: "WhatsApp Business (Cloud API)",
  inbound: "webhook",
  configSchema: whatsappCloudConfigSchema,
  limits: {
    maxTextLength: WHATSAPP_MAX_TEXT,
    attachments: { mimeTypes: ["image/jpeg", "image/png", "audio/*", "video/mp4", "video/3gpp", "application/pdf", "application/*", "text/plain"], maxBytes: 16 * 1024 * 1024 },
    replyWindow: { hours: 24, appliesTo: /^\+?\d{5,20}$/, templatesOf: (c) => c.templates },
  },

  verify(ctx, req) {
    return verifyMetaRequest(ctx.config, req);
  },

  parse(ctx, req) {
    return metaHandshake(ctx.config, req) ?? parseWhatsappCloud(ctx.config, req.rawBody, ctx.now());
  },

  async send(ctx, msg) {
    const to = msg.to.replace(/^\+/, "");
    if (!/^\d{5,20}$/.test(to)) return { status: "failed", retryable: false, reason: `not a WhatsApp number: ${msg.to}` };
    const context = msg.inReplyToExternalId?.startsWith("wamid.") ? { context: { message_id: msg.inReplyToExternalId } } : {};
    const ids: string[] = [];
    if (msg.template) {
      const t = msg.template;
      const r = await post(ctx, {
        to,
        type: "template",
        template: {
          name: t.name,
          language: { code: t.language },
          ...(t.parameters.length ? { components: [{ type: "body", parameters: t.parameters.map((text) => ({ type: "text", text })) }] } : {}),
        },
      });
      if (!r.ok) return r.failure;
      return { status: "sent", externalId: r.id };
    }
    if (msg.text.trim()) {
      const r = await post(ctx, { to, type: "text", text: { preview_url: false, body: msg.text }, ...context });
      if (!r.ok) return r.failure;
      ids.push(r.id);
    }
    for (const a of msg.attachments ?? []) {
      const media = await mediaObject(ctx, a);
      if (!media.ok) return ids.length ? { status: "sent", externalId: ids[0]!, extraExternalIds: ids.slice(1) } : media.failure;
      const r = await post(ctx, { to, type: media.type, [media.type]: media.object });
      if (!r.ok) {
        ctx.log.warn({ accountId: ctx.accountId, file: a.fileName, reason: r.failure.status === "failed" ? r.failure.reason : "" }, "whatsapp-cloud: a file was not sent");
        if (!ids.length) return r.failure;
        break;
      }
      ids.push(r.id);
    }
    const [first, ...rest] = ids;
    if (!first) return { status: "failed", retryable: false, reason: "nothing to send: empty text and no attachments" };
    return { status: "sent", externalId: first, ...(rest.length ? { extraExternalIds: rest } : {}) };
  },

  fetchAttachment(ctx, ref) {
    return fetchMetaMedia(ctx, ref);
  },
};
