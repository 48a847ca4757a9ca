// What the providers post to us, byte for byte as they sign it: the citizen's inbound messages
// and the delivery receipts. One definition, used by the demo sandbox (receipts), the citizen's
// phone page /demo/warga and `npm run simulate`. Each request is signed over the PUBLIC webhook
// URL (what the provider would have called) and may be posted to any local address of the server.
//
// The connectors' own tests keep independent signers in channels/testing/index.ts on purpose: there they
// are the test oracle of the connectors' verify().
import { createHash, createHmac, randomBytes } from "node:crypto";

export interface WireRequest {
  method: "POST" | "GET";
  /** The public URL the provider calls (signed), with its query. */
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** Who the citizen is on one channel: the address our connector sends to, and a display name. */
export interface CitizenAddress {
  address: string;
  name?: string;
}

// ---- signatures ----------------------------------------------------------------------------

/**
 * Twilio: X-Twilio-Signature = base64 HMAC-SHA1(authToken, the full URL followed by every POST
 * parameter's name and value, sorted by name), as Twilio documents it.
 */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  let data = url;
  for (const key of Object.keys(params).sort()) data += key + params[key];
  return createHmac("sha1", authToken).update(Buffer.from(data, "utf8")).digest("base64");
}
/** Meta (WhatsApp Cloud, Messenger, Instagram): X-Hub-Signature-256 over the raw body. */
export const metaSignature = (appSecret: string, body: string) => `sha256=${createHmac("sha256", appSecret).update(body).digest("hex")}`;
/** X Account Activity: X-Twitter-Webhooks-Signature over the raw body. */
export const xSignature = (consumerSecret: string, body: string) => `sha256=${createHmac("sha256", consumerSecret).update(body).digest("base64")}`;

// ---- addresses -----------------------------------------------------------------------------

/** "0812…", "62812…", "+62 812-…" -> "+62812…" (Indonesian numbers; other E.164 kept). */
export function e164(raw: string): string {
  const digits = raw.replace(/[^\d+]/g, "");
  if (digits.startsWith("+")) return `+${digits.slice(1).replace(/\D/g, "")}`;
  if (digits.startsWith("0")) return `+62${digits.slice(1)}`;
  if (digits.startsWith("62")) return `+${digits}`;
  return `+${digits}`;
}

/** A stable numeric id for a handle typed by a person ("@budi" -> the same digits every time). */
export function numericIdOf(handle: string, digits = 16): string {
  const h = handle.trim().replace(/^@/, "").toLowerCase();
  if (/^\d{3,20}$/.test(h)) return h;
  const n = BigInt(`0x${createHash("sha256").update(h).digest("hex").slice(0, 15)}`).toString().padStart(digits, "7");
  return `9${n.slice(0, digits - 1)}`;
}

/** How each connector addresses the citizen (what `OutboundMessage.to` will be). */
export function citizenAddress(connectorId: string, identity: string): CitizenAddress {
  const raw = identity.trim();
  const handle = raw.replace(/^@/, "");
  switch (connectorId) {
    case "twilio-sms":
    case "twilio-voice":
      return { address: e164(raw) };
    case "whatsapp-cloud":
    case "whatsapp-web":
      return { address: e164(raw).slice(1) };
    case "email":
    case "web":
      return { address: raw.toLowerCase() };
    default:
      // telegram (chat id), facebook (PSID), instagram (IGSID), x (user id)
      return /^\d+$/.test(handle) ? { address: handle } : { address: numericIdOf(handle, connectorId === "telegram" ? 10 : 16), name: handle };
  }
}

const sid = (prefix: string) => `${prefix}${randomBytes(16).toString("hex")}`;
const unix = (d: Date) => Math.floor(d.getTime() / 1000);

// ---- the citizen writes --------------------------------------------------------------------

export interface CitizenInput {
  /** The citizen as typed (phone, e-mail, handle or id). */
  from: string;
  text: string;
  /** Account config as stored (decrypted). */
  config: Record<string, unknown>;
  /** The account's public webhook URL (${PUBLIC_URL}/webhooks/<connector>/<id>). */
  webhookUrl: string;
  at?: Date;
  /** Voice: where the recording can be fetched (a Twilio-shaped RecordingUrl, no extension). */
  recordingUrl?: string;
}

/**
 * The provider's webhook request that carries a citizen's message, or undefined when this
 * connector has no webhook for it (e-mail, WhatsApp Web and the web form come in other ways).
 */
export function citizenMessageRequest(connectorId: string, input: CitizenInput): WireRequest | undefined {
  const at = input.at ?? new Date();
  const c = input.config as Record<string, string>;
  const who = citizenAddress(connectorId, input.from);
  switch (connectorId) {
    case "twilio-sms": {
      const id = sid("SM");
      const params: Record<string, string> = {
        ToCountry: "ID", SmsMessageSid: id, NumMedia: "0", SmsSid: id, SmsStatus: "received", Body: input.text, FromCountry: "ID",
        To: c.fromNumber ?? "", NumSegments: String(Math.max(1, Math.ceil(input.text.length / 153))), MessageSid: id, AccountSid: c.accountSid ?? "",
        From: who.address, ApiVersion: "2010-04-01",
      };
      return twilioForm(c.authToken ?? "", input.webhookUrl, params);
    }
    case "twilio-voice": {
      // The end of an IVR call: option 1, the caller spoke, Twilio posts the recording to step=recorded.
      const url = new URL(input.webhookUrl);
      url.search = "";
      url.searchParams.set("step", "recorded");
      url.searchParams.set("lang", "id");
      const callSid = sid("CA");
      const recordingUrl = input.recordingUrl ?? `https://api.twilio.com/2010-04-01/Accounts/${c.accountSid}/Recordings/${sid("RE")}`;
      const params: Record<string, string> = {
        AccountSid: c.accountSid ?? "", CallSid: callSid, From: who.address, To: c.phoneNumber ?? "", CallStatus: "in-progress", Direction: "inbound",
        RecordingUrl: recordingUrl, RecordingSid: recordingUrl.split("/").pop() ?? sid("RE"), RecordingDuration: String(Math.max(3, Math.ceil(input.text.length / 12))), ApiVersion: "2010-04-01",
      };
      return twilioForm(c.authToken ?? "", url.toString(), params);
    }
    case "telegram": {
      const id = Number(who.address);
      const update = {
        update_id: Math.floor(at.getTime() / 10) % 2_000_000_000,
        message: {
          message_id: Math.floor(Math.random() * 1e9),
          from: { id, is_bot: false, first_name: who.name ?? "Warga", ...(who.name ? { username: who.name } : {}), language_code: "id" },
          chat: { id, first_name: who.name ?? "Warga", type: "private" },
          date: unix(at),
          text: input.text,
        },
      };
      return json(input.webhookUrl, update, { "x-telegram-bot-api-secret-token": c.secretToken ?? "" });
    }
    case "whatsapp-cloud": {
      const message = { from: who.address, id: `wamid.${randomBytes(18).toString("base64url")}`, timestamp: String(unix(at)), type: "text", text: { body: input.text } };
      return metaJson(c.appSecret ?? "", input.webhookUrl, whatsappCloudChange(c, { contacts: [{ profile: { name: who.name ?? "Warga" }, wa_id: who.address }], messages: [message] }));
    }
    case "facebook":
    case "instagram": {
      const own = connectorId === "facebook" ? c.pageId : c.instagramAccountId;
      const body = {
        object: connectorId === "facebook" ? "page" : "instagram",
        entry: [{ id: own, time: at.getTime(), messaging: [{ sender: { id: who.address }, recipient: { id: own }, timestamp: at.getTime(), message: { mid: `m_${randomBytes(16).toString("base64url")}`, text: input.text } }] }],
      };
      return metaJson(c.appSecret ?? "", input.webhookUrl, body);
    }
    case "x": {
      const name = who.name ?? `warga${who.address.slice(-4)}`;
      const body = {
        for_user_id: c.userId,
        direct_message_events: [
          {
            type: "message_create",
            id: String(1_800_000_000_000_000_000n + BigInt(Math.floor(Math.random() * 1e15))),
            created_timestamp: String(at.getTime()),
            message_create: { target: { recipient_id: c.userId }, sender_id: who.address, message_data: { text: input.text } },
          },
        ],
        users: {
          [who.address]: { id: who.address, created_timestamp: "1600000000000", name, screen_name: name.replace(/\W/g, "_"), protected: false, verified: false, followers_count: 10, friends_count: 10, statuses_count: 10 },
          [c.userId ?? ""]: { id: c.userId, created_timestamp: "1500000000000", name: c.username ?? "pemprov", screen_name: c.username ?? "pemprov", protected: false, verified: true, followers_count: 1000, friends_count: 1, statuses_count: 100 },
        },
      };
      const raw = JSON.stringify(body);
      return { method: "POST", url: input.webhookUrl, headers: { "content-type": "application/json; charset=utf-8", "x-twitter-webhooks-signature": xSignature(c.consumerSecret ?? "", raw) }, body: raw };
    }
    default:
      return undefined;
  }
}

/** A raw RFC 5322 message from the citizen to the complaint mailbox (CRLF, UTF-8 base64 body). */
export function citizenEmail(opts: { from: string; to: string; subject: string; text: string; inReplyTo?: string; at?: Date }): { raw: Buffer; messageId: string } {
  const messageId = `<${randomBytes(8).toString("hex")}@warga.sandbox.aduan>`;
  const word = (s: string) => (/^[\x20-\x7e]*$/.test(s) ? s : `=?UTF-8?B?${Buffer.from(s, "utf8").toString("base64")}?=`);
  const lines = [
    `From: ${opts.from}`,
    `To: ${opts.to}`,
    `Subject: ${word(opts.subject)}`,
    `Date: ${(opts.at ?? new Date()).toUTCString().replace("GMT", "+0000")}`,
    `Message-ID: ${messageId}`,
    ...(opts.inReplyTo ? [`In-Reply-To: ${opts.inReplyTo}`, `References: ${opts.inReplyTo}`] : []),
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=UTF-8",
    "Content-Transfer-Encoding: base64",
    "",
    (Buffer.from(opts.text.replace(/\r?\n/g, "\r\n"), "utf8").toString("base64").match(/.{1,76}/g) ?? []).join("\r\n"),
  ];
  return { raw: Buffer.from(`${lines.join("\r\n")}\r\n`, "latin1"), messageId };
}

// ---- the provider reports on what we sent ---------------------------------------------------

export type ReceiptStatus = "sent" | "delivered" | "read";

/**
 * The delivery receipt the provider posts for a message we sent, or undefined when that provider
 * sends none (Telegram, X, e-mail; Instagram and Messenger report "read" by watermark only).
 */
export function receiptRequest(
  connectorId: string,
  opts: { config: Record<string, unknown>; callbackUrl: string; externalId: string; to: string; from?: string; status: ReceiptStatus; at?: Date },
): WireRequest | undefined {
  const c = opts.config as Record<string, string>;
  const at = opts.at ?? new Date();
  switch (connectorId) {
    case "twilio-sms": {
      const params: Record<string, string> = {
        SmsSid: opts.externalId, SmsStatus: opts.status, MessageStatus: opts.status, To: opts.to, MessageSid: opts.externalId,
        AccountSid: c.accountSid ?? "", From: opts.from ?? c.fromNumber ?? "", ApiVersion: "2010-04-01",
      };
      return twilioForm(c.authToken ?? "", opts.callbackUrl, params);
    }
    case "whatsapp-cloud": {
      const statuses = [{ id: opts.externalId, status: opts.status, timestamp: String(unix(at)), recipient_id: opts.to }];
      return metaJson(c.appSecret ?? "", opts.callbackUrl, whatsappCloudChange(c, { statuses }));
    }
    case "facebook": {
      if (opts.status !== "delivered") return undefined;
      const body = { object: "page", entry: [{ id: c.pageId, time: at.getTime(), messaging: [{ sender: { id: opts.to }, recipient: { id: c.pageId }, delivery: { mids: [opts.externalId], watermark: at.getTime() } }] }] };
      return metaJson(c.appSecret ?? "", opts.callbackUrl, body);
    }
    default:
      return undefined;
  }
}

/** Which receipts a provider sends after accepting a message, in order. */
export const RECEIPTS: Record<string, ReceiptStatus[]> = {
  "twilio-sms": ["sent", "delivered"],
  "whatsapp-cloud": ["sent", "delivered"],
  facebook: ["delivered"],
};

function twilioForm(authToken: string, url: string, params: Record<string, string>): WireRequest {
  return {
    method: "POST",
    url,
    headers: { "content-type": "application/x-www-form-urlencoded; charset=UTF-8", "x-twilio-signature": twilioSignature(authToken, url, params), "user-agent": "TwilioProxy/1.1" },
    body: new URLSearchParams(params).toString(),
  };
}

function json(url: string, body: unknown, headers: Record<string, string>): WireRequest {
  return { method: "POST", url, headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) };
}

function metaJson(appSecret: string, url: string, body: unknown): WireRequest {
  const raw = JSON.stringify(body);
  return { method: "POST", url, headers: { "content-type": "application/json", "x-hub-signature-256": metaSignature(appSecret, raw), "user-agent": "facebookexternalua" }, body: raw };
}

/** Sends a wire request to the server at `localBase` (the path and query of its public URL kept). */
export async function postToServer(localBase: string, req: WireRequest): Promise<Response> {
  const u = new URL(req.url);
  return fetch(`${localBase.replace(/\/+$/, "")}${u.pathname}${u.search}`, { method: req.method, headers: req.headers, ...(req.method === "POST" ? { body: req.body } : {}) });
}

/** A WhatsApp Cloud API webhook body: one "messages" change of the business account's number. */
function whatsappCloudChange(c: Record<string, string | undefined>, value: Record<string, unknown>) {
  return {
    object: "whatsapp_business_account",
    entry: [{ id: "100000000000000", changes: [{ field: "messages", value: { messaging_product: "whatsapp", metadata: { display_phone_number: "6281100000002", phone_number_id: c.phoneNumberId }, ...value } }] }],
  };
}
