// E-mail: a session connector reading the complaint mailbox over IMAP (IDLE, with a polling
// safety net) and sending replies over SMTP. Mail can also arrive through the SMTP receiver
// (smtp-receiver.ts) — the server feeds those raw messages to parseEmail and the same sink.
import { randomUUID } from "node:crypto";
import { ImapFlow } from "imapflow";
import { createTransport } from "nodemailer";
import { z } from "zod";
import {
  errorMessage,
  fetchDataRef,
  isNetworkError,
  type ConnectorContext,
  type InboundEvent,
  type InboundSink,
  type OutboundMessage,
  type SendResult,
  type SessionConnector,
} from "../connector.js";
import { parseEmail } from "./parse-email.js";
import { smtpRejection, startSmtpReceiver } from "./smtp-receiver.js";

const port = z.number().int().min(1).max(65535);

export const emailConfigSchema = z
  .object({
    smtp: z.object({
      host: z.string().min(1).describe("SMTP server for outgoing mail"),
      port: port.default(587),
      secure: z.boolean().default(false).describe("TLS from the start (port 465); otherwise STARTTLS when offered"),
      user: z.string().optional(),
      pass: z.string().optional().meta({ secret: true }),
      from: z.string().min(3).describe('Sender, e.g. "Aduan Pemprov <aduan@sumselprov.go.id>"'),
      allowSelfSigned: z.boolean().default(false),
    }),
    /** Inbound by reading a mailbox. */
    imap: z
      .object({
        host: z.string().min(1).describe("IMAP server of the complaint mailbox"),
        port: port.default(993),
        secure: z.boolean().default(true),
        user: z.string().min(1),
        pass: z.string().min(1).meta({ secret: true }),
        mailbox: z.string().default("INBOX"),
        /** After ingest, move the message here (it is marked \Seen in any case). */
        processedMailbox: z.string().optional().describe("Move ingested mail here (optional)"),
        ignoredMailbox: z.string().optional().describe("Move bounces and auto-replies here (optional)"),
        pollIntervalSeconds: z.number().int().min(5).max(3600).default(60).describe("Safety-net rescan interval; new mail is seen at once through IDLE"),
        allowSelfSigned: z.boolean().default(false),
      })
      .optional(),
    /** Inbound by SMTP: the site's mail server routes the complaint address to this listener. */
    smtpInbound: z
      .object({
        host: z.string().default("0.0.0.0").describe("Listen address"),
        port: z.number().int().min(0).max(65535).default(2525).describe("Listen port (0: any free port)"),
        acceptRecipients: z.array(z.string().min(2)).default([]).describe('Accepted recipients ("aduan@prov.go.id" or "@prov.go.id"); empty = any'),
        user: z.string().optional().describe("Require SMTP AUTH with this user (optional)"),
        pass: z.string().optional().meta({ secret: true }),
        maxMegabytes: z.number().int().min(1).max(100).default(25),
      })
      .optional(),
  })
  .refine((c) => c.imap !== undefined || c.smtpInbound !== undefined, { message: "imap or smtpInbound is required", path: ["imap"] });
export type EmailConfig = z.infer<typeof emailConfigSchema>;

/** "Name <addr@host>" or "addr@host" -> addr@host. */
export function addressOf(from: string): string {
  return (/<([^<>]+)>/.exec(from)?.[1] ?? from).trim().toLowerCase();
}

/** Subject of an outgoing mail: the ticket number in brackets so the citizen's reply threads. */
export function outgoingSubject(msg: Pick<OutboundMessage, "subject" | "ticketNumber" | "inReplyToExternalId">): string {
  let subject = (msg.subject ?? (msg.ticketNumber ? "Pengaduan" : "Aduan")).replace(/\s+/g, " ").trim();
  if (msg.ticketNumber && !subject.toUpperCase().includes(msg.ticketNumber.toUpperCase())) subject = `${subject} [${msg.ticketNumber}]`;
  if (msg.inReplyToExternalId && !/^re\s*:/i.test(subject)) subject = `Re: ${subject}`;
  return subject;
}

function sendFailure(err: unknown): SendResult {
  const e = err as { code?: unknown; responseCode?: unknown; response?: unknown };
  const reason = `${typeof e.code === "string" ? `${e.code}: ` : ""}${errorMessage(err)}`;
  if (typeof e.responseCode === "number") return { status: "failed", retryable: e.responseCode < 500, reason };
  if (e.code === "EAUTH" || e.code === "EENVELOPE" || e.code === "EMESSAGE") return { status: "failed", retryable: false, reason };
  return { status: "failed", retryable: isNetworkError(err), reason };
}

async function send(ctx: ConnectorContext<EmailConfig>, msg: OutboundMessage): Promise<SendResult> {
  const smtp = ctx.config.smtp;
  const fromAddress = addressOf(smtp.from);
  const domain = fromAddress.split("@")[1] || "aduan.invalid";
  const key = (msg.idempotencyKey ?? randomUUID()).replace(/[^A-Za-z0-9._-]/g, "-");
  const messageId = `<aduan.${key}@${domain}>`;
  const references = [...new Set([...(msg.references ?? []), ...(msg.inReplyToExternalId ? [msg.inReplyToExternalId] : [])])];
  const transport = createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.pass ?? "" } } : {}),
    tls: { rejectUnauthorized: !smtp.allowSelfSigned },
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
  });
  try {
    const info = await transport.sendMail({
      from: smtp.from,
      to: msg.to,
      subject: outgoingSubject(msg),
      text: msg.text,
      messageId,
      ...(msg.inReplyToExternalId ? { inReplyTo: msg.inReplyToExternalId } : {}),
      ...(references.length ? { references } : {}),
      // Acknowledgements and notices must not trigger the citizen's vacation responder (RFC 3834).
      ...(msg.automated ? { headers: { "Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All" } } : {}),
      attachments: (msg.attachments ?? []).map((a) => ({
        filename: a.fileName,
        contentType: a.mimeType,
        ...(a.content ? { content: a.content } : { path: a.url ?? "" }),
      })),
    });
    if (info.rejected.length > 0 && info.accepted.length === 0) {
      return { status: "failed", retryable: false, reason: `recipient rejected: ${info.rejected.map(String).join(", ")}` };
    }
    return { status: "sent", externalId: messageId };
  } catch (err) {
    ctx.log.warn({ accountId: ctx.accountId, err: errorMessage(err) }, "email: send failed");
    return sendFailure(err);
  } finally {
    transport.close();
  }
}

/**
 * Reads the mailbox: every unseen message is parsed and handed to the sink; only after the sink
 * resolved is it marked \Seen (and moved, if configured). A message the sink rejects stays unseen
 * and is tried again at the next scan. Reconnects with backoff when the connection drops.
 */
type ImapConfig = NonNullable<EmailConfig["imap"]>;

function ownAddressesOf(config: EmailConfig): string[] {
  const user = config.imap?.user ?? "";
  return [addressOf(config.smtp.from), user.includes("@") ? user.toLowerCase() : ""].filter(Boolean);
}

/** Parses one raw message into the sink's event; an unparseable message is an `ignored` event. */
export async function emailEvent(raw: Buffer, opts: Parameters<typeof parseEmail>[1]): Promise<InboundEvent> {
  try {
    const outcome = await parseEmail(raw, opts);
    return outcome.kind === "message" ? { kind: "message", message: outcome.message } : outcome;
  } catch (err) {
    return { kind: "ignored", reason: `invalid: unparseable message (${errorMessage(err)})` };
  }
}

async function startImap(ctx: ConnectorContext<EmailConfig>, c: ImapConfig, sink: InboundSink): Promise<{ stop(): Promise<void> }> {
  const ownAddresses = ownAddressesOf(ctx.config);
  let stopped = false;
  let client: ImapFlow | undefined;
  let pollTimer: NodeJS.Timeout | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let failures = 0;
  let refusedStreak = 0;
  let rescanTimer: NodeJS.Timeout | undefined;
  let scanning: Promise<void> | undefined;
  let rescan = false;
  const state = (s: "connecting" | "connected" | "disconnected" | "needs-auth", detail?: string) =>
    sink({ kind: "state", state: s, ...(detail ? { detail } : {}) }).catch(() => undefined);

  /** Returns how many messages the sink refused (they stay unseen). */
  async function scanOnce(imap: ImapFlow): Promise<number> {
    let refused = 0;
    const uids = ((await imap.search({ seen: false }, { uid: true })) || []).sort((a, b) => a - b);
    for (const uid of uids) {
      if (stopped || !imap.usable) return refused;
      const fetched = await imap.fetchOne(String(uid), { source: true }, { uid: true });
      if (!fetched || !fetched.source) continue;
      const event = await emailEvent(fetched.source, { ownAddresses });
      try {
        await sink(event);
      } catch (err) {
        ctx.log.warn({ accountId: ctx.accountId, uid, err: errorMessage(err) }, "email: ingest failed; the message stays unseen and is retried");
        refused++;
        continue;
      }
      await imap.messageFlagsAdd(String(uid), ["\\Seen"], { uid: true });
      const dest = event.kind === "message" ? c.processedMailbox : c.ignoredMailbox;
      if (dest) await imap.messageMove(String(uid), dest, { uid: true });
    }
    return refused;
  }

  /** A refused message is retried sooner than the next poll: 1 s, 2 s, 4 s… up to the poll interval. */
  function scheduleRetryScan(): void {
    if (stopped || rescanTimer) return;
    const delay = Math.min(c.pollIntervalSeconds * 1000, 1000 * 2 ** Math.min(refusedStreak, 10));
    refusedStreak++;
    rescanTimer = setTimeout(() => {
      rescanTimer = undefined;
      scan();
    }, delay);
    rescanTimer.unref();
  }

  function scan(): void {
    const imap = client;
    if (!imap || stopped) return;
    if (scanning) {
      rescan = true;
      return;
    }
    scanning = (async () => {
      do {
        rescan = false;
        try {
          if ((await scanOnce(imap)) > 0) scheduleRetryScan();
          else refusedStreak = 0;
        } catch (err) {
          ctx.log.warn({ accountId: ctx.accountId, err: errorMessage(err) }, "email: mailbox scan failed");
        }
      } while (rescan && !stopped);
    })().finally(() => {
      scanning = undefined;
    });
  }

  function scheduleReconnect(): void {
    if (stopped || retryTimer) return;
    const delay = Math.min(300_000, 1000 * 2 ** Math.min(failures, 8));
    failures++;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void connect();
    }, delay);
    retryTimer.unref();
  }

  async function connect(): Promise<void> {
    if (stopped) return;
    await state("connecting");
    const imap = new ImapFlow({
      host: c.host,
      port: c.port,
      secure: c.secure,
      auth: { user: c.user, pass: c.pass },
      logger: false,
      tls: { rejectUnauthorized: !c.allowSelfSigned },
      autoIdleDelay: 1000,
      maxIdleTime: 10 * 60_000,
    });
    imap.on("error", (err: unknown) => ctx.log.warn({ accountId: ctx.accountId, err: errorMessage(err) }, "email: IMAP error"));
    imap.on("exists", () => scan());
    imap.on("close", () => {
      if (client !== imap) return;
      client = undefined;
      if (!stopped) {
        void state("disconnected");
        scheduleReconnect();
      }
    });
    try {
      await imap.connect();
      await imap.mailboxOpen(c.mailbox);
    } catch (err) {
      const authFailed = (err as { authenticationFailed?: unknown }).authenticationFailed === true;
      ctx.log.warn({ accountId: ctx.accountId, err: errorMessage(err) }, "email: IMAP connect failed");
      await state(authFailed ? "needs-auth" : "disconnected", errorMessage(err));
      imap.close();
      scheduleReconnect();
      return;
    }
    if (stopped) {
      await imap.logout().catch(() => undefined);
      return;
    }
    client = imap;
    failures = 0;
    await state("connected");
    scan();
  }

  await connect();
  pollTimer = setInterval(scan, c.pollIntervalSeconds * 1000);
  pollTimer.unref();

  return {
    async stop() {
      stopped = true;
      clearInterval(pollTimer);
      clearTimeout(retryTimer);
      clearTimeout(rescanTimer);
      await scanning?.catch(() => undefined);
      const imap = client;
      client = undefined;
      if (imap) await imap.logout().catch(() => imap.close());
    },
  };
}

/**
 * SMTP inbound: the sending server gets its 250 only after the sink resolved (ingest committed);
 * a rejected sink answers 451 and the sender retries later, like a webhook's non-2xx.
 */
async function startSmtpInbound(ctx: ConnectorContext<EmailConfig>, c: NonNullable<EmailConfig["smtpInbound"]>, sink: InboundSink) {
  const ownAddresses = ownAddressesOf(ctx.config);
  const receiver = await startSmtpReceiver({
    host: c.host,
    port: c.port,
    maxBytes: c.maxMegabytes * 1024 * 1024,
    acceptRecipients: c.acceptRecipients,
    ...(c.user ? { auth: { user: c.user, pass: c.pass ?? "" } } : {}),
    async onMessage(raw, envelope) {
      const event = await emailEvent(raw, { ownAddresses, envelopeFrom: envelope.mailFrom });
      try {
        await sink(event);
      } catch (err) {
        ctx.log.warn({ accountId: ctx.accountId, err: errorMessage(err) }, "email: SMTP inbound ingest failed; answered 451");
        throw err;
      }
      // A mail that cannot become a complaint (no sender at all, unparseable) is refused, not
      // accepted and dropped: the sending server then tells its user (bounces stay accepted).
      if (event.kind === "ignored" && event.reason.startsWith("invalid:")) throw smtpRejection(550, `5.6.0 Message refused: ${event.reason.slice("invalid: ".length)}`);
    },
  });
  ctx.log.info({ accountId: ctx.accountId, host: receiver.host, port: receiver.port }, "email: SMTP receiver listening");
  return receiver;
}

async function start(ctx: ConnectorContext<EmailConfig>, sink: InboundSink): Promise<{ stop(): Promise<void> }> {
  const stops: (() => Promise<void>)[] = [];
  try {
    if (ctx.config.smtpInbound) {
      const receiver = await startSmtpInbound(ctx, ctx.config.smtpInbound, sink);
      stops.push(() => receiver.close());
    }
    if (ctx.config.imap) {
      const imap = await startImap(ctx, ctx.config.imap, sink);
      stops.push(() => imap.stop());
    }
  } catch (err) {
    for (const stop of stops) await stop().catch(() => undefined);
    throw err;
  }
  return {
    async stop() {
      await Promise.all(stops.map((stop) => stop().catch(() => undefined)));
    },
  };
}

export const emailConnector: SessionConnector<EmailConfig> = {
  id: "email",
  kind: "email",
  title: "E-mail (IMAP + SMTP)",
  inbound: "session",
  configSchema: emailConfigSchema,
  // Most mail servers refuse messages over 25 MB; base64 grows files by a third.
  limits: { maxTextLength: 100_000, attachments: { mimeTypes: ["*/*"], maxBytes: 18 * 1024 * 1024 }, replyWindow: null },
  start,
  send,
  async fetchAttachment(_ctx, ref) {
    return fetchDataRef(ref) ?? { status: "failed", retryable: false, reason: "e-mail attachment refs are data: URIs; this is not one" };
  },
};
