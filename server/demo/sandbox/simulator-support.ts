// What `npm run simulate` knows about each connector: the words a newcomer types for it and a
// default citizen. Every connector of the registry must be here (a test iterates the registry).
import { findConnector, openConfig, webhookUrlOf } from "../../ingest/connectors.js";
import type { Config } from "../../config/env.js";
import { createDataSource } from "../../config/data-source.js";
import { Db } from "../../lib/db.js";
import { demoAccountOf } from "./citizen.js";

/** Short names (as a person says them) -> connector ids. */
export const CONNECTOR_ALIASES: Record<string, string> = {
  sms: "twilio-sms",
  telepon: "twilio-voice",
  voice: "twilio-voice",
  call: "twilio-voice",
  whatsapp: "whatsapp-cloud",
  wa: "whatsapp-cloud",
  telegram: "telegram",
  email: "email",
  facebook: "facebook",
  instagram: "instagram",
  x: "x",
  web: "web",
};

/** The citizen the simulator writes as when none is given, per connector. */
export const SIMULATOR_CITIZENS: Record<string, string> = {
  "twilio-sms": "081234567890",
  "twilio-voice": "081234567890",
  "whatsapp-cloud": "081234567890",
  "whatsapp-web": "081234567890",
  telegram: "@warga_demo",
  email: "warga@example.id",
  facebook: "@warga_demo",
  instagram: "@warga_demo",
  x: "@warga_demo",
  web: "warga@example.id",
};

export function resolveSimulatorConnector(word: string): string | undefined {
  const id = CONNECTOR_ALIASES[word.toLowerCase()] ?? word.toLowerCase();
  return findConnector(id) && id in SIMULATOR_CITIZENS ? id : undefined;
}

export const defaultCitizen = (connectorId: string) => SIMULATOR_CITIZENS[connectorId] ?? "081234567890";

/** The connector's first active account, its config and webhook URL, from the server's database. */
export async function openDirect(config: Config, connectorId: string): Promise<({ ok: true; config: Record<string, unknown>; webhookUrl: string } | { ok: false; reason: string }) & { close(): Promise<void> }> {
  const ds = createDataSource({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  await ds.initialize();
  const db = new Db(ds);
  const close = () => db.close();
  const connector = findConnector(connectorId)!;
  const account = await demoAccountOf(db, connectorId);
  if (!account) return { ok: false, reason: `no active ${connectorId} account: start the server once with demo data (DEMO_DATA=1), or create one in the console`, close };
  const opened = openConfig(config.encryptionKey, connector, account);
  if (!opened.ok) return { ok: false, reason: `account ${account.id}: ${opened.reason}`, close };
  return { ok: true, config: opened.config as Record<string, unknown>, webhookUrl: webhookUrlOf(config.publicUrl, account), close };
}
