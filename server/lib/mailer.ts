import { createTransport, type Transporter } from "nodemailer";
import type { SendMail } from "../commands/email-notifications.js";

const transports = new Map<string, Transporter>();

/** An SMTP sender from SMTP_URL (smtp://user:pass@host:port or smtps://…), pooled per URL. */
export function smtpMailer(url: string, from: string): SendMail {
  let transport = transports.get(url);
  if (!transport) {
    transport = createTransport({ url, pool: true, maxConnections: 2 } as Parameters<typeof createTransport>[0]);
    transports.set(url, transport);
  }
  const t = transport;
  return async (mail) => {
    await t.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text, attachments: mail.attachments });
  };
}

/** Closes pooled SMTP connections (shutdown). */
export function closeMailers(): void {
  for (const t of transports.values()) t.close();
  transports.clear();
}
