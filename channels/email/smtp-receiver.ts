// An SMTP receiver for the e-mail channel: the province's mail server (or an MX) delivers the
// complaint mailbox's mail here, and every message is handed over raw. The SMTP client gets its
// 250 only after the handler resolved (i.e. after ingest committed), like a webhook's 2xx; a
// rejected handler becomes a 451 so the sending server keeps the message and retries.
import type { AddressInfo } from "node:net";
import { SMTPServer, type SMTPServerAddress } from "smtp-server";

export interface SmtpEnvelope {
  /** MAIL FROM; "" is the null sender (<>) that bounces and most auto-replies use. */
  mailFrom: string;
  rcptTo: string[];
  remoteAddress: string;
}

export interface SmtpReceiverOptions {
  host?: string;
  /** 0 = random free port. */
  port?: number;
  /** Name announced in the greeting. */
  name?: string;
  /** Messages above this are refused with 552 (default 25 MiB). */
  maxBytes?: number;
  /** When set, clients must AUTH (PLAIN/LOGIN) with these credentials before sending. */
  auth?: { user: string; pass: string };
  /** Only these recipients (lower case addresses or "@domain") are accepted; others get 550. */
  acceptRecipients?: string[];
  /** TLS key/cert for STARTTLS; without them STARTTLS is not offered. */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Extra RCPT check for tests (injected failures): return an error to refuse the recipient. */
  checkRecipient?(address: string): Error | undefined;
  onMessage(raw: Buffer, envelope: SmtpEnvelope): Promise<void>;
}

export interface SmtpReceiver {
  host: string;
  port: number;
  close(): Promise<void>;
}

/** Thrown by onMessage: a permanent answer (5xx) instead of the 451 any other failure gets. */
export class SmtpRejection extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}
export const smtpRejection = (code: number, message: string) => new SmtpRejection(code, message);

export function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

function recipientAllowed(address: string, accept: string[] | undefined): boolean {
  if (!accept || accept.length === 0) return true;
  const a = address.toLowerCase();
  return accept.some((r) => (r.startsWith("@") ? a.endsWith(r.toLowerCase()) : a === r.toLowerCase()));
}

export async function startSmtpReceiver(opts: SmtpReceiverOptions): Promise<SmtpReceiver> {
  const host = opts.host ?? "127.0.0.1";
  const maxBytes = opts.maxBytes ?? 25 * 1024 * 1024;
  const server = new SMTPServer({
    name: opts.name ?? "aduan",
    banner: "Aduan complaint intake",
    logger: false,
    size: maxBytes,
    ...(opts.tls ? { key: opts.tls.key, cert: opts.tls.cert } : {}),
    disabledCommands: [...(opts.tls ? [] : ["STARTTLS"]), ...(opts.auth ? [] : ["AUTH"])],
    authOptional: !opts.auth,
    allowInsecureAuth: true,
    authMethods: ["PLAIN", "LOGIN"],
    onAuth(auth, _session, cb) {
      const ok = opts.auth && auth.username === opts.auth.user && auth.password === opts.auth.pass;
      if (!ok) return cb(smtpError(535, "5.7.8 Authentication credentials invalid"));
      cb(null, { user: auth.username });
    },
    onRcptTo(address: SMTPServerAddress, _session, cb) {
      const injected = opts.checkRecipient?.(address.address);
      if (injected) return cb(injected);
      if (!recipientAllowed(address.address, opts.acceptRecipients)) return cb(smtpError(550, "5.1.1 No such mailbox here"));
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("error", (err) => cb(err));
      stream.on("end", () => {
        if (stream.sizeExceeded) return cb(smtpError(552, "5.3.4 Message too big"));
        const envelope: SmtpEnvelope = {
          mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          rcptTo: session.envelope.rcptTo.map((r) => r.address),
          remoteAddress: session.remoteAddress,
        };
        opts.onMessage(Buffer.concat(chunks), envelope).then(
          () => cb(null, "2.0.0 Accepted"),
          (err: unknown) => cb(err instanceof SmtpRejection ? smtpError(err.code, err.message) : smtpError(451, "4.3.0 Temporary failure storing the message, try again later")),
        );
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  server.on("error", () => undefined);
  const port = (server.server.address() as AddressInfo).port;
  return {
    host,
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
