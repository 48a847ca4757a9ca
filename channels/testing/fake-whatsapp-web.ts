// A stand-in for the WhatsApp Web page behind the whatsapp-web connector's seam (WaWebClient).
// The page lives in an HTTP server on 127.0.0.1 so that sessions processes started by a test (and
// killed by it) all talk to the same "phone": messages arrive while no one is connected and stay
// unread until a client marks the chat seen; the test logs the account in, refreshes the QR code,
// drops the connection, and reads what was sent.
import { randomBytes } from "node:crypto";
import type { WaWebClient, WaWebClientFactory, WaWebMedia, WaWebMessage } from "../whatsapp-web/whatsapp-web.connector.js";
import { sendJson, startLocalServer } from "./local-server.js";

export interface FakeWhatsappWeb {
  baseUrl: string;
  /** Messages the clients sent: chat, text or media, id. */
  sent: { chatId: string; text?: string; media?: { mimeType: string; fileName?: string; size: number }; id: string; at: number }[];
  /** A citizen writes (from a phone number "+62…"); returns the message id. */
  receive(opts: { from: string; body?: string; type?: string; media?: WaWebMedia; notifyName?: string; location?: { latitude: number; longitude: number } }): string;
  /** Chats seen by a client, and messages still unread. */
  unread(): WaWebMessage[];
  /** The account is logged out: connecting clients get a QR code to scan. */
  requireLogin(): void;
  /** Shows a new QR code (WhatsApp rotates them every ~20 s). */
  refreshQr(): string;
  /** The phone scanned the QR code. */
  login(): void;
  /** Drops every connected client (they get "disconnected"). */
  disconnect(reason?: string): void;
  /** How many times a client connected. */
  readonly connections: number;
  /** How many times a client logged the account out. */
  readonly logouts: number;
  /** Whether the phone has this device logged in. */
  readonly loggedIn: boolean;
  close(): Promise<void>;
}

interface Stored { seq: number; msg: WaWebMessage; seen: boolean; media?: WaWebMedia }

export async function startFakeWhatsappWeb(): Promise<FakeWhatsappWeb> {
  const messages: Stored[] = [];
  const sent: FakeWhatsappWeb["sent"] = [];
  let seq = 0;
  let epoch = 0;
  let loggedIn = true;
  let qr = "";
  let connections = 0;
  let logouts = 0;
  let disconnectReason = "NAVIGATION";
  const newQr = () => (qr = `2@${randomBytes(18).toString("base64")},${randomBytes(8).toString("base64")}`);

  const local = await startLocalServer(async (req, body, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const json = body.length ? (JSON.parse(body.toString("utf8")) as Record<string, unknown>) : {};
    switch (`${req.method} ${url.pathname}`) {
      case "POST /connect":
        connections++;
        return sendJson(res, 200, { epoch, seq, loggedIn, qr: loggedIn ? null : qr });
      case "GET /poll": {
        if (Number(url.searchParams.get("epoch")) !== epoch) return sendJson(res, 200, { disconnected: disconnectReason });
        const after = Number(url.searchParams.get("after") ?? 0);
        return sendJson(res, 200, { loggedIn, qr: loggedIn ? null : qr, seq, messages: messages.filter((m) => m.seq > after).map((m) => m.msg) });
      }
      case "GET /unread":
        return sendJson(res, 200, loggedIn ? messages.filter((m) => !m.seen && !m.msg.fromMe).map((m) => m.msg) : []);
      case "POST /logout":
        // The linked device is removed: the connection drops and the next one needs a QR scan.
        loggedIn = false;
        newQr();
        disconnectReason = "LOGOUT";
        epoch++;
        logouts++;
        return sendJson(res, 200, { ok: true });
      case "POST /seen":
        for (const m of messages) if (m.msg.from === json.chatId) m.seen = true;
        return sendJson(res, 200, { ok: true });
      case "POST /send": {
        if (!loggedIn) return sendJson(res, 409, { error: "not logged in" });
        const id = `true_${String(json.chatId)}_3EB0${randomBytes(8).toString("hex").toUpperCase()}`;
        const media = json.media as WaWebMedia | undefined;
        sent.push({ chatId: String(json.chatId), ...(typeof json.text === "string" ? { text: json.text } : {}), ...(media ? { media: { mimeType: media.mimeType, ...(media.fileName ? { fileName: media.fileName } : {}), size: Buffer.from(media.data, "base64").length } } : {}), id, at: Date.now() });
        return sendJson(res, 200, { id });
      }
      case "GET /media": {
        const m = messages.find((x) => x.msg.id === url.searchParams.get("id"));
        return m?.media ? sendJson(res, 200, m.media) : sendJson(res, 404, { error: "no media" });
      }
      default:
        return sendJson(res, 404, { error: "not found" });
    }
  });

  return {
    baseUrl: local.baseUrl,
    sent,
    receive(opts) {
      const chat = `${opts.from.replace(/^\+/, "")}@c.us`;
      const id = `false_${chat}_3A${randomBytes(8).toString("hex").toUpperCase()}`;
      const type = opts.type ?? (opts.media ? (opts.media.mimeType.startsWith("image/") ? "image" : opts.media.mimeType.startsWith("audio/") ? "ptt" : "document") : opts.location ? "location" : "chat");
      const msg: WaWebMessage = {
        id,
        from: chat,
        fromMe: false,
        timestamp: Math.floor(Date.now() / 1000),
        type,
        body: opts.body ?? "",
        hasMedia: !!opts.media,
        ...(opts.notifyName ? { notifyName: opts.notifyName } : {}),
        ...(opts.media ? { media: { mimeType: opts.media.mimeType, ...(opts.media.fileName ? { fileName: opts.media.fileName } : {}), sizeBytes: Buffer.from(opts.media.data, "base64").length } } : {}),
        ...(opts.location ? { location: opts.location } : {}),
      };
      messages.push({ seq: ++seq, msg, seen: false, ...(opts.media ? { media: opts.media } : {}) });
      return id;
    },
    unread: () => messages.filter((m) => !m.seen).map((m) => m.msg),
    requireLogin() {
      loggedIn = false;
      newQr();
    },
    refreshQr: () => newQr(),
    login() {
      loggedIn = true;
    },
    disconnect(reason = "NAVIGATION") {
      disconnectReason = reason;
      epoch++;
    },
    get connections() {
      return connections;
    },
    get logouts() {
      return logouts;
    },
    get loggedIn() {
      return loggedIn;
    },
    close: local.close,
  };
}

/** The seam's client for the fake page, polling it over HTTP (what a test's sessions process uses). */
export function fakeWhatsappWebClientFactory(baseUrl: string, pollMs = 100): WaWebClientFactory {
  return () => {
    const handlers = new Map<string, ((...a: never[]) => void)[]>();
    const emit = (event: string, ...args: unknown[]) => handlers.get(event)?.forEach((h) => (h as (...x: unknown[]) => void)(...args));
    let timer: NodeJS.Timeout | undefined;
    let closed = false;
    const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
      const res = await fetch(`${baseUrl}${path}`, { method, ...(body ? { headers: { "content-type": "application/json" }, body: JSON.stringify(body) } : {}) });
      if (!res.ok) throw new Error(`fake WhatsApp Web ${path}: ${res.status}`);
      return (await res.json()) as T;
    };
    const client: WaWebClient = {
      on(event: string, cb: (...a: never[]) => void) {
        handlers.set(event, [...(handlers.get(event) ?? []), cb]);
      },
      async initialize() {
        const c = await call<{ epoch: number; seq: number; loggedIn: boolean; qr: string | null }>("POST", "/connect");
        let after = c.seq;
        let ready = false;
        let lastQr: string | null = null;
        const tick = async () => {
          if (closed) return;
          try {
            const p = await call<{ disconnected?: string; loggedIn: boolean; qr: string | null; seq: number; messages: WaWebMessage[] }>("GET", `/poll?epoch=${c.epoch}&after=${after}`);
            if (p.disconnected) {
              closed = true;
              return emit("disconnected", p.disconnected);
            }
            if (!p.loggedIn && p.qr && p.qr !== lastQr) emit("qr", (lastQr = p.qr));
            if (p.loggedIn && !ready) {
              ready = true;
              emit("ready");
            }
            if (ready) {
              for (const m of p.messages) emit("message", m);
              after = p.seq;
            }
          } catch {
            // The page is unreachable for a moment: poll again.
          }
          if (!closed) timer = setTimeout(() => void tick(), pollMs);
        };
        await tick();
      },
      async destroy() {
        closed = true;
        if (timer) clearTimeout(timer);
      },
      logout: async () => void (await call("POST", "/logout", {})),
      unreadMessages: () => call<WaWebMessage[]>("GET", "/unread"),
      markSeen: async (chatId) => void (await call("POST", "/seen", { chatId })),
      downloadMedia: async (id) => {
        try {
          return await call<WaWebMedia>("GET", `/media?id=${encodeURIComponent(id)}`);
        } catch {
          return undefined;
        }
      },
      sendText: async (chatId, text) => (await call<{ id: string }>("POST", "/send", { chatId, text })).id,
      sendMedia: async (chatId, media) => (await call<{ id: string }>("POST", "/send", { chatId, media })).id,
    };
    return client;
  };
}
