// npm run simulate -- <channel> [from] ["text"] [--subject "…"] [--wait seconds]
//   npm run simulate -- sms 081234567890 "Jalan berlubang di depan pasar"
//   npm run simulate -- telepon 081234567890 "…"       (a call to the IVR that leaves a recording)
//   npm run simulate -- whatsapp 081234567890 "…"      (WhatsApp Cloud API; whatsapp-web for the Web session)
//   npm run simulate -- telegram @budi "…"   email warga@example.id "…"   facebook|instagram|x @user "…"
//   npm run simulate -- web warga@example.id "…"        (the /lapor form, as a browser fills it in)
// Every connector of the registry can be named by its id too (twilio-sms, whatsapp-cloud…).
//
// Plays the citizen for a newcomer without provider accounts, against the running server at
// http://127.0.0.1:PORT (or SIMULATE_URL). With the demo sandbox on (the embedded demo), the
// message goes through /demo/warga/kirim — the provider's signed webhook, the demo mailbox's SMTP
// receiver or the WhatsApp Web session — and the simulator then prints what the citizen's phone
// received (the acknowledgement with ticket number and tracking link), waiting up to --wait
// seconds. Without the sandbox it signs the webhook itself with the account's credentials from
// the database (same DATABASE_URL / DATA_DIR as the server) and posts it; replies then go to the
// real providers.
import { CONNECTOR_ALIASES, defaultCitizen, resolveSimulatorConnector } from "../demo/sandbox/simulator-support.js";
import { citizenMessageRequest, postToServer } from "../demo/sandbox/provider-wire.js";
import { loadConfig } from "../config/env.js";
import { findTicketNumber } from "../../channels/rules/ticket-number.js";

function usage(): never {
  console.error(`usage: npm run simulate -- <${Object.keys(CONNECTOR_ALIASES).join("|")}|connector id> [from] ["text"] [--subject "…"] [--wait seconds]`);
  process.exit(2);
}

const args = process.argv.slice(2);
const option = (name: string) => {
  const at = args.indexOf(name);
  return at >= 0 ? args.splice(at, 2)[1] : undefined;
};
const subject = option("--subject");
const waitSeconds = Number(option("--wait") ?? "10");
const [kind, fromArg, ...words] = args;
if (!kind) usage();
const connectorId = resolveSimulatorConnector(kind);
if (!connectorId) usage();
const from = fromArg ?? defaultCitizen(connectorId);
const text = words.join(" ").trim() || "Lampu penerangan jalan di depan rumah saya mati sejak seminggu, mohon diperbaiki.";

const config = loadConfig();
const target = (process.env.SIMULATE_URL ?? `http://127.0.0.1:${config.port}`).replace(/\/+$/, "");

type FeedEntry = { id: number; direction: "in" | "out"; text: string; subject?: string; status?: string };
type Feed = { channels: { channel: string; address: string; entries: FeedEntry[] }[] };

async function feed(): Promise<Feed | undefined> {
  const res = await fetch(`${target}/demo/warga/feed.json?c=${encodeURIComponent(from)}`);
  return res.ok ? ((await res.json()) as Feed) : undefined;
}

const STATUS: Record<string, string> = { queued: "antre/queued", accepted: "antre/queued", sent: "terkirim/sent", delivered: "diterima/delivered", read: "dibaca/read", failed: "gagal/failed" };

/** Waits for what the citizen receives after `afterId`, prints it, and returns whether anything came. */
async function printReplies(afterId: number): Promise<boolean> {
  const deadline = Date.now() + waitSeconds * 1000;
  let seen: FeedEntry[] = [];
  let last = "";
  let still = 0;
  while (Date.now() < deadline) {
    const f = await feed();
    seen = f ? f.channels.flatMap((c) => c.entries.filter((e) => e.direction === "in" && e.id > afterId).map((e) => ({ ...e, channel: c.channel }))) : [];
    // Once something came, until its receipts settle (queued -> sent -> delivered).
    const now = JSON.stringify(seen.map((e) => [e.id, e.status]));
    still = now === last ? still + 1 : 0;
    last = now;
    if (seen.length && still >= 3 && seen.every((e) => e.status !== "queued" && e.status !== "accepted")) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  for (const e of seen as (FeedEntry & { channel: string })[]) {
    console.log(`← the citizen received on ${e.channel}${e.status ? ` (${STATUS[e.status] ?? e.status})` : ""}:${e.subject ? ` [${e.subject}]` : ""}\n  ${e.text.replace(/\n/g, "\n  ")}`);
  }
  if (!seen.length) console.log(`← nothing reached the citizen within ${waitSeconds} s (a message added to an open ticket gets no new acknowledgement)`);
  return seen.length > 0;
}

async function lastId(): Promise<number> {
  const f = await feed();
  return Math.max(0, ...(f?.channels.flatMap((c) => c.entries.map((e) => e.id)) ?? []));
}

async function viaWebForm(): Promise<boolean> {
  // As a browser: load the form (its signed token), take a human's few seconds, send it.
  const form = await fetch(`${target}/lapor`);
  const html = await form.text();
  if (!form.ok) throw new Error(`GET /lapor answered ${form.status}`);
  const token = /name="_token" value="([^"]+)"/.exec(html)?.[1];
  const category = /<select[^>]*name="kategori"[^>]*>[\s\S]*?<option value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error("the /lapor form has no token");
  await new Promise((r) => setTimeout(r, 3200));
  const fields: Record<string, string> = { _token: token, uraian: text, nama: "Warga Simulasi", privasi: "publik", ...(category ? { kategori: category } : {}) };
  if (from.includes("@")) fields.email = from;
  else fields.telepon = from;
  const res = await fetch(`${target}/lapor`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(fields).toString() });
  const page = await res.text();
  const number = findTicketNumber(page);
  console.log(`→ web form from ${from}: ${res.status}${number ? `, ticket ${number}` : ""}`);
  return res.ok && !!number;
}

async function viaSandbox(): Promise<"off" | boolean> {
  const before = await lastId();
  const res = await fetch(`${target}/demo/warga/kirim`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ c: from, connector: connectorId, text, ...(subject ? { subject } : {}) }) });
  if (res.status === 404) return "off";
  const out = (await res.json()) as { ok: boolean; reason?: string; address?: string; results?: string[] };
  console.log(`→ ${connectorId} from ${out.address ?? from}: ${out.ok ? `accepted by the server${out.results?.length ? ` (${out.results.join(", ")})` : ""}` : `refused (${res.status}): ${out.reason}`}`);
  if (!out.ok) return false;
  await printReplies(before);
  return true;
}

/** Without the sandbox: sign the provider's webhook with the account's stored credentials. */
async function direct(): Promise<boolean> {
  const { openDirect } = await import("../demo/sandbox/simulator-support.js");
  const account = await openDirect(config, connectorId!);
  try {
    if (!account.ok) {
      console.error(account.reason);
      return false;
    }
    const req = citizenMessageRequest(connectorId!, { from, text, config: account.config, webhookUrl: account.webhookUrl });
    if (!req) {
      console.error(`${connectorId} has no webhook: with the demo sandbox off, write to the mailbox or the WhatsApp Web number for real`);
      return false;
    }
    const res = await postToServer(target, req);
    console.log(`→ ${connectorId} from ${from}: webhook ${res.status} ${await res.text()}`);
    console.log("  (the demo sandbox is off: the reply goes to the real provider)");
    return res.ok;
  } finally {
    await account.close();
  }
}

try {
  let ok: boolean;
  if (connectorId === "web") {
    const before = await lastId().catch(() => 0);
    ok = await viaWebForm();
    if (ok && (await feed().catch(() => undefined))) await printReplies(before);
  } else {
    const r = await viaSandbox();
    ok = r === "off" ? await direct() : r;
  }
  process.exitCode = ok ? 0 : 1;
} catch (err) {
  console.error(`cannot reach the server at ${target}: ${(err as Error).message} (start it with npm start, or set SIMULATE_URL)`);
  process.exitCode = 1;
}
