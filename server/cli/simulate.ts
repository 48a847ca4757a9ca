// npm run simulate -- sms +6281234567890 "Jalan berlubang di depan pasar"
// npm run simulate -- telegram 5550001 "Lampu jalan mati"      (a Telegram user id)
// npm run simulate -- email warga@example.com "Sampah menumpuk"  [--subject "…"]
//
// Plays the provider for a newcomer without provider accounts: finds the demo channel account in
// the database (same DATABASE_URL / DATA_DIR as the server), and sends the server a webhook signed
// exactly like Twilio / Telegram would, at http://127.0.0.1:PORT (or SIMULATE_URL), over the public
// URL (PUBLIC_URL) the signature covers. E-mail has no webhook: the message is handed to the same
// ingest the mailbox session uses, and the running worker sends the acknowledgement.
import { randomBytes } from "node:crypto";
import { twilioSignature } from "../../channels/testing.js";
import { findConnector, openConfig, webhookUrlOf } from "../channels/connectors.js";
import { inboundSink } from "../channels/inbound-sink.js";
import { loadConfig } from "../config/env.js";
import { createDataSource } from "../config/data-source.js";
import { ChannelAccount } from "../entities/channel-account.entity.js";
import { systemClock } from "../lib/clock.js";
import { Db } from "../lib/db.js";
import { createLogger } from "../lib/logger.js";

const CONNECTOR = { sms: "twilio-sms", telegram: "telegram", email: "email" } as const;
type Kind = keyof typeof CONNECTOR;

function usage(): never {
  console.error('usage: npm run simulate -- <sms|telegram|email> <from> "<text>" [--subject "<e-mail subject>"]');
  process.exit(2);
}

const args = process.argv.slice(2);
const subjectAt = args.indexOf("--subject");
const subject = subjectAt >= 0 ? args.splice(subjectAt, 2)[1] : undefined;
const [kind, from, ...words] = args;
const text = words.join(" ").trim();
if (!kind || !(kind in CONNECTOR) || !from || !text) usage();

const config = loadConfig();
const ds = createDataSource({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
await ds.initialize();
const db = new Db(ds);
const connectorId = CONNECTOR[kind as Kind];
const connector = findConnector(connectorId)!;
const account = await ds.getRepository(ChannelAccount).findOne({ where: { connector: connectorId, active: true }, order: { id: "ASC" } });
if (!account) {
  console.error(`no active ${connectorId} account: start the server once with demo data (DEMO_DATA=1), or create one in the console`);
  process.exit(1);
}
const opened = openConfig(config.encryptionKey, connector, account);
if (!opened.ok) {
  console.error(`account ${account.id}: ${opened.reason}`);
  process.exit(1);
}
const cfg = opened.config as Record<string, string>;
const target = (process.env.SIMULATE_URL ?? `http://127.0.0.1:${config.port}`).replace(/\/+$/, "");
const signedUrl = webhookUrlOf(config.publicUrl, account);
const path = new URL(signedUrl).pathname;

async function post(headers: Record<string, string>, body: string) {
  const res = await fetch(`${target}${path}`, { method: "POST", headers, body });
  console.log(`${res.status} ${res.statusText}\n${await res.text()}`);
  if (!res.ok) process.exitCode = 1;
}

try {
  if (kind === "sms") {
    const sid = `SM${randomBytes(16).toString("hex")}`;
    const params: Record<string, string> = {
      MessageSid: sid, SmsSid: sid, SmsMessageSid: sid, AccountSid: cfg.accountSid!, From: from, To: cfg.fromNumber ?? "+6281100000001",
      Body: text, NumMedia: "0", NumSegments: "1", SmsStatus: "received", ApiVersion: "2010-04-01",
    };
    await post(
      { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": twilioSignature(cfg.authToken!, signedUrl, params) },
      new URLSearchParams(params).toString(),
    );
  } else if (kind === "telegram") {
    const id = Number(from.replace(/\D/g, "")) || 5550001;
    const update = {
      update_id: Math.floor(Date.now() / 1000),
      message: { message_id: Math.floor(Math.random() * 1e9), from: { id, is_bot: false, first_name: "Warga" }, chat: { id, type: "private" }, date: Math.floor(Date.now() / 1000), text },
    };
    await post({ "content-type": "application/json", "x-telegram-bot-api-secret-token": cfg.secretToken! }, JSON.stringify(update));
  } else {
    const sink = inboundSink({ db, clock: systemClock, logger: createLogger("warn"), config }, account, (o) => {
      console.log(o.kind === "created" ? `ticket ${o.ticket.number} created` : o.kind === "appended" ? `added to ticket ${o.ticket.number}` : o.kind);
    });
    const id = `<sim.${randomBytes(8).toString("hex")}@simulator.aduan>`;
    await sink({
      kind: "message",
      message: {
        channelKind: "email", externalId: id, externalThreadId: id, sender: { externalId: from.toLowerCase(), email: from }, sentAt: new Date(),
        text, subject: subject ?? text.split(/\s+/).slice(0, 8).join(" "), attachments: [], raw: null,
      },
    });
    console.log("the running worker sends the acknowledgement through the account's SMTP server");
  }
} finally {
  await db.close();
}
