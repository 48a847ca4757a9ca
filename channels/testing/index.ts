// Test support for connectors and for the server's webhook / end-to-end tests. Never imported by
// production code. Everything listens on 127.0.0.1 with a random port.
//
// Contexts and requests
//   testContext(config, overrides?)            ConnectorContext with memoryLog(), real fetch, now()
//   memoryLog()                                 logger keeping { level, obj, msg } entries
//   webhookRequest({ url, method?, headers?, body? })   WebhookRequest as the server builds it
//   formBody(params) / parseForm(body)          application/x-www-form-urlencoded <-> params
//   flipOneByte(buf, index?)                    copy with one byte changed (verify must reject it)
//
// Twilio (X-Twilio-Signature = base64 HMAC-SHA1(authToken, url + sorted name/value pairs))
//   twilioSignature(authToken, url, params)     from Twilio's documentation, independent of the SDK
//   signedTwilioRequest(url, params, authToken) WebhookRequest signed with twilio.getExpectedTwilioSignature
//   twilioWebhookRequest({ url, authToken, params })    same, signed with twilioSignature
//   twilioInboundSmsParams({ from, to, body, accountSid, messageSid?, media? })  Twilio's inbound form
//   twilioStatusParams({ messageSid, status, to, from, accountSid, errorCode? })  a status callback form
//   startFakeTwilio({ accountSid, authToken }) -> FakeTwilio
//     .baseUrl (connector config apiBaseUrl), .messages (every message created: to, from, body,
//     statusCallback, mediaUrl, form), .requests, .failNext(n, status=500), .failFor(ms, status=500),
//     .addMedia(bytes, type) -> MediaUrl, .close()
//
// Telegram (X-Telegram-Bot-Api-Secret-Token = the secret_token given to setWebhook)
//   telegramUpdateRequest(update, secret, url?) WebhookRequest with the secret header (secret
//                                               undefined = header absent)
//   telegramWebhookRequest({ url, secretToken, update })  same, options form
//   telegramTextUpdate({ chatId, text, updateId?, messageId?, firstName?, username?, date? })
//   startFakeTelegram({ token, botUsername? }) -> FakeTelegram
//     .apiRoot (connector config apiRoot), .calls ({ method, payload, contentType }), .webhook
//     (last setWebhook: url, secret_token, allowed_updates), .failNext(n, { status, description?,
//     retryAfter? }, method?), .blockChat(chatId), .addFile(fileId, bytes, path?), .close()
//
// E-mail
//   buildEmail({ from, to, subject, text, html?, messageId?, inReplyTo?, references?, headers?, date? })
//                                               -> raw RFC 5322 Buffer (CRLF)
//   deliverSmtp({ host, port, from, to, raw, user?, pass? })   submits a raw message over SMTP
//   startFakeSmtp({ user?, pass? }) -> FakeSmtp  .host, .port, .messages ({ envelope, raw }),
//     .failNext(n, code, message?) (refuses RCPT: 4xx temporary, 5xx permanent), .close()
//   startFakeImap({ user, pass, mailboxes? }) -> FakeImap  .host, .port, .append(raw, mailbox?,
//     flags?) -> uid (pushes EXISTS to idling clients), .mailbox(name) -> messages with live
//     flags, .commands, .close()
//
// Web form (/lapor)
//   webFormRequest({ url?, fields, files?, token }) WebhookRequest, urlencoded or multipart when
//                                               files are given; issue the token with
//                                               issueWebFormToken(config, issuedAt)
//
// Meta (WhatsApp Cloud, Facebook, Instagram)
//   metaSignature256(appSecret, body)            X-Hub-Signature-256 value
//   metaWebhookRequest({ url, appSecret, body }) signed POST as Meta sends it
//   metaVerifyRequest({ url, mode?, verifyToken, challenge }) the GET verification handshake
//   startFakeGraph({ accessToken }) -> FakeGraph  .baseUrl (graphApiBase), .calls, .closeWindow(waId),
//     .failNext(n, { status, code, message? }), .addMedia(id, bytes, mime), .cdnUrl(name, bytes, mime), .close()
//
// X (Account Activity API)
//   xCrcResponseToken(consumerSecret, crcToken), xWebhookSignature(consumerSecret, body)
//   xWebhookRequest({ url, consumerSecret, body })  signed POST as X sends it
//   startFakeX({ consumerKey, consumerSecret, accessToken, accessTokenSecret }) -> FakeX  .baseUrl (apiBase),
//     .calls, .refuseDms(userId), .failNext(n, status), .addMedia(name, bytes, mime) -> URL, .close()
import { createHmac, randomBytes } from "node:crypto";
import { createTransport } from "nodemailer";
import twilio from "twilio";
import type { ConnectorContext, ConnectorLog, WebhookRequest } from "../connector.js";
import { WEB_FORM_FIELDS } from "../web/web.connector.js";

export { startFakeTwilio, type FakeTwilio, type FakeTwilioMessage } from "./fake-twilio.js";
export { startFakeTelegram, type FakeTelegram, type FakeTelegramCall, type FakeTelegramFailure } from "./fake-telegram.js";
export { startFakeSmtp, type FakeSmtp, type FakeSmtpMessage } from "./fake-smtp.js";
export { startFakeImap, type FakeImap, type FakeImapMessage } from "./fake-imap.js";
export { startFakeGraph, type FakeGraph, type FakeGraphCall, type FakeGraphFailure } from "./fake-graph.js";
export { startFakeX, type FakeX, type FakeXCall } from "./fake-x.js";
export { fakeWhatsappWebClientFactory, startFakeWhatsappWeb, type FakeWhatsappWeb } from "./fake-whatsapp-web.js";

/** A logger that keeps what it is told, for assertions. */
export function memoryLog(): ConnectorLog & { entries: { level: string; obj: object; msg?: string | undefined }[] } {
  const entries: { level: string; obj: object; msg?: string | undefined }[] = [];
  const at = (level: string) => (obj: object, msg?: string) => void entries.push({ level, obj, msg });
  return { entries, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

export function testContext<C>(config: C, overrides: Partial<Omit<ConnectorContext<C>, "config">> = {}): ConnectorContext<C> {
  return {
    config,
    accountId: "test-account",
    publicWebhookUrl: "https://aduan.example.go.id/webhooks/test/test-account",
    fetch: globalThis.fetch,
    log: memoryLog(),
    now: () => new Date(),
    ...overrides,
  };
}

/** A WebhookRequest as the server builds it from an incoming HTTP request. */
export function webhookRequest(opts: { url: string; method?: string; headers?: Record<string, string>; body?: Buffer | string }): WebhookRequest {
  const url = new URL(opts.url);
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of url.searchParams) {
    const prev = query[k];
    query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts.headers ?? {})) headers[k.toLowerCase()] = v;
  const rawBody = typeof opts.body === "string" ? Buffer.from(opts.body, "utf8") : (opts.body ?? Buffer.alloc(0));
  return { method: opts.method ?? "POST", url: opts.url, headers, rawBody, query };
}

export type FormParams = Record<string, string | string[]>;

export function formBody(params: FormParams): Buffer {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) for (const one of Array.isArray(v) ? v : [v]) p.append(k, one);
  return Buffer.from(p.toString(), "utf8");
}

/** Form body as Twilio posts it -> params (repeated keys become arrays). */
export function parseForm(body: Buffer | string): FormParams {
  const out: FormParams = {};
  for (const [k, v] of new URLSearchParams(body.toString())) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

/**
 * Twilio's documented webhook signature: take the full URL, append each POST parameter name
 * followed by its value, parameters sorted by name (values of a repeated name sorted too), then
 * base64(HMAC-SHA1(authToken, that string)).
 */
export function twilioSignature(authToken: string, url: string, params: FormParams): string {
  let data = url;
  for (const key of Object.keys(params).sort()) {
    const v = params[key];
    const values = Array.isArray(v) ? [...new Set(v)].sort() : [v as string];
    for (const value of values) data += key + value;
  }
  return createHmac("sha1", authToken).update(Buffer.from(data, "utf8")).digest("base64");
}

export function twilioWebhookRequest(opts: { url: string; authToken: string; params: FormParams }): WebhookRequest {
  return webhookRequest({
    url: opts.url,
    headers: {
      "content-type": "application/x-www-form-urlencoded; charset=UTF-8",
      "x-twilio-signature": twilioSignature(opts.authToken, opts.url, opts.params),
      "user-agent": "TwilioProxy/1.1",
    },
    body: formBody(opts.params),
  });
}

/** A Twilio-signed webhook, signed by the twilio SDK's own algorithm (getExpectedTwilioSignature). */
export function signedTwilioRequest(url: string, params: FormParams, authToken: string): WebhookRequest {
  return webhookRequest({
    url,
    headers: {
      "content-type": "application/x-www-form-urlencoded; charset=UTF-8",
      "x-twilio-signature": twilio.getExpectedTwilioSignature(authToken, url, params),
      "user-agent": "TwilioProxy/1.1",
      "i-twilio-idempotency-token": randomBytes(16).toString("hex"),
    },
    body: formBody(params),
  });
}

const sidOf = (prefix: string) => `${prefix}${randomBytes(16).toString("hex")}`;

/** The form Twilio posts for an inbound SMS (media: MMS with MediaUrlN / MediaContentTypeN). */
export function twilioInboundSmsParams(opts: {
  from: string;
  to: string;
  body: string;
  accountSid: string;
  messageSid?: string;
  media?: { url: string; contentType: string }[];
}): FormParams {
  const sid = opts.messageSid ?? sidOf(opts.media?.length ? "MM" : "SM");
  const p: FormParams = {
    ToCountry: "ID", ToState: "", SmsMessageSid: sid, NumMedia: String(opts.media?.length ?? 0), ToCity: "", FromZip: "",
    SmsSid: sid, FromState: "", SmsStatus: "received", FromCity: "", Body: opts.body, FromCountry: "ID", To: opts.to,
    ToZip: "", NumSegments: String(Math.max(1, Math.ceil(opts.body.length / 153))), MessageSid: sid,
    AccountSid: opts.accountSid, From: opts.from, ApiVersion: "2010-04-01",
  };
  opts.media?.forEach((m, i) => {
    p[`MediaUrl${i}`] = m.url;
    p[`MediaContentType${i}`] = m.contentType;
  });
  return p;
}

/** The form of a Twilio status callback for a message we sent. */
export function twilioStatusParams(opts: { messageSid: string; status: string; to: string; from: string; accountSid: string; errorCode?: string }): FormParams {
  return {
    ...(opts.errorCode ? { ErrorCode: opts.errorCode } : {}),
    SmsSid: opts.messageSid, SmsStatus: opts.status, MessageStatus: opts.status, To: opts.to,
    MessageSid: opts.messageSid, AccountSid: opts.accountSid, From: opts.from, ApiVersion: "2010-04-01",
  };
}

/** An update as Telegram posts it to a webhook registered with `secret` (undefined: no header). */
export function telegramUpdateRequest(update: unknown, secret: string | undefined, url = "https://aduan.example.go.id/webhooks/telegram/test-account"): WebhookRequest {
  return telegramWebhookRequest({ url, secretToken: secret, update });
}

let nextUpdateId = 700_000_000;

/** A private-chat text message update (Bot API shape). */
export function telegramTextUpdate(opts: { chatId: number; text: string; updateId?: number; messageId?: number; firstName?: string; username?: string; date?: Date }) {
  const updateId = opts.updateId ?? nextUpdateId++;
  const from = { id: opts.chatId, is_bot: false, first_name: opts.firstName ?? "Warga", ...(opts.username ? { username: opts.username } : {}), language_code: "id" };
  const text = opts.text;
  const command = /^\/[A-Za-z0-9_]+(@\w+)?/.exec(text);
  return {
    update_id: updateId,
    message: {
      message_id: opts.messageId ?? updateId % 100_000,
      from,
      chat: { id: opts.chatId, first_name: from.first_name, ...(opts.username ? { username: opts.username } : {}), type: "private" },
      date: Math.floor((opts.date ?? new Date()).getTime() / 1000),
      text,
      ...(command ? { entities: [{ offset: 0, length: command[0].length, type: "bot_command" }] } : {}),
    },
  };
}

/** Telegram sends the webhook's secret_token back verbatim in X-Telegram-Bot-Api-Secret-Token. */
export function telegramWebhookRequest(opts: { url: string; secretToken: string | undefined; update: unknown }): WebhookRequest {
  return webhookRequest({
    url: opts.url,
    headers: {
      "content-type": "application/json",
      ...(opts.secretToken !== undefined ? { "x-telegram-bot-api-secret-token": opts.secretToken } : {}),
    },
    body: typeof opts.update === "string" ? opts.update : JSON.stringify(opts.update),
  });
}

/** Meta (WhatsApp Cloud, Messenger, Instagram): X-Hub-Signature-256 = "sha256=" + hex HMAC-SHA256(appSecret, raw body). */
export function metaSignature256(appSecret: string, rawBody: Buffer | string): string {
  return `sha256=${createHmac("sha256", appSecret).update(rawBody).digest("hex")}`;
}

/** A webhook delivery as Meta posts it: JSON body, X-Hub-Signature-256 over exactly these bytes. */
export function metaWebhookRequest(opts: { url: string; appSecret: string; body: unknown; signature?: string }): WebhookRequest {
  const raw = Buffer.from(typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body), "utf8");
  return webhookRequest({
    url: opts.url,
    headers: { "content-type": "application/json", "x-hub-signature-256": opts.signature ?? metaSignature256(opts.appSecret, raw), "user-agent": "facebookexternalua" },
    body: raw,
  });
}

/** Meta's verification request: GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=… */
export function metaVerifyRequest(opts: { url: string; mode?: string; verifyToken: string; challenge: string }): WebhookRequest {
  const u = new URL(opts.url);
  u.searchParams.set("hub.mode", opts.mode ?? "subscribe");
  u.searchParams.set("hub.verify_token", opts.verifyToken);
  u.searchParams.set("hub.challenge", opts.challenge);
  return webhookRequest({ url: u.toString(), method: "GET" });
}

/** X (Twitter) Account Activity CRC: response_token = "sha256=" + base64 HMAC-SHA256(consumerSecret, crc_token). */
export function xCrcResponseToken(consumerSecret: string, crcToken: string): string {
  return `sha256=${createHmac("sha256", consumerSecret).update(crcToken).digest("base64")}`;
}

/** X webhook events: X-Twitter-Webhooks-Signature = "sha256=" + base64 HMAC-SHA256(consumerSecret, raw body). */
export function xWebhookSignature(consumerSecret: string, rawBody: Buffer | string): string {
  return `sha256=${createHmac("sha256", consumerSecret).update(rawBody).digest("base64")}`;
}

/** An Account Activity delivery as X posts it, signed over exactly these bytes. */
export function xWebhookRequest(opts: { url: string; consumerSecret: string; body: unknown; signature?: string }): WebhookRequest {
  const raw = Buffer.from(typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body), "utf8");
  return webhookRequest({
    url: opts.url,
    headers: { "content-type": "application/json; charset=utf-8", "x-twitter-webhooks-signature": opts.signature ?? xWebhookSignature(opts.consumerSecret, raw) },
    body: raw,
  });
}

/** Returns a copy of `buf` with one byte changed (for "one changed byte is rejected" tests). */
export function flipOneByte(buf: Buffer, index = Math.floor(buf.length / 2)): Buffer {
  const copy = Buffer.from(buf);
  copy[index] = (copy[index] ?? 0) ^ 0x01;
  return copy;
}

/** A raw RFC 5322 message (CRLF line ends, UTF-8 base64 body) for feeding SMTP/IMAP. */
export function buildEmail(opts: {
  from: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
  messageId?: string;
  inReplyTo?: string;
  references?: string[];
  headers?: Record<string, string>;
  date?: Date;
}): Buffer {
  const encodeWord = (s: string) => (/^[\x20-\x7e]*$/.test(s) ? s : `=?UTF-8?B?${Buffer.from(s, "utf8").toString("base64")}?=`);
  const b64 = (s: string) => (Buffer.from(s.replace(/\r?\n/g, "\r\n"), "utf8").toString("base64").match(/.{1,76}/g) ?? []).join("\r\n");
  const lines = [
    `From: ${/^(.*?)\s*<([^<>]+)>$/.test(opts.from) ? opts.from.replace(/^(.*?)\s*<([^<>]+)>$/, (_, name: string, addr: string) => `${encodeWord(name)} <${addr}>`) : opts.from}`,
    `To: ${opts.to}`,
    `Subject: ${encodeWord(opts.subject)}`,
    `Date: ${(opts.date ?? new Date()).toUTCString().replace("GMT", "+0000")}`,
    `Message-ID: ${opts.messageId ?? `<${randomBytes(8).toString("hex")}@mail.example.net>`}`,
    ...(opts.inReplyTo ? [`In-Reply-To: ${opts.inReplyTo}`] : []),
    ...(opts.references?.length ? [`References: ${opts.references.join(" ")}`] : []),
    ...Object.entries(opts.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
    "MIME-Version: 1.0",
  ];
  if (opts.html === undefined) {
    lines.push("Content-Type: text/plain; charset=UTF-8", "Content-Transfer-Encoding: base64", "", b64(opts.text));
  } else {
    const b = `b_${randomBytes(6).toString("hex")}`;
    lines.push(
      `Content-Type: multipart/alternative; boundary="${b}"`, "", `--${b}`,
      "Content-Type: text/plain; charset=UTF-8", "Content-Transfer-Encoding: base64", "", b64(opts.text), `--${b}`,
      "Content-Type: text/html; charset=UTF-8", "Content-Transfer-Encoding: base64", "", b64(opts.html), `--${b}--`,
    );
  }
  return Buffer.from(`${lines.join("\r\n")}\r\n`, "latin1");
}

/** Submits a raw message to an SMTP server (the e-mail connector's receiver, or a fake). */
export async function deliverSmtp(opts: { host: string; port: number; from: string; to: string | string[]; raw: Buffer; user?: string; pass?: string }): Promise<{ accepted: string[]; rejected: string[]; response: string }> {
  const transport = createTransport({
    host: opts.host,
    port: opts.port,
    secure: false,
    ignoreTLS: true,
    ...(opts.user ? { auth: { user: opts.user, pass: opts.pass ?? "" } } : {}),
  });
  try {
    const info = await transport.sendMail({ envelope: { from: opts.from, to: opts.to }, raw: opts.raw });
    return { accepted: info.accepted.map(String), rejected: info.rejected.map(String), response: info.response };
  } finally {
    transport.close();
  }
}

/** A browser's POST of the /lapor form: urlencoded, or multipart/form-data when files are given. */
export function webFormRequest(opts: {
  url?: string;
  token: string;
  fields: Record<string, string>;
  files?: { field?: string; fileName: string; mimeType: string; content: Buffer }[];
}): WebhookRequest {
  const url = opts.url ?? "https://aduan.example.go.id/lapor";
  const fields = { [WEB_FORM_FIELDS.token]: opts.token, ...opts.fields };
  if (!opts.files?.length) {
    return webhookRequest({ url, headers: { "content-type": "application/x-www-form-urlencoded" }, body: formBody(fields) });
  }
  const boundary = `----AduanFormBoundary${randomBytes(8).toString("hex")}`;
  const chunks: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`, "utf8"));
  }
  for (const f of opts.files) {
    chunks.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${f.field ?? WEB_FORM_FIELDS.photos}"; filename="${f.fileName}"\r\nContent-Type: ${f.mimeType}\r\n\r\n`, "utf8"),
      f.content,
      Buffer.from("\r\n"),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return webhookRequest({ url, headers: { "content-type": `multipart/form-data; boundary=${boundary}` }, body: Buffer.concat(chunks) });
}
