// Telegram bot in webhook mode. setWebhook (register) is called with a secret_token; Telegram
// sends it back verbatim in X-Telegram-Bot-Api-Secret-Token on every update, which is the only
// authentication a Bot API webhook has (no body signature). The bot token never appears in our
// webhook URL. Outbound goes through telegraf's Telegram client (apiRoot is configurable so tests
// and self-hosted Bot API servers work).
import { Input, Telegram } from "telegraf";
import { z } from "zod";
import {
  attachmentKindOf,
  errorMessage,
  fetchDataRef,
  fetchUrlAttachment,
  findTicketNumber,
  headerValue,
  isNetworkError,
  isRetryableStatus,
  parseStatusRequest,
  safeEqual,
  type ConnectorContext,
  type InboundAttachment,
  type InboundMessage,
  type OutboundMessage,
  type SendResult,
  type WebhookConnector,
  type WebhookOutcome,
} from "../connector.js";

export const telegramConfigSchema = z.object({
  botToken: z
    .string()
    .regex(/^\d{5,}:[A-Za-z0-9_-]{30,}$/, "a bot token from @BotFather, e.g. 123456789:AA…")
    .describe("Bot token from @BotFather")
    .meta({ secret: true }),
  secretToken: z
    .string()
    .regex(/^[A-Za-z0-9_-]{16,256}$/, "16–256 characters A-Z, a-z, 0-9, _ and -")
    .describe("Webhook secret_token; Telegram sends it back in X-Telegram-Bot-Api-Secret-Token")
    .meta({ secret: true }),
  botUsername: z.string().regex(/^[A-Za-z0-9_]{5,32}$/).optional().describe("Bot username without @, for t.me links"),
  apiRoot: z.url().optional().describe("Override of https://api.telegram.org (tests, local Bot API server)"),
});
export type TelegramConfig = z.infer<typeof telegramConfigSchema>;

/** Telegram's limits: 4096 characters per text message, 1024 per caption. */
export const TELEGRAM_MAX_TEXT = 4096;

/** What register() asks Telegram to deliver; everything else never reaches us. */
export const TELEGRAM_ALLOWED_UPDATES = ["message", "edited_message", "my_chat_member"] as const;

// The slice of the Bot API update shape we read. Unknown fields are kept in `raw`.
interface TgUser { id: number; is_bot?: boolean; first_name?: string; last_name?: string; username?: string }
interface TgChat { id: number; type: string }
interface TgPhotoSize { file_id: string; file_unique_id?: string; width?: number; height?: number; file_size?: number }
interface TgFile { file_id: string; file_unique_id?: string; file_name?: string; mime_type?: string; file_size?: number }
interface TgMessage {
  message_id: number;
  from?: TgUser;
  chat: TgChat;
  date: number;
  text?: string;
  caption?: string;
  photo?: TgPhotoSize[];
  document?: TgFile;
  video?: TgFile;
  voice?: TgFile;
  audio?: TgFile;
  video_note?: TgFile;
  sticker?: TgFile & { emoji?: string; is_animated?: boolean; is_video?: boolean };
  location?: { latitude: number; longitude: number };
  venue?: { location: { latitude: number; longitude: number }; title?: string; address?: string };
  contact?: { phone_number: string; first_name?: string; user_id?: number };
  reply_to_message?: { message_id: number };
}
interface TgUpdate {
  update_id: number;
  message?: TgMessage;
  edited_message?: TgMessage;
  my_chat_member?: { chat: TgChat; new_chat_member?: { status?: string } };
  [other: string]: unknown;
}

/** Message ids are only unique within a chat: "<chat id>:<message id>". Outbound uses the same form. */
export function telegramMessageId(chatId: number | string, messageId: number): string {
  return `${chatId}:${messageId}`;
}

/** "/start", "/start@aduan_bot ADU-2611-00042" -> { name, argument }. */
export function parseBotCommand(text: string): { name: string; argument?: string } | undefined {
  const m = /^\/([A-Za-z0-9_]{1,32})(?:@[A-Za-z0-9_]{3,32})?(?:\s+([\s\S]*))?$/.exec(text.trim());
  if (!m) return undefined;
  const argument = m[2]?.trim();
  return { name: (m[1] as string).toLowerCase(), ...(argument ? { argument } : {}) };
}

function fileAttachment(f: TgFile, fallbackMime: string | undefined, kind?: InboundAttachment["kind"]): InboundAttachment {
  const mimeType = f.mime_type ?? fallbackMime;
  return {
    kind: kind ?? attachmentKindOf(mimeType),
    ref: f.file_id,
    ...(mimeType ? { mimeType } : {}),
    ...(f.file_name ? { fileName: f.file_name } : {}),
    ...(f.file_size !== undefined ? { sizeBytes: f.file_size } : {}),
  };
}

function attachmentsOf(m: TgMessage): InboundAttachment[] {
  const out: InboundAttachment[] = [];
  if (m.photo?.length) {
    // Telegram sends every resolution of the photo; keep the largest only.
    const area = (p: TgPhotoSize) => p.file_size ?? (p.width ?? 0) * (p.height ?? 0);
    const largest = m.photo.reduce((a, b) => (area(b) >= area(a) ? b : a));
    out.push({ kind: "image", ref: largest.file_id, mimeType: "image/jpeg", ...(largest.file_size !== undefined ? { sizeBytes: largest.file_size } : {}) });
  }
  if (m.document) out.push(fileAttachment(m.document, "application/octet-stream"));
  if (m.video) out.push(fileAttachment(m.video, "video/mp4", "video"));
  if (m.video_note) out.push(fileAttachment(m.video_note, "video/mp4", "video"));
  if (m.voice) out.push(fileAttachment(m.voice, "audio/ogg", "audio"));
  if (m.audio) out.push(fileAttachment(m.audio, "audio/mpeg", "audio"));
  if (m.sticker) out.push(fileAttachment(m.sticker, m.sticker.is_video ? "video/webm" : m.sticker.is_animated ? "application/x-tgsticker" : "image/webp", "sticker"));
  return out;
}

function isUpdate(u: unknown): u is TgUpdate {
  return typeof u === "object" && u !== null && typeof (u as { update_id?: unknown }).update_id === "number";
}

function isMessage(m: unknown): m is TgMessage {
  if (typeof m !== "object" || m === null) return false;
  const x = m as Partial<TgMessage>;
  return typeof x.message_id === "number" && typeof x.date === "number" && typeof x.chat === "object" && x.chat !== null && typeof x.chat.id === "number";
}

export function parseTelegramUpdate(body: Buffer): WebhookOutcome {
  let update: unknown;
  try {
    update = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
  } catch {
    return { kind: "ignored", reason: "invalid: body is not UTF-8 JSON" };
  }
  if (!isUpdate(update)) return { kind: "ignored", reason: "invalid: not a Telegram update (no update_id)" };
  if (update.edited_message) {
    // The original is already on the ticket; an edit would silently rewrite what operators read.
    return { kind: "ignored", reason: "edited-message: edits are not applied to recorded messages" };
  }
  if (update.my_chat_member) {
    const status = update.my_chat_member.new_chat_member?.status ?? "unknown";
    return { kind: "ignored", reason: `chat-member: bot is now ${status} in chat ${update.my_chat_member.chat?.id}` };
  }
  const m = update.message;
  if (m === undefined) {
    const type = Object.keys(update).find((k) => k !== "update_id") ?? "empty";
    return { kind: "ignored", reason: `unsupported-update: ${type}` };
  }
  if (!isMessage(m)) return { kind: "ignored", reason: "invalid: malformed message" };
  if (m.chat.type !== "private") return { kind: "ignored", reason: `group-chat: complaints are taken in private chats only (${m.chat.type})` };
  const from = m.from;
  if (!from || from.is_bot) return { kind: "ignored", reason: "bot-sender: message not written by a person" };

  const text = m.text ?? m.caption ?? "";
  const asked = m.text ? parseStatusRequest(m.text) : undefined;
  const command = asked ? { name: "status", argument: asked } : m.text ? parseBotCommand(m.text) : undefined;
  const attachments = attachmentsOf(m);
  const place = m.venue?.location ?? m.location;
  const location =
    place && Number.isFinite(place.latitude) && Number.isFinite(place.longitude)
      ? { latitude: place.latitude, longitude: place.longitude, ...(m.venue?.title ? { title: m.venue.title } : {}), ...(m.venue?.address ? { address: m.venue.address } : {}) }
      : undefined;
  // Only the citizen's own contact card tells us their phone number.
  const ownPhone = m.contact && m.contact.user_id === from.id ? m.contact.phone_number : undefined;
  if (!text && attachments.length === 0 && !location && !m.contact) {
    return { kind: "ignored", reason: "unsupported-content: message without text, media or location" };
  }
  const displayName = [from.first_name, from.last_name].filter(Boolean).join(" ");
  const ticketNumberHint = command?.name === "start" || command?.name === "status" ? findTicketNumber(command.argument) : undefined;
  const message: InboundMessage = {
    channelKind: "telegram",
    externalId: telegramMessageId(m.chat.id, m.message_id),
    externalThreadId: String(m.chat.id),
    sender: {
      externalId: String(from.id),
      ...(displayName ? { displayName } : {}),
      ...(from.username ? { username: from.username } : {}),
      ...(ownPhone ? { phone: ownPhone.startsWith("+") ? ownPhone : `+${ownPhone}` } : {}),
    },
    sentAt: new Date(m.date * 1000),
    text: m.contact && !text ? `Kontak: ${m.contact.first_name ?? ""} ${m.contact.phone_number}`.replace(/\s+/g, " ") : text,
    attachments,
    raw: update,
  };
  if (command) message.command = command;
  if (ticketNumberHint) message.ticketNumberHint = ticketNumberHint;
  if (location) message.location = location;
  if (m.reply_to_message) message.inReplyToExternalId = telegramMessageId(m.chat.id, m.reply_to_message.message_id);
  return { kind: "events", messages: [message], deliveries: [] };
}

/**
 * The greeting the server sends for "/start" (it owns the templates; this is the default text).
 * Bahasa Indonesia: the citizens' language.
 */
export const TELEGRAM_START_GREETING =
  "Selamat datang di layanan pengaduan. Silakan tulis aduan Anda di sini: apa yang terjadi, di mana, dan sejak kapan. " +
  "Anda juga dapat mengirim foto, dokumen, atau lokasi. Kami akan membalas dengan nomor tiket untuk memantau tindak lanjutnya.";

function client(ctx: ConnectorContext<TelegramConfig>): Telegram {
  return new Telegram(ctx.config.botToken, { ...(ctx.config.apiRoot ? { apiRoot: ctx.config.apiRoot } : {}), webhookReply: false });
}

function splitText(text: string): string[] {
  if (text.length <= TELEGRAM_MAX_TEXT) return [text];
  const parts: string[] = [];
  let rest = text;
  while (rest.length > TELEGRAM_MAX_TEXT) {
    let cut = rest.lastIndexOf("\n", TELEGRAM_MAX_TEXT);
    if (cut < TELEGRAM_MAX_TEXT / 2) cut = rest.lastIndexOf(" ", TELEGRAM_MAX_TEXT);
    if (cut < TELEGRAM_MAX_TEXT / 2) cut = TELEGRAM_MAX_TEXT;
    parts.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest) parts.push(rest);
  return parts;
}

function sendFailure(err: unknown): SendResult {
  const response = (err as { response?: { error_code?: unknown; description?: unknown; parameters?: { retry_after?: unknown } } }).response;
  if (response && typeof response.error_code === "number") {
    const retryAfter = response.parameters?.retry_after;
    return {
      status: "failed",
      retryable: isRetryableStatus(response.error_code),
      reason: `Telegram ${response.error_code}: ${String(response.description ?? "")}${typeof retryAfter === "number" ? ` (retry after ${retryAfter}s)` : ""}`,
      ...(typeof retryAfter === "number" ? { retryAfterMs: retryAfter * 1000 } : {}),
    };
  }
  return { status: "failed", retryable: isNetworkError(err), reason: errorMessage(err) };
}

async function send(ctx: ConnectorContext<TelegramConfig>, msg: OutboundMessage): Promise<SendResult> {
  const tg = client(ctx);
  const chatId = msg.to;
  const replyTo = msg.inReplyToExternalId?.startsWith(`${chatId}:`) ? Number(msg.inReplyToExternalId.slice(chatId.length + 1)) : undefined;
  const ids: string[] = [];
  try {
    const parts = msg.text ? splitText(msg.text) : [];
    for (const [i, text] of parts.entries()) {
      const sent = await tg.sendMessage(chatId, text, {
        link_preview_options: { is_disabled: true },
        ...(i === 0 && replyTo !== undefined && Number.isInteger(replyTo) ? { reply_parameters: { message_id: replyTo, allow_sending_without_reply: true } } : {}),
      });
      ids.push(telegramMessageId(sent.chat.id, sent.message_id));
    }
    for (const a of msg.attachments ?? []) {
      const file = a.content ? Input.fromBuffer(a.content, a.fileName) : a.url ? Input.fromURL(a.url) : undefined;
      if (!file) continue;
      const sent = a.mimeType.startsWith("image/") && a.mimeType !== "image/svg+xml" ? await tg.sendPhoto(chatId, file) : await tg.sendDocument(chatId, file);
      ids.push(telegramMessageId(sent.chat.id, sent.message_id));
    }
  } catch (err) {
    ctx.log.warn({ accountId: ctx.accountId, sent: ids.length, err: errorMessage(err) }, "telegram: send failed");
    return sendFailure(err);
  }
  const [first, ...rest] = ids;
  if (!first) return { status: "failed", retryable: false, reason: "nothing to send: empty text and no attachments" };
  return { status: "sent", externalId: first, ...(rest.length ? { extraExternalIds: rest } : {}) };
}

export const telegramConnector: WebhookConnector<TelegramConfig> = {
  id: "telegram",
  kind: "telegram",
  title: "Telegram (bot)",
  inbound: "webhook",
  configSchema: telegramConfigSchema,
  // Split into 4096-character messages; the Bot API uploads files up to 50 MB.
  limits: { maxTextLength: 4 * TELEGRAM_MAX_TEXT, attachments: { mimeTypes: ["*/*"], maxBytes: 50 * 1024 * 1024 }, replyWindow: null },

  verify(ctx, req) {
    if (req.method.toUpperCase() !== "POST") return false;
    return safeEqual(headerValue(req, "x-telegram-bot-api-secret-token"), ctx.config.secretToken);
  },

  parse(_ctx, req) {
    return parseTelegramUpdate(req.rawBody);
  },

  send,

  async register(ctx, url) {
    // Throws on failure: registration is an admin action in the console, which shows the error.
    await client(ctx).setWebhook(url, {
      secret_token: ctx.config.secretToken,
      allowed_updates: [...TELEGRAM_ALLOWED_UPDATES],
      drop_pending_updates: false,
    });
  },

  async fetchAttachment(ctx, ref) {
    const inline = fetchDataRef(ref);
    if (inline) return inline;
    let link: URL;
    try {
      link = await client(ctx).getFileLink(ref);
    } catch (err) {
      const f = sendFailure(err);
      return f.status === "failed" ? f : { status: "failed", retryable: true, reason: "getFile failed" };
    }
    return fetchUrlAttachment(ctx, link.toString());
  },
};
