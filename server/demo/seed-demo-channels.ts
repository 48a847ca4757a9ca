import { allConnectors } from "../channels/connectors.js";
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
};

/** Creates the demo accounts the registry has connectors for, once (nothing if any account exists). */
export async function seedDemoChannels(db: Db, config: Config, at: Date): Promise<{ created: number }> {
  if ((await db.manager.getRepository(ChannelAccount).count()) > 0) return { created: 0 };
  let created = 0;
  await db.tx(async (m) => {
    for (const c of allConnectors()) {
      const demo = DEMO_CHANNEL_CONFIGS[c.id];
      if (!demo) continue;
      const out = await saveChannelAccount(m, { actor: SYSTEM_ACTOR, at, secretKey: config.sessionSecret }, config.encryptionKey, null, { connector: c.id, name: demo.name, config: demo.config });
      if (out.kind === "ok") created++;
    }
  });
  return { created };
}
