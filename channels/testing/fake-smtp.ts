// A fake SMTP submission server (smtp-server through our own receiver) that keeps every message.
import { smtpError, startSmtpReceiver, type SmtpEnvelope } from "../email/smtp-receiver.js";
import { FailureSwitch } from "./local-server.js";

export interface FakeSmtpMessage {
  envelope: SmtpEnvelope;
  raw: Buffer;
}

export interface FakeSmtp {
  host: string;
  port: number;
  messages: FakeSmtpMessage[];
  /** Refuse the next `count` recipients with this SMTP reply code (451 temporary, 550 permanent…). */
  failNext(count: number, code: number, message?: string): void;
  close(): Promise<void>;
}

export async function startFakeSmtp(opts: { user?: string; pass?: string } = {}): Promise<FakeSmtp> {
  const messages: FakeSmtpMessage[] = [];
  const failures = new FailureSwitch<{ code: number; message: string }>();
  const receiver = await startSmtpReceiver({
    ...(opts.user !== undefined ? { auth: { user: opts.user, pass: opts.pass ?? "" } } : {}),
    checkRecipient() {
      const f = failures.take();
      return f ? smtpError(f.code, f.message) : undefined;
    },
    onMessage: async (raw, envelope) => void messages.push({ raw, envelope }),
  });
  return {
    host: receiver.host,
    port: receiver.port,
    messages,
    failNext: (count, code, message) =>
      failures.next(count, { code, message: message ?? (code >= 500 ? "5.1.1 Recipient address rejected" : "4.7.1 Try again later") }),
    close: receiver.close,
  };
}
