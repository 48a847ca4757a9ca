// The demo's provider sandbox: the providers' APIs (Twilio Messages, Telegram Bot API, Meta Graph
// for WhatsApp Cloud / Messenger / Instagram, X API v2, an SMTP server) on 127.0.0.1, so the
// demo channel accounts deliver without any provider account and nothing leaves the machine.
//
// The real connectors talk to it over HTTP/SMTP in the provider's wire format: `configFor` gives a
// demo account's config with the API base pointed here (at send time, nothing is stored, so an
// old demo database whose accounts name the real hosts is redirected too). Every message accepted
// is kept as what the citizen's phone received (the /demo/warga page shows it), and the receipts
// the real provider would send (Twilio and WhatsApp: sent, delivered; Messenger: delivered) are
// posted, signed like the provider, to our own webhook, so the outbox, jobs and receipt handling
// are the production ones.
//
// One sandbox per process, in the process that runs the api role (npm start runs all roles in
// one): the page, the sends and the receipts share its memory.
import { randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createNetServer, type AddressInfo } from "node:net";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import type { AnyConnector, SessionConnector } from "../../../channels/connector.js";
import { createWhatsappWebConnector, type WaWebClient, type WaWebMessage, type WhatsappWebConfig } from "../../../channels/registry.js";
import type { Logger } from "../../lib/logger.js";
import { DEMO_CHANNEL_CONFIGS } from "../seed-demo-channels.js";
import { citizenAddress, postToServer, RECEIPTS, receiptRequest } from "./provider-wire.js";
import type { ChannelKind } from "../../../channels/rules/channel-kinds.js";

/** The channel as the citizen's phone shows it (an IVR account's text goes as SMS). */
/** The channels a demo citizen can write on from the sandbox (calls and the web form have their own pages). */
export type SandboxChannel = Exclude<ChannelKind, "voice" | "web">;

export const CHANNEL_OF_CONNECTOR: Record<string, SandboxChannel | undefined> = {
  "twilio-sms": "sms",
  "twilio-voice": "sms",
  "whatsapp-cloud": "whatsapp",
  "whatsapp-web": "whatsapp",
  telegram: "telegram",
  email: "email",
  facebook: "facebook",
  instagram: "instagram",
  x: "x",
};

export interface SandboxEntry {
  id: number;
  channel: SandboxChannel;
  /** The citizen's address on that channel (E.164 for SMS, digits for WhatsApp, chat id…). */
  address: string;
  /** "in": the citizen received it from us; "out": the citizen sent it. */
  direction: "in" | "out";
  text: string;
  subject?: string;
  at: Date;
  /** Provider message id (for receipts and e-mail threading). */
  externalId?: string;
  /** What the provider has reported to us so far (in: sent → delivered). */
  status?: string;
}

/** The config field that marks a channel account as one the demo seeded (its credentials). */
const DEMO_IDENTITY: Record<string, (c: Record<string, any>) => unknown> = {
  "twilio-sms": (c) => c.authToken,
  "twilio-voice": (c) => c.authToken,
  telegram: (c) => c.botToken,
  email: (c) => c.smtp?.from,
  "whatsapp-cloud": (c) => c.accessToken,
  facebook: (c) => c.accessToken,
  instagram: (c) => c.accessToken,
  x: (c) => c.consumerSecret,
  web: (c) => c.formSecret,
  "whatsapp-web": (c) => c.phoneNumber,
};

/** True when the account carries the demo's own credentials (which no real provider accepts). */
export function isDemoAccountConfig(connectorId: string, config: unknown): boolean {
  const demo = DEMO_CHANNEL_CONFIGS[connectorId];
  const id = DEMO_IDENTITY[connectorId];
  if (!demo || !id || !config || typeof config !== "object") return false;
  const mine = id(config as Record<string, unknown>);
  return mine !== undefined && mine === id(demo.config);
}

const MAX_ENTRIES = 5000;
/** The demo worker's poll of the job table (ms) when JOB_POLL_MS is not set. */
export const DEMO_JOB_POLL_MS = 250;
const RECEIPT_STEP_MS = 150;

async function freePort(): Promise<number> {
  const srv = createNetServer();
  await new Promise<void>((resolve, reject) => srv.once("error", reject).listen(0, "127.0.0.1", () => resolve()));
  const port = (srv.address() as AddressInfo).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/** One second of silence (8 kHz, 8-bit mono WAV): the "recording" of a simulated call. */
function silentWav(): Buffer {
  const samples = 8000;
  const b = Buffer.alloc(44 + samples, 0x80);
  b.write("RIFF", 0);
  b.writeUInt32LE(36 + samples, 4);
  b.write("WAVEfmt ", 8);
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(8000, 24);
  b.writeUInt32LE(8000, 28);
  b.writeUInt16LE(1, 32);
  b.writeUInt16LE(8, 34);
  b.write("data", 36);
  b.writeUInt32LE(samples, 40);
  return b;
}

/** http://127.0.0.1:PORT of a listening server (loopback even when it listens on every interface). */
export function localUrlOf(server: Server): string {
  const a = server.address() as AddressInfo;
  const host = a.address === "::" || a.address === "0.0.0.0" ? "127.0.0.1" : a.address.includes(":") ? `[${a.address}]` : a.address;
  return `http://${host}:${a.port}`;
}

export interface SandboxOptions {
  publicUrl: string;
  logger: Logger;
}

export class DemoSandbox {
  readonly events = new EventEmitter();
  private entries: SandboxEntry[] = [];
  private seq = 1;
  private accounts = new Map<number, { connectorId: string; config: Record<string, unknown> }>();
  private http?: Server;
  private smtp?: SMTPServer;
  private timers = new Set<NodeJS.Timeout>();
  /** Where the provider APIs listen (http://127.0.0.1:PORT). */
  apiBase = "";
  smtpPort = 0;
  /** The port the demo mailbox's SMTP receiver listens on (the citizen's mail goes there). */
  inboundMailPort = 0;
  /** Where our own server listens, for the receipts (set once it listens). */
  localUrl = "";
  /** The WhatsApp Web pages of the demo accounts that are "logged in" here, by account id. */
  private waPages = new Map<string, SandboxWaPage>();
  private waConnector?: SessionConnector<WhatsappWebConfig>;

  constructor(private readonly opts: SandboxOptions) {
    this.events.setMaxListeners(0);
  }

  async start(): Promise<void> {
    this.http = createServer((req, res) => {
      readBody(req)
        .then((body) => this.handle(req, body, res))
        .catch((err: unknown) => (res.headersSent ? res.end() : sendJson(res, 500, { error: String(err) })));
    });
    await new Promise<void>((resolve, reject) => this.http!.once("error", reject).listen(0, "127.0.0.1", () => resolve()));
    this.apiBase = `http://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
    this.smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS", "AUTH"],
      logger: false,
      banner: "Aduan demo sandbox",
      onData: (stream, session, callback) => {
        simpleParser(stream)
          .then((mail) => {
            for (const rcpt of session.envelope.rcptTo) {
              this.add({
                channel: "email",
                address: rcpt.address.toLowerCase(),
                direction: "in",
                text: (mail.text ?? "").trim(),
                ...(mail.subject ? { subject: mail.subject } : {}),
                ...(mail.messageId ? { externalId: mail.messageId } : {}),
                status: "sent",
              });
            }
            callback();
          })
          .catch((err: Error) => callback(err));
      },
    });
    await new Promise<void>((resolve, reject) => {
      this.smtp!.server.once("error", reject);
      this.smtp!.listen(0, "127.0.0.1", () => resolve());
    });
    this.smtpPort = (this.smtp.server.address() as AddressInfo).port;
    this.inboundMailPort = await freePort();
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (this.http) {
      this.http.closeAllConnections();
      await new Promise<void>((resolve) => this.http!.close(() => resolve()));
    }
    if (this.smtp) await new Promise<void>((resolve) => this.smtp!.close(() => resolve()));
  }

  /**
   * The config a connector gets for this account: a demo account's provider hosts replaced by
   * the sandbox's; any other account unchanged.
   */
  configFor<C>(connectorId: string, accountId: number, config: C): C {
    if (!isDemoAccountConfig(connectorId, config)) return config;
    const c = { ...(config as Record<string, unknown>) };
    this.accounts.set(accountId, { connectorId, config: c });
    const base = `${this.apiBase}/acct/${accountId}`;
    switch (connectorId) {
      case "twilio-sms":
      case "twilio-voice":
        c.apiBaseUrl = this.apiBase; // the Twilio SDK keeps its own paths, only the host changes
        break;
      case "telegram":
        c.apiRoot = `${base}/telegram/`;
        break;
      case "whatsapp-cloud":
      case "facebook":
      case "instagram":
        c.graphApiBase = `${base}/graph`;
        break;
      case "x":
        c.apiBase = `${base}/x`;
        break;
      case "email": {
        const smtp = (c.smtp ?? {}) as Record<string, unknown>;
        c.smtp = { ...smtp, host: "127.0.0.1", port: this.smtpPort, secure: false, user: undefined, pass: undefined };
        delete c.imap;
        const inbound = (c.smtpInbound ?? {}) as Record<string, unknown>;
        c.smtpInbound = { maxMegabytes: 25, acceptRecipients: [], ...inbound, host: "127.0.0.1", port: this.inboundMailPort, user: undefined, pass: undefined };
        break;
      }
    }
    return c as C;
  }

  /**
   * The connector to use for an account: the registry's, except WhatsApp Web, whose demo
   * account runs against a page held here (the connector's own seam) instead of a browser.
   */
  connectorFor(connector: AnyConnector): AnyConnector {
    if (connector.id !== "whatsapp-web" || connector.inbound !== "session") return connector;
    const real = connector as SessionConnector<WhatsappWebConfig>;
    this.waConnector ??= createWhatsappWebConnector((ctx) => {
      const page = new SandboxWaPage(this);
      this.waPages.set(ctx.accountId, page);
      return page;
    });
    const sandboxed = this.waConnector;
    return {
      ...real,
      start: (ctx, sink) => (isDemoAccountConfig("whatsapp-web", ctx.config) ? sandboxed.start(ctx, sink) : real.start(ctx, sink)),
      send: (ctx, msg) => (isDemoAccountConfig("whatsapp-web", ctx.config) ? sandboxed.send(ctx, msg) : real.send(ctx, msg)),
      ...(real.fetchAttachment ? { fetchAttachment: (ctx, ref) => (isDemoAccountConfig("whatsapp-web", ctx.config) ? sandboxed.fetchAttachment!(ctx, ref) : real.fetchAttachment!(ctx, ref)) } : {}),
    } as SessionConnector<WhatsappWebConfig>;
  }

  /** A citizen's WhatsApp message to a demo WhatsApp Web account (false: its session is not running). */
  whatsappWebFromCitizen(accountId: number, phone: string, text: string, name?: string): boolean {
    const page = this.waPages.get(String(accountId));
    if (!page?.ready) return false;
    page.citizenWrites(phone, text, name);
    return true;
  }

  /** The conversation of one citizen on one channel, oldest first. */
  conversation(channel: SandboxChannel, address: string): SandboxEntry[] {
    return this.entries.filter((e) => e.channel === channel && e.address === address);
  }

  /** Everything, newest last (for the page's list of citizens). */
  all(): readonly SandboxEntry[] {
    return this.entries;
  }

  /** Records what the citizen sent (the page and the simulator call this before posting it). */
  recordFromCitizen(connectorId: string, identity: string, text: string, subject?: string): SandboxEntry | undefined {
    const channel = CHANNEL_OF_CONNECTOR[connectorId];
    if (!channel) return undefined;
    return this.add({ channel, address: citizenAddress(connectorId, identity).address, direction: "out", text, ...(subject ? { subject } : {}) });
  }

  /** @internal used by the WhatsApp Web page */
  add(e: Omit<SandboxEntry, "id" | "at">): SandboxEntry {
    const entry: SandboxEntry = { ...e, id: this.seq++, at: new Date() };
    this.entries.push(entry);
    if (this.entries.length > MAX_ENTRIES) this.entries.splice(0, this.entries.length - MAX_ENTRIES);
    this.events.emit("entry", entry);
    return entry;
  }

  private setStatus(entry: SandboxEntry, status: string) {
    entry.status = status;
    this.events.emit("entry", entry);
  }

  /** Posts the provider's receipts for an accepted message, one after the other. */
  private receipts(connectorId: string, accountId: number | undefined, entry: SandboxEntry, callbackUrl: string | undefined, from?: string) {
    const steps = RECEIPTS[connectorId] ?? [];
    const account = accountId !== undefined ? this.accounts.get(accountId) : undefined;
    if (!steps.length || !account || !callbackUrl || !entry.externalId) return;
    let i = 0;
    const next = () => {
      const status = steps[i++];
      if (!status) return;
      const t = setTimeout(() => {
        this.timers.delete(t);
        const req = receiptRequest(connectorId, { config: account.config, callbackUrl, externalId: entry.externalId!, to: entry.address, ...(from ? { from } : {}), status });
        if (!req || !this.localUrl) return;
        postToServer(this.localUrl, req)
          .then(async (res) => {
            if (!res.ok) this.opts.logger.warn({ status: res.status, body: await res.text() }, "sandbox: receipt refused by our webhook");
            else this.setStatus(entry, status);
            next();
          })
          .catch((err: unknown) => this.opts.logger.warn({ err }, "sandbox: receipt could not be posted"));
      }, RECEIPT_STEP_MS);
      this.timers.add(t);
    };
    next();
  }

  private async handle(req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://sandbox");
    const path = url.pathname;

    // Twilio REST: messages and call recordings (the SDK calls Twilio's own paths).
    const twilioMsg = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(path);
    if (twilioMsg && req.method === "POST") {
      const p = new URLSearchParams(body.toString("utf8"));
      const to = p.get("To") ?? "";
      const text = p.get("Body") ?? "";
      if (!/^\+[1-9]\d{6,14}$/.test(to)) return sendJson(res, 400, { code: 21211, message: `Invalid 'To' Phone Number: ${to}`, status: 400 });
      const sid = `SM${randomBytes(16).toString("hex")}`;
      const callback = p.get("StatusCallback") ?? undefined;
      // Without a StatusCallback Twilio tells us nothing more: the phone has it, our side knows "sent".
      const entry = this.add({ channel: "sms", address: to, direction: "in", text, externalId: sid, status: callback ? "queued" : "sent" });
      const accountId = callback ? Number(/\/webhooks\/[^/]+\/(\d+)/.exec(new URL(callback).pathname)?.[1]) : undefined;
      sendJson(res, 201, { sid, account_sid: twilioMsg[1], to, from: p.get("From"), body: text, status: "queued", direction: "outbound-api", num_segments: "1", date_created: new Date().toUTCString(), error_code: null, error_message: null, uri: `/2010-04-01/Accounts/${twilioMsg[1]}/Messages/${sid}.json` });
      this.receipts("twilio-sms", accountId, entry, callback, p.get("From") ?? undefined);
      return;
    }
    if (/^\/2010-04-01\/Accounts\/[^/]+\/Recordings\/[^/]+\.(mp3|wav)$/.test(path) && req.method === "GET") {
      const wav = silentWav();
      res.writeHead(200, { "content-type": "audio/wav", "content-length": wav.length });
      return void res.end(wav);
    }

    const m = /^\/acct\/(\d+)\/(telegram|graph|x)\/(.*)$/.exec(path);
    if (!m) return sendJson(res, 404, { error: `the sandbox has no ${req.method} ${path}` });
    const accountId = Number(m[1]);
    const provider = m[2];
    const rest = m[3] ?? "";
    const account = this.accounts.get(accountId);
    const payload = parsePayload(req, body);

    if (provider === "telegram") {
      const tm = /^bot[^/]+\/(\w+)$/.exec(rest);
      const method = tm?.[1] ?? "";
      if (method === "sendMessage" || method === "sendPhoto" || method === "sendDocument") {
        const chatId = String(payload.chat_id ?? "");
        const messageId = this.seq + 1000;
        const text = String(payload.text ?? payload.caption ?? (method === "sendMessage" ? "" : "[berkas]"));
        this.add({ channel: "telegram", address: chatId, direction: "in", text, externalId: `${chatId}:${messageId}`, status: "sent" });
        return sendJson(res, 200, { ok: true, result: { message_id: messageId, date: Math.floor(Date.now() / 1000), chat: { id: Number(chatId), type: "private" }, text } });
      }
      return sendJson(res, 200, { ok: true, result: true });
    }

    if (provider === "graph") {
      const parts = rest.split("/").slice(1); // drop the version
      const edge = parts[1];
      const connectorId = account?.connectorId ?? "";
      if (req.method === "POST" && edge === "messages" && payload.messaging_product === "whatsapp") {
        const to = String(payload.to ?? "");
        const text = String((payload.text as { body?: string } | undefined)?.body ?? renderTemplate(payload.template));
        const wamid = `wamid.HBgM${randomBytes(18).toString("base64url")}`;
        const entry = this.add({ channel: "whatsapp", address: to, direction: "in", text, externalId: wamid, status: "accepted" });
        sendJson(res, 200, { messaging_product: "whatsapp", contacts: [{ input: to, wa_id: to }], messages: [{ id: wamid }] });
        this.receipts(connectorId, accountId, entry, this.webhookOf(connectorId, accountId));
        return;
      }
      if (req.method === "POST" && edge === "messages") {
        const recipient = (payload.recipient ?? {}) as { id?: string; comment_id?: string };
        const message = (payload.message ?? {}) as { text?: string };
        const to = recipient.id ?? `comment:${recipient.comment_id}`;
        const mid = `m_${randomBytes(16).toString("base64url")}`;
        const channel = connectorId === "instagram" ? "instagram" : "facebook";
        const entry = this.add({ channel, address: to, direction: "in", text: message.text ?? "[lampiran]", externalId: mid, status: "sent" });
        sendJson(res, 200, { recipient_id: to, message_id: mid });
        this.receipts(connectorId, accountId, entry, this.webhookOf(connectorId, accountId));
        return;
      }
      if (req.method === "POST" && (edge === "comments" || edge === "replies")) {
        const channel = connectorId === "instagram" ? "instagram" : "facebook";
        this.add({ channel, address: `comment:${parts[0]}`, direction: "in", text: String(payload.message ?? ""), status: "sent" });
        return sendJson(res, 200, { id: `${parts[0]}_${this.seq}` });
      }
      return sendJson(res, 400, { error: { message: `(#100) the sandbox does not serve ${req.method} ${rest}`, type: "OAuthException", code: 100 } });
    }

    // X API v2: a DM or a reply under a post.
    const dm = /^2\/dm_conversations\/with\/(\d+)\/messages$/.exec(rest);
    if (dm && req.method === "POST") {
      const id = String(1_900_000_000_000_000_000n + BigInt(this.seq));
      this.add({ channel: "x", address: dm[1]!, direction: "in", text: String(payload.text ?? ""), externalId: `dm:${id}`, status: "sent" });
      return sendJson(res, 201, { data: { dm_conversation_id: `${dm[1]}-${account?.config.userId ?? ""}`, dm_event_id: id } });
    }
    if (rest === "2/tweets" && req.method === "POST") {
      const id = String(1_910_000_000_000_000_000n + BigInt(this.seq));
      const reply = (payload.reply ?? {}) as { in_reply_to_tweet_id?: string };
      this.add({ channel: "x", address: `tweet:${reply.in_reply_to_tweet_id ?? ""}`, direction: "in", text: String(payload.text ?? ""), externalId: `tweet:${id}`, status: "sent" });
      return sendJson(res, 201, { data: { id, text: payload.text } });
    }
    return sendJson(res, 404, { title: "Not Found Error", detail: `the sandbox has no ${req.method} /${rest}` });
  }

  private webhookOf(connectorId: string, accountId: number): string {
    return `${this.opts.publicUrl}/webhooks/${connectorId}/${accountId}`;
  }
}

function parsePayload(req: IncomingMessage, body: Buffer): Record<string, unknown> {
  const type = String(req.headers["content-type"] ?? "");
  try {
    if (type.startsWith("application/json")) return JSON.parse(body.toString("utf8")) as Record<string, unknown>;
    if (type.startsWith("application/x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(body.toString("utf8")));
    if (type.startsWith("multipart/form-data")) {
      // Only the text fields matter here (chat_id, caption); files are acknowledged, not kept.
      const out: Record<string, unknown> = {};
      for (const m of body.toString("latin1").matchAll(/name="([^"]+)"\r\n\r\n([^\r]*)\r\n/g)) out[m[1]!] = Buffer.from(m[2]!, "latin1").toString("utf8");
      return out;
    }
  } catch {
    /* answered as empty */
  }
  return {};
}

function renderTemplate(t: unknown): string {
  const tpl = t as { name?: string; components?: { parameters?: { text?: string }[] }[] } | undefined;
  const params = tpl?.components?.flatMap((c) => c.parameters ?? []).map((p) => p.text ?? "") ?? [];
  return `[${tpl?.name ?? "template"}] ${params.join(" · ")}`;
}

/** A WhatsApp Web page that is always logged in: what the connector sends lands on the citizen's phone. */
class SandboxWaPage implements WaWebClient {
  ready = false;
  private handlers: Record<string, ((x: any) => void)[]> = {};
  private seq = 1;
  constructor(private readonly sandbox: DemoSandbox) {}
  on(event: string, cb: (x: any) => void): void {
    (this.handlers[event] ??= []).push(cb);
  }
  private emit(event: string, x?: unknown) {
    for (const cb of this.handlers[event] ?? []) cb(x);
  }
  async initialize(): Promise<void> {
    this.ready = true;
    setImmediate(() => this.emit("ready"));
  }
  async destroy(): Promise<void> {
    this.ready = false;
  }
  /** The sandbox's phone links the next page at once: a logout is followed by a fresh login. */
  async logout(): Promise<void> {
    this.ready = false;
  }
  async unreadMessages(): Promise<WaWebMessage[]> {
    return [];
  }
  async markSeen(): Promise<void> {}
  async downloadMedia(): Promise<undefined> {
    return undefined;
  }
  async sendText(chatId: string, text: string): Promise<string> {
    const id = `true_${chatId}_SANDBOX${randomBytes(8).toString("hex").toUpperCase()}`;
    this.sandbox.add({ channel: "whatsapp", address: chatId.replace(/@c\.us$/, ""), direction: "in", text, externalId: id, status: "sent" });
    return id;
  }
  async sendMedia(chatId: string, _media: unknown, caption?: string): Promise<string> {
    return this.sendText(chatId, caption ?? "[berkas]");
  }
  citizenWrites(phone: string, text: string, name?: string) {
    const digits = phone.replace(/\D/g, "");
    const m: WaWebMessage = { id: `false_${digits}@c.us_SANDBOX${this.seq++}${randomBytes(4).toString("hex").toUpperCase()}`, from: `${digits}@c.us`, fromMe: false, timestamp: Math.floor(Date.now() / 1000), type: "chat", body: text, hasMedia: false, ...(name ? { notifyName: name } : {}) };
    this.emit("message", m);
  }
}
