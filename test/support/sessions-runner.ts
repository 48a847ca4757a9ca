// A sessions process for tests (test/e2e/channels-whatsapp-web-failover): the real supervisor and
// lease on the test's database, with the whatsapp-web connector talking to a stand-in WhatsApp
// Web page (channels/testing/fake-whatsapp-web.ts) instead of Chromium. Configured by RUNNER_JSON.
import { fakeWhatsappWebClientFactory } from "../../channels/testing/index.js";
import { createWhatsappWebConnector } from "../../channels/whatsapp-web/whatsapp-web.connector.js";
import { createDataSource, type DataSourceSettings } from "../../server/config/data-source.js";
import type { Config } from "../../server/config/env.js";
import { findConnector } from "../../server/ingest/connectors.js";
import { Db } from "../../server/lib/db.js";
import { systemClock } from "../../server/lib/clock.js";
import { createLogger } from "../../server/lib/logger.js";
import { startSessions } from "../../server/sessions/supervisor.js";

const input = JSON.parse(process.env.RUNNER_JSON ?? "{}") as { settings: DataSourceSettings; config: Config & { encryptionKey: string }; pageUrl: string; owner: string };
const ds = createDataSource(input.settings);
await ds.initialize();
const db = new Db(ds);
const config = { ...input.config, encryptionKey: Buffer.from(input.config.encryptionKey, "base64") } as Config;
const whatsappWeb = createWhatsappWebConnector(fakeWhatsappWebClientFactory(input.pageUrl));
const sessions = await startSessions(
  { db, config, clock: systemClock, logger: createLogger("silent") },
  { owner: input.owner, connectorFor: (id) => (id === "whatsapp-web" ? whatsappWeb : findConnector(id)) },
);
process.stdout.write("ready\n");
process.on("SIGTERM", () => {
  void sessions.stop().then(() => db.close()).finally(() => process.exit(0));
});
