// SMS/MMS through Twilio Programmable Messaging.
// Inbound: Twilio POSTs form-encoded parameters to the account's webhook URL, signed with
// X-Twilio-Signature = base64(HMAC-SHA1(authToken, url + sorted key/value pairs)). The same URL
// receives the status callbacks of the messages we send (StatusCallback = publicWebhookUrl).
import { z } from "zod";
import {
  attachmentKindOf,
  errorMessage,
  fetchDataRef,
  fetchUrlAttachment,
  isNetworkError,
  isRetryableStatus,
  parseStatusRequest,
  type ConnectorContext,
  type DeliveryStatus,
  type DeliveryUpdate,
  type InboundAttachment,
  type InboundMessage,
  type SendResult,
  type WebhookConnector,
  type WebhookRequest,
} from "../connector.js";
import { formParams, rebaseUrl, single, twilioClient, verifyTwilioSignature } from "../twilio/twilio-wire.js";

export const twilioSmsConfigSchema = z
  .object({
    accountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, "an Account SID: AC followed by 32 hex digits").describe("Twilio Account SID"),
    authToken: z.string().min(16).describe("Auth Token; signs webhooks and authenticates API calls").meta({ secret: true }),
    fromNumber: z.string().regex(/^\+[1-9]\d{6,14}$/, "an E.164 number, e.g. +6281234567890").optional().describe("Sender number (E.164)"),
    messagingServiceSid: z.string().regex(/^MG[0-9a-fA-F]{32}$/).optional().describe("Messaging Service SID, instead of a sender number"),
    apiBaseUrl: z.url().optional().describe("Override of https://api.twilio.com (tests, regional proxies)"),
  })
  .refine((c) => c.fromNumber !== undefined || c.messagingServiceSid !== undefined, {
    message: "fromNumber or messagingServiceSid is required",
    path: ["fromNumber"],
  });
export type TwilioSmsConfig = z.infer<typeof twilioSmsConfigSchema>;

/** Twilio accepts up to 1600 characters per message (it splits into segments itself). */
export const TWILIO_MAX_BODY = 1600;

const TWIML_EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

const STATUS_MAP: Record<string, DeliveryStatus> = {
  accepted: "queued",
  scheduled: "queued",
  queued: "queued",
  sending: "sent",
  sent: "sent",
  delivered: "delivered",
  read: "read",
  undelivered: "undelivered",
  failed: "failed",
  canceled: "failed",
};

function splitBody(text: string): string[] {
  if (text.length <= TWILIO_MAX_BODY) return [text];
  const parts: string[] = [];
  let rest = text;
  while (rest.length > TWILIO_MAX_BODY) {
    let cut = rest.lastIndexOf(" ", TWILIO_MAX_BODY);
    if (cut < TWILIO_MAX_BODY / 2) cut = TWILIO_MAX_BODY;
    parts.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest) parts.push(rest);
  return parts;
}

function failure(err: unknown): SendResult {
  const status = (err as { status?: unknown }).status;
  if (typeof status === "number") {
    const code = (err as { code?: unknown }).code;
    return { status: "failed", retryable: isRetryableStatus(status), reason: `Twilio ${status}${code ? ` (${code})` : ""}: ${errorMessage(err)}` };
  }
  // axios without a response: connection refused, reset, timeout.
  return { status: "failed", retryable: isNetworkError(err), reason: errorMessage(err) };
}

export const twilioSmsConnector: WebhookConnector<TwilioSmsConfig> = {
  id: "twilio-sms",
  kind: "sms",
  title: "SMS (Twilio)",
  inbound: "webhook",
  configSchema: twilioSmsConfigSchema,
  // Longer texts are split into messages of 1600; three of them is as much as a phone shows well.
  limits: { maxTextLength: 3 * TWILIO_MAX_BODY, attachments: { mimeTypes: ["image/jpeg", "image/png", "image/gif"], maxBytes: 5 * 1024 * 1024 }, replyWindow: null },

  verify: (ctx, req: WebhookRequest) => verifyTwilioSignature(ctx.config.authToken, req),

  parse(ctx, req) {
    const p = formParams(req.rawBody);
    const accountSid = single(p, "AccountSid");
    if (accountSid !== undefined && accountSid !== ctx.config.accountSid) return { kind: "ignored", reason: `webhook for another Twilio account (${accountSid})` };
    const sid = single(p, "MessageSid") ?? single(p, "SmsSid");
    if (!sid) return { kind: "ignored", reason: "no MessageSid" };
    const messageStatus = single(p, "MessageStatus") ?? single(p, "SmsStatus");

    if (messageStatus && messageStatus !== "received" && messageStatus !== "receiving") {
      const status = STATUS_MAP[messageStatus];
      if (!status) return { kind: "ignored", reason: `unknown MessageStatus ${messageStatus}` };
      const errorCode = single(p, "ErrorCode");
      const delivery: DeliveryUpdate = { externalId: sid, status, at: ctx.now(), raw: p };
      if (errorCode) delivery.errorCode = errorCode;
      const errorMessageText = single(p, "ErrorMessage");
      if (errorMessageText) delivery.errorMessage = errorMessageText;
      return { kind: "events", messages: [], deliveries: [delivery] };
    }

    const from = single(p, "From");
    if (!from) return { kind: "ignored", reason: "inbound message without From" };
    const numMedia = Math.min(Number(single(p, "NumMedia") ?? "0") || 0, 10);
    const attachments: InboundAttachment[] = [];
    for (let i = 0; i < numMedia; i++) {
      const url = single(p, `MediaUrl${i}`);
      if (!url) continue;
      const mimeType = single(p, `MediaContentType${i}`);
      attachments.push({ kind: attachmentKindOf(mimeType), ref: url, ...(mimeType ? { mimeType } : {}) });
    }
    const text = single(p, "Body") ?? "";
    const message: InboundMessage = {
      channelKind: "sms",
      externalId: sid,
      externalThreadId: from,
      sender: { externalId: from, phone: from },
      sentAt: ctx.now(),
      text,
      attachments,
      raw: p,
    };
    const asked = parseStatusRequest(text);
    if (asked) {
      message.command = { name: "status", argument: asked };
      message.ticketNumberHint = asked;
    }
    return {
      kind: "events",
      messages: [message],
      deliveries: [],
      reply: { status: 200, headers: { "content-type": "text/xml; charset=utf-8" }, body: TWIML_EMPTY },
    };
  },

  async send(ctx, msg) {
    const c = ctx.config;
    const client = twilioClient(c);
    const mediaUrl = (msg.attachments ?? []).flatMap((a) => (a.url ? [a.url] : []));
    if ((msg.attachments ?? []).some((a) => !a.url)) {
      ctx.log.warn({ accountId: ctx.accountId }, "twilio-sms: attachments without a public URL are not sent (MMS needs a URL)");
    }
    const sids: string[] = [];
    const parts = splitBody(msg.text);
    for (const [i, body] of parts.entries()) {
      try {
        const m = await client.messages.create({
          to: msg.to,
          body,
          ...(c.messagingServiceSid ? { messagingServiceSid: c.messagingServiceSid } : { from: c.fromNumber as string }),
          statusCallback: ctx.publicWebhookUrl,
          ...(i === 0 && mediaUrl.length ? { mediaUrl: mediaUrl.slice(0, 10) } : {}),
        });
        sids.push(m.sid);
      } catch (err) {
        const f = failure(err);
        ctx.log.warn({ accountId: ctx.accountId, part: i, sent: sids.length, err: errorMessage(err) }, "twilio-sms: send failed");
        return f;
      }
    }
    const [first, ...rest] = sids;
    return { status: "sent", externalId: first as string, ...(rest.length ? { extraExternalIds: rest } : {}) };
  },

  async fetchAttachment(ctx, ref) {
    const inline = fetchDataRef(ref);
    if (inline) return inline;
    // Media URLs need the account's basic auth when "HTTP basic auth for media" is on; Twilio then
    // redirects to storage, and fetch drops Authorization on that cross-origin hop.
    const auth = Buffer.from(`${ctx.config.accountSid}:${ctx.config.authToken}`).toString("base64");
    return fetchUrlAttachment(ctx, rebaseUrl(ref, ctx.config.apiBaseUrl), { headers: { authorization: `Basic ${auth}` } });
  },
};
