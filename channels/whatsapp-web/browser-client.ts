// The production side of the seam: whatsapp-web.js driving the system's Chromium (never a
// downloaded one: .puppeteerrc.cjs skips it), with the login session kept by LocalAuth under the
// account's session directory. Loaded lazily so that nothing imports puppeteer until a session
// actually starts.
import { join } from "node:path";
import type { ConnectorContext } from "../connector.js";
import type { WaWebClient, WaWebMessage, WhatsappWebConfig } from "./whatsapp-web.connector.js";

/** Default session directory when the account sets none (the sessions role passes DATA_DIR through WHATSAPP_SESSION_DIR). */
const defaultSessionDir = () => join(process.env.WHATSAPP_SESSION_DIR ?? process.env.DATA_DIR ?? "./data", "whatsapp-web");

type Lib = typeof import("whatsapp-web.js");
type LibMessage = import("whatsapp-web.js").Message;

function toPageMessage(m: LibMessage): WaWebMessage {
  const raw = m as LibMessage & { _data?: { notifyName?: string; mimetype?: string; filename?: string; size?: number } };
  return {
    id: m.id._serialized,
    from: m.from,
    fromMe: m.fromMe,
    timestamp: m.timestamp,
    type: m.type,
    body: m.body,
    hasMedia: m.hasMedia,
    ...(raw._data?.notifyName ? { notifyName: raw._data.notifyName } : {}),
    ...(raw._data?.mimetype ? { media: { mimeType: raw._data.mimetype, ...(raw._data.filename ? { fileName: raw._data.filename } : {}), ...(raw._data.size ? { sizeBytes: raw._data.size } : {}) } } : {}),
    ...(m.location ? { location: { latitude: Number(m.location.latitude), longitude: Number(m.location.longitude), ...(m.location.description ? { description: m.location.description } : {}) } } : {}),
    ...(m.hasQuotedMsg && (m as unknown as { _data?: { quotedStanzaID?: string } })._data?.quotedStanzaID ? { quotedMessageId: String((m as unknown as { _data: { quotedStanzaID: string } })._data.quotedStanzaID) } : {}),
  };
}

export async function openBrowserClient(ctx: ConnectorContext<WhatsappWebConfig>): Promise<WaWebClient> {
  const lib = ((await import("whatsapp-web.js")) as unknown as { default: Lib }).default;
  const { Client, LocalAuth, MessageMedia } = lib;
  const client = new Client({
    authStrategy: new LocalAuth({ clientId: `account-${ctx.accountId}`, dataPath: ctx.config.sessionDir ?? defaultSessionDir() }),
    puppeteer: { executablePath: ctx.config.chromiumPath, headless: true, args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"] },
  });
  return {
    on(event: string, cb: (...args: never[]) => void) {
      if (event === "message") client.on("message", (m: LibMessage) => (cb as (x: WaWebMessage) => void)(toPageMessage(m)));
      else if (event === "disconnected") client.on("disconnected", (reason: unknown) => (cb as (x: string) => void)(String(reason)));
      else client.on(event, cb as (...args: unknown[]) => void);
    },
    initialize: () => client.initialize(),
    destroy: () => client.destroy(),
    logout: () => client.logout(),
    async unreadMessages() {
      const out: WaWebMessage[] = [];
      for (const chat of await client.getChats()) {
        if (chat.isGroup || chat.unreadCount <= 0) continue;
        for (const m of await chat.fetchMessages({ limit: Math.min(chat.unreadCount, 100) })) if (!m.fromMe) out.push(toPageMessage(m));
      }
      return out;
    },
    async markSeen(chatId) {
      await client.sendSeen(chatId);
    },
    async downloadMedia(messageId) {
      const m = await client.getMessageById(messageId);
      const media = m ? await m.downloadMedia() : undefined;
      return media ? { mimeType: media.mimetype, data: media.data, ...(media.filename ? { fileName: media.filename } : {}) } : undefined;
    },
    async sendText(chatId, text, quotedMessageId) {
      const sent = await client.sendMessage(chatId, text, quotedMessageId ? { quotedMessageId } : {});
      return sent.id._serialized;
    },
    async sendMedia(chatId, media, caption) {
      const sent = await client.sendMessage(chatId, new MessageMedia(media.mimeType, media.data, media.fileName ?? null), caption ? { caption } : {});
      return sent.id._serialized;
    },
  } as WaWebClient;
}
