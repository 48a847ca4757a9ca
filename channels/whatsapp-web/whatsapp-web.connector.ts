// WhatsApp through whatsapp-web.js (unofficial: can be banned; whatsapp-cloud is the official
// alternative and an account can fail over between them, the ticket thread follows the number).
// A session connector: one long-lived client per account, run by the sessions role under a lease.
// Everything the connector needs from the WhatsApp Web page goes through `WaWebClient` (the seam):
// in production the real library drives the system's Chromium with the session in DATA_DIR; tests
// put a stand-in page behind the same interface (events in, sends out, disconnects, QR refresh).
// Inbound messages are acknowledged (chat marked seen) only after the sink stored them, and on
// every (re)connect the unread messages are fetched first, so nothing is lost across restarts.
import { z } from "zod";
import {
  errorMessage,
  fetchDataRef,
  parseStatusRequest,
  type AttachmentKind,
  type ConnectorContext,
  type InboundAttachment,
  type InboundMessage,
  type InboundSink,
  type SendResult,
  type SessionConnector,
} from "../connector.js";

export const whatsappWebConfigSchema = z.object({
  phoneNumber: z.string().regex(/^\+[1-9]\d{6,14}$/, "the WhatsApp number of this account (E.164)").describe("WhatsApp number (E.164)"),
  sessionDir: z.string().min(1).optional().describe("Where the login session is kept (default DATA_DIR/whatsapp-web)"),
  chromiumPath: z.string().min(1).default("/usr/bin/chromium").describe("The system's Chromium (no browser is downloaded)"),
  minSendIntervalMs: z.number().int().min(0).max(60_000).default(2_500).describe("Least time between two sends (rate shaping against bans)"),
  reconnectMaxMs: z.number().int().min(1_000).max(600_000).default(120_000).describe("Longest wait between reconnect attempts (backoff doubles up to this)"),
});
export type WhatsappWebConfig = z.infer<typeof whatsappWebConfigSchema>;

/** A message as the WhatsApp Web page reports it (the fields we read of whatsapp-web.js's Message). */
export interface WaWebMessage {
  id: string;
  /** Chat id: "6281234567890@c.us" (person) or "…@g.us" (group). */
  from: string;
  fromMe: boolean;
  /** Seconds since the epoch. */
  timestamp: number;
  type: string;
  body: string;
  notifyName?: string;
  hasMedia: boolean;
  /** For media: what downloadMedia will give. */
  media?: { mimeType: string; fileName?: string; sizeBytes?: number };
  location?: { latitude: number; longitude: number; description?: string };
  quotedMessageId?: string;
}

export interface WaWebMedia {
  mimeType: string;
  /** Base64 bytes, as whatsapp-web.js's MessageMedia. */
  data: string;
  fileName?: string;
}

/** The seam: what the connector needs from a logged-in WhatsApp Web page. */
export interface WaWebClient {
  on(event: "qr", cb: (qr: string) => void): void;
  on(event: "ready", cb: () => void): void;
  on(event: "message", cb: (m: WaWebMessage) => void): void;
  on(event: "disconnected", cb: (reason: string) => void): void;
  on(event: "auth_failure", cb: (reason: string) => void): void;
  initialize(): Promise<void>;
  destroy(): Promise<void>;
  /** Logs the account out on the phone's side (the linked device is removed). */
  logout(): Promise<void>;
  /** Messages of person chats not yet marked seen (fetched at every (re)connect). */
  unreadMessages(): Promise<WaWebMessage[]>;
  markSeen(chatId: string): Promise<void>;
  downloadMedia(messageId: string): Promise<WaWebMedia | undefined>;
  sendText(chatId: string, text: string, quotedMessageId?: string): Promise<string>;
  sendMedia(chatId: string, media: WaWebMedia, caption?: string): Promise<string>;
}

export type WaWebClientFactory = (ctx: ConnectorContext<WhatsappWebConfig>) => WaWebClient | Promise<WaWebClient>;

export const WHATSAPP_WEB_MAX_TEXT = 4096;

const KIND_BY_TYPE: Record<string, AttachmentKind> = { image: "image", video: "video", audio: "audio", ptt: "audio", document: "document", sticker: "sticker" };

/** "6281234567890@c.us" -> "+6281234567890"; undefined for groups, broadcasts and status. */
export function phoneOfChat(chatId: string): string | undefined {
  const m = /^(\d{6,20})@c\.us$/.exec(chatId);
  return m ? `+${m[1]}` : undefined;
}
export const chatOfPhone = (phone: string) => `${phone.replace(/^\+/, "")}@c.us`;

/** A page message -> the normalized message, or a reason to skip it. Media refs are "wa-web:<message id>". */
export function toInbound(m: WaWebMessage): InboundMessage | { ignored: string } {
  if (m.fromMe) return { ignored: "echo: our own message" };
  const phone = phoneOfChat(m.from);
  if (!phone) return { ignored: `not a person chat (${m.from.split("@")[1] ?? m.from})` };
  const attachments: InboundAttachment[] = [];
  const kind = KIND_BY_TYPE[m.type];
  if (m.hasMedia && kind) {
    attachments.push({
      kind,
      ref: `wa-web:${m.id}`,
      mimeType: m.media?.mimeType ?? (m.type === "ptt" ? "audio/ogg" : "application/octet-stream"),
      ...(m.media?.fileName ? { fileName: m.media.fileName } : {}),
      ...(m.media?.sizeBytes !== undefined ? { sizeBytes: m.media.sizeBytes } : {}),
    });
  }
  const location = m.type === "location" && m.location && Number.isFinite(m.location.latitude) && Number.isFinite(m.location.longitude) ? m.location : undefined;
  // For media and locations whatsapp-web.js puts a thumbnail (base64) in body; the caption is the text.
  const text = m.type === "chat" || (kind && m.body && !/^\/9j\/|^[A-Za-z0-9+/]{200,}={0,2}$/.test(m.body)) ? m.body : "";
  if (!text && !attachments.length && !location) return { ignored: `unsupported-content: ${m.type}` };
  const message: InboundMessage = {
    channelKind: "whatsapp",
    externalId: m.id,
    externalThreadId: phone,
    sender: { externalId: phone, phone, ...(m.notifyName ? { displayName: m.notifyName } : {}) },
    sentAt: new Date(m.timestamp * 1000),
    text,
    attachments,
    raw: m,
  };
  if (location) message.location = { latitude: location.latitude, longitude: location.longitude, ...(location.description ? { title: location.description } : {}) };
  if (m.quotedMessageId) message.inReplyToExternalId = m.quotedMessageId;
  const asked = parseStatusRequest(text);
  if (asked) {
    message.command = { name: "status", argument: asked };
    message.ticketNumberHint = asked;
  }
  return message;
}

interface Live {
  client: WaWebClient;
  ready: boolean;
  /** Sends wait on this chain, spaced by minSendIntervalMs. */
  sendChain: Promise<unknown>;
  lastSendAt: number;
}

/**
 * The clients started by this process, by account: send() and fetchAttachment() need the live
 * page, which only the process holding the account's lease has.
 */
const live = new Map<string, Live>();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How often a message that could not be stored is tried again (after 0.5, 1, 2 and 4 s) before it is left unread. */
const STORE_RETRIES = 4;

export function createWhatsappWebConnector(openClient: WaWebClientFactory): SessionConnector<WhatsappWebConfig> {
  async function start(ctx: ConnectorContext<WhatsappWebConfig>, sink: InboundSink) {
    let stopped = false;
    let attempt = 0;
    let current: Live | undefined;
    let reconnectTimer: NodeJS.Timeout | undefined;
    // One state report at a time, in order: a late "connecting" must not overwrite "connected".
    let states: Promise<void> = Promise.resolve();
    const state = (s: "connecting" | "connected" | "disconnected" | "needs-auth", detail?: string, qr?: string) =>
      (states = states.then(() => sink({ kind: "state", state: s, ...(detail ? { detail } : {}), ...(qr ? { qr } : {}) }).catch((err: unknown) => ctx.log.warn({ err: errorMessage(err) }, "whatsapp-web: state not recorded"))));

    // One message at a time, in order; a chat is marked seen only after its message is stored.
    let inbound: Promise<void> = Promise.resolve();
    const take = (client: WaWebClient, m: WaWebMessage) =>
      (inbound = inbound.then(async () => {
        const out = toInbound(m);
        if ("ignored" in out) {
          await sink({ kind: "ignored", reason: out.ignored, externalId: m.id });
        } else {
          // A busy database (a write lock held by another process) passes: tried again a few
          // times, which is harmless (ingest is idempotent on the message id).
          for (let attempt = 0; ; attempt++) {
            try {
              await sink({ kind: "message", message: out });
              break;
            } catch (err) {
              if (stopped || attempt >= STORE_RETRIES) {
                // Not stored: the chat stays unread and the message is fetched again on reconnect.
                ctx.log.warn({ err: errorMessage(err), id: m.id }, "whatsapp-web: message not stored; left unread");
                return;
              }
              await new Promise<void>((resolve) => setTimeout(resolve, 500 * 2 ** attempt).unref());
            }
          }
        }
        await client.markSeen(m.from).catch((err: unknown) => ctx.log.warn({ err: errorMessage(err) }, "whatsapp-web: markSeen failed"));
      }));

    const connect = async () => {
      if (stopped) return;
      void state("connecting");
      let client: WaWebClient;
      try {
        client = await openClient(ctx);
      } catch (err) {
        return scheduleReconnect(`client could not be created: ${errorMessage(err)}`);
      }
      const entry: Live = { client, ready: false, sendChain: Promise.resolve(), lastSendAt: 0 };
      current = entry;
      client.on("qr", (qr) => void state("needs-auth", "scan the QR code with WhatsApp on the account's phone (Linked devices)", qr));
      client.on("auth_failure", (reason) => void state("needs-auth", `login failed: ${reason}`));
      client.on("ready", () => {
        attempt = 0;
        entry.ready = true;
        live.set(ctx.accountId, entry);
        void state("connected");
        // Whatever arrived while no one was connected.
        void client
          .unreadMessages()
          .then((ms) => ms.sort((a, b) => a.timestamp - b.timestamp).forEach((m) => void take(client, m)))
          .catch((err: unknown) => ctx.log.warn({ err: errorMessage(err) }, "whatsapp-web: unread messages not fetched"));
      });
      client.on("message", (m) => void take(client, m));
      client.on("disconnected", (reason) => {
        if (current !== entry) return;
        entry.ready = false;
        if (live.get(ctx.accountId) === entry) live.delete(ctx.accountId);
        void client.destroy().catch(() => undefined);
        scheduleReconnect(`disconnected: ${reason}`);
      });
      try {
        await client.initialize();
      } catch (err) {
        if (current === entry) {
          await client.destroy().catch(() => undefined);
          scheduleReconnect(`initialize failed: ${errorMessage(err)}`);
        }
      }
    };

    const scheduleReconnect = (why: string) => {
      if (stopped) return;
      attempt++;
      const delay = Math.min(ctx.config.reconnectMaxMs, 1_000 * 2 ** Math.min(attempt - 1, 16));
      void state("disconnected", `${why}; reconnecting in ${Math.round(delay / 1000)} s`);
      reconnectTimer = setTimeout(() => void connect(), delay);
      reconnectTimer.unref();
    };

    await connect();
    return {
      async stop() {
        stopped = true;
        if (reconnectTimer) clearTimeout(reconnectTimer);
        const c = current;
        current = undefined;
        if (c && live.get(ctx.accountId) === c) live.delete(ctx.accountId);
        await inbound.catch(() => undefined);
        await c?.client.destroy().catch(() => undefined);
        await states;
      },
      async logout() {
        const c = current;
        if (!c || stopped) return;
        // Taken out of service first: its "disconnected" during the logout is not a reconnect cause.
        current = undefined;
        c.ready = false;
        if (live.get(ctx.accountId) === c) live.delete(ctx.accountId);
        try {
          await c.client.logout();
        } finally {
          await c.client.destroy().catch(() => undefined);
          // A new client comes up and asks for the QR code.
          attempt = 0;
          scheduleReconnect("logged out from the console");
        }
      },
    };
  }

  return {
    id: "whatsapp-web",
    kind: "whatsapp",
    title: "WhatsApp (WhatsApp Web, unofficial)",
    inbound: "session",
    configSchema: whatsappWebConfigSchema,
    limits: {
      maxTextLength: WHATSAPP_WEB_MAX_TEXT,
      attachments: { mimeTypes: ["image/jpeg", "image/png", "image/webp", "audio/*", "video/mp4", "application/*", "text/plain"], maxBytes: 16 * 1024 * 1024 },
      replyWindow: null,
    },
    start,

    async send(ctx, msg): Promise<SendResult> {
      const l = live.get(ctx.accountId);
      if (!l?.ready) return { status: "failed", retryable: true, reason: "the WhatsApp Web session of this account is not connected in this process (needs login, reconnecting, or run by another sessions process)" };
      const chatId = chatOfPhone(msg.to);
      if (!/^\d{6,20}@c\.us$/.test(chatId)) return { status: "failed", retryable: false, reason: `not a WhatsApp number: ${msg.to}` };
      // Rate shaping: sends of one account are spaced out, whichever job asks.
      const run = l.sendChain.then(async (): Promise<SendResult> => {
        const wait = l.lastSendAt + ctx.config.minSendIntervalMs - Date.now();
        if (wait > 0) await sleep(wait);
        const ids: string[] = [];
        try {
          if (msg.text.trim()) ids.push(await l.client.sendText(chatId, msg.text, msg.inReplyToExternalId));
          for (const a of msg.attachments ?? []) {
            if (!a.content) continue;
            ids.push(await l.client.sendMedia(chatId, { mimeType: a.mimeType, data: a.content.toString("base64"), fileName: a.fileName }));
          }
        } catch (err) {
          return ids.length ? { status: "sent", externalId: ids[0]!, extraExternalIds: ids.slice(1) } : { status: "failed", retryable: true, reason: `WhatsApp Web: ${errorMessage(err)}` };
        } finally {
          l.lastSendAt = Date.now();
        }
        const [first, ...rest] = ids;
        return first ? { status: "sent", externalId: first, ...(rest.length ? { extraExternalIds: rest } : {}) } : { status: "failed", retryable: false, reason: "nothing to send" };
      });
      l.sendChain = run.catch(() => undefined);
      return run;
    },

    async fetchAttachment(ctx, ref) {
      const inline = fetchDataRef(ref);
      if (inline) return inline;
      if (!ref.startsWith("wa-web:")) return { status: "failed", retryable: false, reason: "not a WhatsApp Web media ref" };
      const l = live.get(ctx.accountId);
      if (!l?.ready) return { status: "failed", retryable: true, reason: "the WhatsApp Web session is not connected in this process" };
      try {
        const media = await l.client.downloadMedia(ref.slice("wa-web:".length));
        if (!media) return { status: "failed", retryable: false, reason: "media no longer available on WhatsApp" };
        const content = Buffer.from(media.data, "base64");
        return { status: "fetched", content, mimeType: media.mimeType, ...(media.fileName ? { fileName: media.fileName } : {}) };
      } catch (err) {
        return { status: "failed", retryable: true, reason: errorMessage(err) };
      }
    },
  };
}

