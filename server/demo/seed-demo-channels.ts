import { allConnectors } from "../ingest/connectors.js";
import { saveChannelAccount } from "../commands/save-channel-account.js";
import { SYSTEM_ACTOR } from "../commands/append-audit-event.js";
import type { Config } from "../config/env.js";
import { ChannelAccount } from "../entities/channel-account.entity.js";
import type { Db } from "../lib/db.js";

/**
 * Demo credentials, one account per connector: good enough for the simulator (which signs its
 * webhooks with them) and for trying the console; real providers reject them.
 */
export const DEMO_CHANNEL_CONFIGS: Record<string, { name: string; config: Record<string, unknown> }> = {
  "twilio-sms": {
    name: "SMS Pusat Kendali (demo)",
    config: { accountSid: `AC${"0".repeat(31)}1`, authToken: "demo-twilio-auth-token-0001", fromNumber: "+6281100000001" },
  },
  telegram: {
    name: "Bot Telegram @AduanDemoBot (demo)",
    config: { botToken: "123456789:AAdemo-token-for-the-simulator-000000", secretToken: "demo-telegram-secret-token-0001", botUsername: "AduanDemoBot" },
  },
  email: {
    name: "Kotak surat aduan@demo.aduan.id (demo)",
    config: {
      smtp: { host: "127.0.0.1", port: 2525, from: "Aduan Demo <aduan@demo.aduan.id>" },
      // No IMAP mailbox exists in the demo: mail is received by the server's own SMTP receiver on
      // a free local port (nothing to connect to, so no start-up warnings); `npm run simulate --
      // email` feeds the same ingest path.
      smtpInbound: { host: "127.0.0.1", port: 0, acceptRecipients: ["aduan@demo.aduan.id"] },
    },
  },
  web: { name: "Formulir web /lapor", config: { formSecret: "demo-web-form-secret-0123456789abcdef" } },
  "whatsapp-cloud": {
    name: "WhatsApp resmi (Cloud API, demo)",
    config: {
      phoneNumberId: "100000000000001",
      verifyToken: "demo-meta-verify-token-0001",
      appSecret: "0123456789abcdef0123456789abcdef",
      accessToken: "EAADemoAccessTokenForTheSimulator000001",
      templates: [{ name: "tindak_lanjut_aduan", language: "id", body: "Halo, ada kabar baru untuk aduan {{1}}: {{2}}. Balas pesan ini untuk melanjutkan." }],
    },
  },
  facebook: {
    name: "Halaman Facebook Pemprov (demo)",
    config: { pageId: "100000000000002", verifyToken: "demo-meta-verify-token-0001", appSecret: "0123456789abcdef0123456789abcdef", accessToken: "EAADemoPageTokenForTheSimulator0000001" },
  },
  instagram: {
    name: "Instagram @pemprov (demo)",
    config: { instagramAccountId: "17841400000000003", verifyToken: "demo-meta-verify-token-0001", appSecret: "0123456789abcdef0123456789abcdef", accessToken: "EAADemoPageTokenForTheSimulator0000001" },
  },
  x: {
    name: "X @pemprov (demo)",
    config: { userId: "1470000000000000004", username: "pemprov", consumerKey: "demo-consumer-key-0001", consumerSecret: "demo-consumer-secret-0123456789abcdef", accessToken: "1470000000000000004-demotoken", accessTokenSecret: "demo-access-token-secret-0001" },
  },
  "twilio-voice": {
    name: "Telepon pengaduan (IVR, demo)",
    config: { accountSid: `AC${"0".repeat(31)}1`, authToken: "demo-twilio-auth-token-0001", phoneNumber: "+6271100000001", smsFrom: "+6281100000001", operatorClients: ["operator-demo"] },
  },
  // Only with the demo sandbox (server/demo/sandbox/), which keeps its session on a page of its
  // own: without it the session would start Chromium and try to reach WhatsApp (no login, no
  // internet on a demo box). For a real number, add an account in the console and scan its QR code.
  "whatsapp-web": { name: "WhatsApp Web (demo, sandbox)", config: { phoneNumber: "+6281100000009" } },
};

/** Connectors whose demo account exists only while the sandbox is on. */
const SANDBOX_ONLY = new Set(["whatsapp-web"]);

/**
 * Creates the demo accounts the registry has connectors for, once (nothing if any account exists).
 * With the sandbox on, also the sandbox-only ones that are missing (an older demo database).
 */
export async function seedDemoChannels(db: Db, config: Config, at: Date, opts: { sandbox?: boolean } = {}): Promise<{ created: number }> {
  const repo = db.manager.getRepository(ChannelAccount);
  const fresh = (await repo.count()) === 0;
  const wanted: string[] = [];
  for (const c of allConnectors()) {
    if (!DEMO_CHANNEL_CONFIGS[c.id]) continue;
    if (SANDBOX_ONLY.has(c.id) ? opts.sandbox && (await repo.countBy({ connector: c.id })) === 0 : fresh) wanted.push(c.id);
  }
  if (!wanted.length) return { created: 0 };
  let created = 0;
  await db.tx(async (m) => {
    for (const id of wanted) {
      const demo = DEMO_CHANNEL_CONFIGS[id]!;
      const out = await saveChannelAccount(m, { actor: SYSTEM_ACTOR, at, secretKey: config.sessionSecret }, config.encryptionKey, null, { connector: id, name: demo.name, config: demo.config });
      if (out.kind === "ok") created++;
    }
  });
  return { created };
}
