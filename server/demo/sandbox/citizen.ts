// A citizen writes on a channel, through the demo sandbox: the provider's signed webhook to our
// own server (or, for e-mail, SMTP to the demo mailbox's receiver; for WhatsApp Web, the
// session's page). Used by /demo/warga and by `npm run simulate` (through /demo/warga/kirim).
import { createTransport } from "nodemailer";
import { findConnector, openConfig, webhookUrlOf } from "../../ingest/connectors.js";
import type { Config } from "../../config/env.js";
import { ChannelAccount } from "../../entities/channel-account.entity.js";
import type { Db } from "../../lib/db.js";
import { citizenAddress, citizenEmail, citizenMessageRequest, postToServer } from "./provider-wire.js";
import type { DemoSandbox } from "./sandbox.js";

/** What the citizen can use, in the order the page shows them; `web` is the /lapor form itself. */
export const CITIZEN_CONNECTORS = ["twilio-sms", "twilio-voice", "whatsapp-cloud", "whatsapp-web", "telegram", "email", "facebook", "instagram", "x", "web"] as const;

/** `results`: what our webhook did with it (created, appended, duplicate…), when it says so. */
export type CitizenSendResult = { ok: true; connector: string; address: string; results?: string[] } | { ok: false; status: number; reason: string };

export interface CitizenDeps {
  db: Db;
  config: Pick<Config, "publicUrl" | "encryptionKey">;
  sandbox: DemoSandbox;
}

/** The first active account of a connector (the demo has one each). */
export async function demoAccountOf(db: Db, connectorId: string): Promise<ChannelAccount | null> {
  return db.manager.getRepository(ChannelAccount).findOne({ where: { connector: connectorId, active: true }, order: { id: "ASC" } });
}

const addressOnly = (s: string) => /<([^<>]+)>/.exec(s)?.[1] ?? s.trim();

export async function sendAsCitizen(deps: CitizenDeps, input: { connector: string; from: string; text: string; subject?: string | undefined }): Promise<CitizenSendResult> {
  const connector = findConnector(input.connector);
  if (!connector) return { ok: false, status: 404, reason: `no connector ${input.connector}` };
  if (input.connector === "web") return { ok: false, status: 400, reason: "the web form is /lapor itself" };
  const account = await demoAccountOf(deps.db, input.connector);
  if (!account) return { ok: false, status: 409, reason: `no active ${input.connector} account` };
  const opened = openConfig(deps.config.encryptionKey, connector, account);
  if (!opened.ok) return { ok: false, status: 409, reason: opened.reason };
  const config = opened.config as Record<string, any>;
  const { sandbox } = deps;
  const who = citizenAddress(input.connector, input.from);

  if (input.connector === "email") {
    const to = config.smtpInbound?.acceptRecipients?.find((r: string) => r.includes("@") && !r.startsWith("@")) ?? addressOnly(String(config.smtp?.from ?? ""));
    // A reply threads on the last mail the citizen got from us, as a mail client's "Reply" does.
    const last = [...sandbox.conversation("email", who.address)].reverse().find((e) => e.direction === "in");
    const subject = input.subject ?? (last?.subject ? (/^re:/i.test(last.subject) ? last.subject : `Re: ${last.subject}`) : input.text.split(/\s+/).slice(0, 8).join(" "));
    const mail = citizenEmail({ from: who.address, to, subject, text: input.text, ...(last?.externalId ? { inReplyTo: last.externalId } : {}) });
    const transport = createTransport({ host: "127.0.0.1", port: sandbox.inboundMailPort, secure: false, ignoreTLS: true });
    try {
      await transport.sendMail({ envelope: { from: who.address, to }, raw: mail.raw });
    } catch (err) {
      return { ok: false, status: 502, reason: `the demo mailbox did not take the mail (is the sessions role running in this process?): ${(err as Error).message}` };
    } finally {
      transport.close();
    }
    sandbox.recordFromCitizen("email", input.from, input.text, subject);
    return { ok: true, connector: input.connector, address: who.address };
  }

  if (input.connector === "whatsapp-web") {
    if (!sandbox.whatsappWebFromCitizen(account.id, who.address, input.text, who.name)) {
      return { ok: false, status: 503, reason: "the WhatsApp Web demo session is not running in this process (sessions role)" };
    }
    sandbox.recordFromCitizen("whatsapp-web", input.from, input.text);
    return { ok: true, connector: input.connector, address: who.address };
  }

  const req = citizenMessageRequest(input.connector, {
    from: input.from,
    text: input.text,
    config,
    webhookUrl: webhookUrlOf(deps.config.publicUrl, account),
    // The recording is served by the sandbox's Twilio (the connector rebases it there).
    ...(input.connector === "twilio-voice" ? { recordingUrl: `https://api.twilio.com/2010-04-01/Accounts/${String(config.accountSid)}/Recordings/RE${Date.now().toString(16).padStart(32, "0")}` } : {}),
  });
  if (!req) return { ok: false, status: 400, reason: `${input.connector} has no webhook to write to` };
  // Shown before the answer, as on a phone: what the citizen sent comes first.
  const entry = sandbox.recordFromCitizen(input.connector, input.from, input.connector === "twilio-voice" ? `📞 ${input.text}` : input.text);
  const res = await postToServer(sandbox.localUrl, req);
  if (!res.ok) {
    if (entry) entry.status = "failed";
    return { ok: false, status: 502, reason: `our webhook answered ${res.status}: ${(await res.text()).slice(0, 300)}` };
  }
  const answer = await res.text();
  let results: string[] | undefined;
  try {
    const r = (JSON.parse(answer) as { results?: unknown }).results;
    if (Array.isArray(r)) results = r.map(String);
  } catch {
    /* TwiML or another provider-specific answer */
  }
  return { ok: true, connector: input.connector, address: who.address, ...(results ? { results } : {}) };
}
