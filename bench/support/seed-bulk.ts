/**
 * Bulk seeding of a realistic complaint database for benchmarks (1M tickets in minutes):
 * OPDs, categories, users, citizens with channel identities, tickets over a period of months with a
 * share still open, forwards (disposisi) with their clocks, and 1–3 messages per ticket.
 *
 * Rows are written with multi-row INSERTs inside transactions (bulk-insert.ts), with explicit ids so
 * children can reference parents without reading back; parents are always written first, so foreign
 * keys are checked and hold. A seeded PRNG makes the data identical on every run and engine for the
 * same options (except `now`, which anchors the time line; pass it to freeze everything).
 *
 * The data follows the lifecycle rules (server/domain/ticket/lifecycle.ts) and the columns the
 * commands maintain: is_open / due_at of tickets and forwards are consistent with their statuses
 * (an open forward is pending or acknowledged and has due_at = created_at + 5 days; the ticket's due_at
 * is the nearest due time of its running clock; at most one open forward per ticket and OPD).
 */
import type { DataSource } from "typeorm";
import type { Db } from "../../server/lib/db.js";
import type { Role } from "../../server/domain/access/roles.js";
import type { ChannelKind } from "../../channels/rules/channel-kinds.js";
import type { TicketStatus, ForwardStatus } from "../../server/domain/ticket/lifecycle.js";
import { trackingSecretHash } from "../../server/commands/record-complaint.js";
import { hashPassword } from "../../server/lib/crypto.js";
import { BulkInserter, sqlTime, type BulkInserterOptions, type SqlValue } from "./bulk-insert.js";
import { cumulativeWeights, hash01, Rng } from "./prng.js";
import * as D from "./seed-data.js";

export interface SeedBulkOptions {
  tickets: number;
  /** Share of tickets still open (not closed, rejected or merged). Default 0.15; 1 = every ticket open (a backlog). */
  openShare?: number;
  /** Citizens. Default 30% of tickets (so ~3.3 tickets per citizen, a few frequent complainers). */
  contacts?: number;
  /** OPDs. Default 6. */
  agencies?: number;
  /** Default 20 (at most the number defined in seed-data.ts). */
  categories?: number;
  /** The tickets' received_at spread over this many months up to `now`. Default 24. */
  months?: number;
  /** Average forwards per forwarded ticket (distinct OPDs). Default 1.2. */
  forwardsPerForwardedTicket?: number;
  /** Messages per ticket, uniform in [min, max]. Default [1, 3]. */
  messagesPerTicket?: readonly [number, number];
  /** PRNG seed. Default 20260101. */
  seed?: number;
  /** End of the time line. Default: the current time. */
  now?: Date;
  /** HMAC key of tracking secrets (the server's SECRET_KEY in a benchmark). Default "bench-secret-key". */
  secretKey?: string;
  /** Password of every seeded user. Default BENCH_PASSWORD. */
  password?: string;
  /** Batch and transaction sizes. */
  insert?: BulkInserterOptions;
  /** Tickets written per chunk (tickets, then their forwards, then their messages). Default 2000. */
  chunk?: number;
  onProgress?: (p: SeedProgress) => void;
}

export interface SeedProgress {
  phase: "reference" | "contacts" | "tickets" | "done";
  /** Units of the phase done so far: contacts or tickets. */
  done: number;
  total: number;
}

export interface SeededUser {
  id: number;
  email: string;
  role: Role;
  agencyId: number | null;
}

export interface SeedBulkResult {
  ms: number;
  now: Date;
  counts: {
    agencies: number;
    categories: number;
    users: number;
    contacts: number;
    contactIdentities: number;
    tickets: number;
    openTickets: number;
    forwards: number;
    openForwards: number;
    messages: number;
  };
  /** Per OPD, busiest first by open forwards: what an OPD queue holds. */
  agencies: { id: number; code: string; shortName: string; forwards: number; openForwards: number }[];
  categories: { id: number; code: string; defaultAgencyId: number | null }[];
  users: SeededUser[];
  /** Password of every seeded user. */
  password: string;
  /** Ticket ids are firstTicketId..lastTicketId, in received order. */
  firstTicketId: number;
  lastTicketId: number;
  statusCounts: Partial<Record<TicketStatus, number>>;
}

export const BENCH_PASSWORD = "bench-password-1";

/** The tracking secret of a seeded ticket (its hash is stored), for public status page benchmarks. */
export const benchTrackingSecret = (number: string) => `bench-${number}`;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Due times of the seeded rows: calendar-day approximations of the default clocks (the queue bench reads due_at only). */
const VERIFY_FORWARD = 3 * DAY;
const OPD_FOLLOWUP = 5 * DAY;
const AUTO_CLOSE = 10 * DAY;
const JAKARTA_OFFSET = 7 * HOUR; // no daylight saving time

const OPEN_STATUSES: readonly TicketStatus[] = ["received", "verified", "forwarded", "in_progress", "answered", "resolved", "waiting_on_citizen", "returned", "reopened"];
const OPEN_WEIGHTS = cumulativeWeights([8, 5, 27, 28, 12, 3, 7, 5, 5]);
const CLOSED_STATUSES: readonly TicketStatus[] = ["closed", "rejected", "merged"];
const CLOSED_WEIGHTS = cumulativeWeights([86, 10, 4]);
const PRIVACY = ["publik", "anonim", "rahasia"] as const;
const PRIVACY_WEIGHTS = cumulativeWeights([70, 20, 10]);
const PRIORITY = ["normal", "high", "urgent", "low"] as const;
const PRIORITY_WEIGHTS = cumulativeWeights([84, 10, 3, 3]);
/** How strongly open tickets lean to the recent past: weight exp(-age/TAU) + FLOOR. */
const OPEN_TAU = 45 * DAY;
const OPEN_FLOOR = 0.1;

const TICKET_COLUMNS = [
  "id", "number", "tracking_secret_hash", "subject", "description", "channel", "contact_id", "category_id", "privacy", "status",
  "previous_status", "complaint_class", "priority", "assignee_user_id", "merged_into_id", "created_by_user_id", "location_text",
  "latitude", "longitude", "is_open", "due_at", "received_at", "verified_at", "forwarded_at", "first_response_at", "answered_at",
  "resolved_at", "closed_at", "waiting_since", "reopened_at", "created_at", "updated_at",
] as const;
const LOCATION_COLUMNS = ["ticket_id", "received_at", "latitude", "longitude"] as const;
const FORWARD_COLUMNS = [
  "id", "ticket_id", "agency_id", "forwarded_by_user_id", "instruction", "status", "is_open", "due_at", "assignee_user_id",
  "acknowledged_by_user_id", "acknowledged_at", "answered_by_user_id", "answered_at", "response", "return_reason",
  "returned_by_user_id", "returned_at", "created_at", "updated_at",
] as const;
const MESSAGE_COLUMNS = [
  "id", "ticket_id", "direction", "channel", "contact_id", "author_user_id", "forward_id", "subject", "body", "body_html",
  "channel_account_id", "external_id", "delivery_status", "sent_at", "created_at",
] as const;

/** Seeds into a freshly migrated, empty database (ids start at 1). Returns what it wrote. */
export async function seedBulk(db: Db, options: SeedBulkOptions): Promise<SeedBulkResult> {
  const started = Date.now();
  return db.serialized(async () => {
    const ins = await BulkInserter.open(db.ds, options.insert);
    try {
      const result = await seedWith(db.ds, ins, options);
      await ins.finish();
      // public_reports is derived (masked public rows): not written here but left to the backfill
      // (commands/backfill-public-reports.ts), as on an existing database; until it ran, public
      // pages compute their rows as before.
      await db.ds.query("UPDATE public_reports_backfill SET below_ticket_id = ? WHERE id = 1", [result.counts.tickets + 1]);
      result.ms = Date.now() - started;
      options.onProgress?.({ phase: "done", done: result.counts.tickets, total: result.counts.tickets });
      return result;
    } catch (err) {
      await ins.abort();
      throw err;
    }
  });
}

async function seedWith(ds: DataSource, ins: BulkInserter, o: SeedBulkOptions): Promise<SeedBulkResult> {
  const N = Math.floor(o.tickets);
  if (!(N > 0)) throw new Error("seedBulk: tickets must be positive");
  const seed = o.seed ?? 20260101;
  const openShare = o.openShare ?? 0.15;
  const C = Math.max(1, Math.floor(o.contacts ?? N * 0.3));
  const nAgencies = Math.max(1, o.agencies ?? 6);
  const nCategories = Math.max(1, Math.min(o.categories ?? 20, D.CATEGORIES.length));
  const months = o.months ?? 24;
  const fpt = Math.max(1, o.forwardsPerForwardedTicket ?? 1.2);
  const [msgMin, msgMax] = o.messagesPerTicket ?? [1, 3];
  const nowMs = (o.now ?? new Date()).getTime();
  const secretKey = o.secretKey ?? "bench-secret-key";
  const password = o.password ?? BENCH_PASSWORD;
  const chunk = o.chunk ?? 2000;
  const progress = o.onProgress ?? (() => undefined);
  const span = months * 30.4375 * DAY;
  const start = nowMs - span;
  const step = span / N;
  const q = (n: string) => (ins.mysql ? `\`${n}\`` : `"${n}"`);

  for (const t of ["tickets", "agencies", "contacts", "users"]) {
    const rows = await ins.query<{ n: number | string }[]>(`SELECT COUNT(*) AS n FROM ${q(t)}`);
    if (Number(rows[0]?.n) > 0) throw new Error(`seedBulk needs an empty, migrated database: ${t} has rows`);
  }

  // ---- reference data: OPDs, categories, users ---------------------------------------------------
  progress({ phase: "reference", done: 0, total: 1 });
  const refTime = sqlTime(start - 30 * DAY);
  const passwordHash = await hashPassword(password);
  const agencies = Array.from({ length: nAgencies }, (_, i) => {
    const a = D.AGENCIES[i];
    return {
      id: i + 1,
      code: a?.code ?? `OPD${i + 1}`,
      name: a?.name ?? `Organisasi Perangkat Daerah ${i + 1}`,
      shortName: a?.shortName ?? `OPD ${i + 1}`,
      weight: a?.weight ?? 5,
    };
  });
  const agencyWeights = cumulativeWeights(agencies.map((a) => a.weight));
  const categories = D.CATEGORIES.slice(0, nCategories).map((c, i) => ({
    ...c,
    id: i + 1,
    defaultAgencyId: c.agency != null && c.agency < nAgencies ? c.agency + 1 : null,
  }));
  const categoryWeights = cumulativeWeights(categories.map((c) => c.weight));

  const users: (SeededUser & { name: string })[] = [];
  const addUser = (role: Role, local: string, name: string, agencyId: number | null) =>
    users.push({ id: users.length + 1, email: `${local}@bench.aduan.test`, role, agencyId, name });
  addUser("admin", "admin", "Admin Aduan", null);
  for (let i = 1; i <= 2; i++) addUser("supervisor", `supervisor${i}`, `Supervisor ${i}`, null);
  for (let i = 1; i <= 12; i++) addUser("operator", `operator${String(i).padStart(2, "0")}`, `Operator ${i}`, null);
  const heads = new Map<number, number>();
  const staffOf = new Map<number, number[]>();
  for (const a of agencies) {
    addUser("opd_head", `kepala.${a.code.toLowerCase()}`, `Kepala ${a.shortName}`, a.id);
    heads.set(a.id, users.length);
    const staff: number[] = [];
    for (let s = 1; s <= 3; s++) {
      addUser("opd_staff", `staf${s}.${a.code.toLowerCase()}`, `Staf ${s} ${a.shortName}`, a.id);
      staff.push(users.length);
    }
    staffOf.set(a.id, staff);
  }
  const operators = users.filter((u) => u.role === "operator").map((u) => u.id);

  await ins.insert("agencies", ["id", "code", "name", "short_name", "head_user_id", "email", "active", "created_at", "updated_at"],
    agencies.map((a) => [a.id, a.code, a.name, a.shortName, heads.get(a.id)!, `${a.code.toLowerCase()}@bench.aduan.test`, true, refTime, refTime]));
  await ins.insert("categories", ["id", "code", "name", "name_en", "description", "default_agency_id", "complaint_class", "is_public", "active", "created_at", "updated_at"],
    categories.map((c) => [c.id, c.code, c.name, c.nameEn, null, c.defaultAgencyId, c.complaintClass, c.isPublic, true, refTime, refTime]));
  await ins.insert("users", ["id", "email", "name", "password_hash", "role", "agency_id", "phone", "locale", "active", "last_login_at", "created_at", "updated_at"],
    users.map((u) => [u.id, u.email, u.name, passwordHash, u.role, u.agencyId, null, "id", true, null, refTime, refTime]));
  await ins.checkpoint();

  // ---- citizens: who files which ticket (pre-pass), then contacts and identities -----------------
  const receivedAt = (i: number) => start + (i + hash01(seed, i)) * step;
  const rc = new Rng(seed + 1);
  const ticketContact = new Int32Array(N); // 0 = no contact (walk-in without details)
  const firstTicket = new Int32Array(C + 1).fill(-1);
  for (let i = 0; i < N; i++) {
    if (rc.chance(0.03)) continue;
    const cid = 1 + Math.min(C - 1, Math.floor(C * Math.pow(rc.next(), 1.3)));
    ticketContact[i] = cid;
    if (firstTicket[cid]! < 0) firstTicket[cid] = i;
  }
  const channelWeights = cumulativeWeights(D.CHANNEL_WEIGHTS);
  const primary = new Uint8Array(C + 1);
  const secondary = new Uint8Array(C + 1).fill(255);
  let identities = 0;
  {
    const contactCols = ["id", "name", "phone", "email", "merged_into_id", "created_at", "updated_at"];
    const identityCols = ["id", "contact_id", "channel", "address", "display_name", "created_at"];
    let cRows: SqlValue[][] = [];
    let iRows: SqlValue[][] = [];
    const flush = async () => {
      await ins.insert("contacts", contactCols, cRows);
      await ins.insert("contact_identities", identityCols, iRows);
      await ins.checkpoint();
      cRows = [];
      iRows = [];
    };
    for (let cid = 1; cid <= C; cid++) {
      const first = firstTicket[cid]!;
      const created = first >= 0 ? receivedAt(first) - rc.between(1_000, 60_000) : start + rc.next() * span;
      const name = `${rc.pick(D.FIRST_NAMES)} ${rc.pick(D.LAST_NAMES)}`;
      const p = rc.weighted(channelWeights);
      primary[cid] = p;
      const ch = D.CHANNELS[p]!;
      const phone = ch === "sms" || ch === "voice" || ch === "whatsapp" || rc.chance(0.6) ? `+628${1_100_000_000 + cid * 37}` : null;
      const email = ch === "email" || rc.chance(0.3) ? `${name.toLowerCase().replace(/ /g, ".")}.${cid}@mail.example` : null;
      const t = sqlTime(created);
      cRows.push([cid, name, phone, email, null, t, t]);
      const address = (c: ChannelKind): string | null => {
        switch (c) {
          case "sms": case "voice": case "whatsapp": return phone;
          case "email": return email;
          case "web": return email ?? phone ?? `web:${cid}`;
          case "telegram": return String(1_000_000_000 + cid * 13);
          default: return `${c}:${7_000_000_000 + cid * 11}`;
        }
      };
      iRows.push([++identities, cid, ch, address(ch)!, name, t]);
      if (rc.chance(0.2)) {
        const s = rc.weighted(channelWeights);
        const addr = s !== p ? address(D.CHANNELS[s]!) : null;
        if (addr) {
          secondary[cid] = s;
          iRows.push([++identities, cid, D.CHANNELS[s]!, addr, name, t]);
        }
      }
      if (cRows.length >= 5000) {
        await flush();
        progress({ phase: "contacts", done: cid, total: C });
      }
    }
    await flush();
    progress({ phase: "contacts", done: C, total: C });
  }

  // ---- tickets with their forwards and messages --------------------------------------------------
  const rng = new Rng(seed + 2);
  const meanOpenWeight = (OPEN_TAU / span) * (1 - Math.exp(-span / OPEN_TAU)) + OPEN_FLOOR;
  const counters = new Map<string, number>();
  const agencyForwards = new Map<number, { forwards: number; open: number }>(agencies.map((a) => [a.id, { forwards: 0, open: 0 }]));
  const statusCounts: Partial<Record<TicketStatus, number>> = {};
  let forwardId = 0;
  let messageId = 0;
  let openTickets = 0;
  let openForwards = 0;

  type Fwd = { agencyId: number; status: ForwardStatus; ack: number; ans: number; ret: number };
  let tRows: SqlValue[][] = [];
  let lRows: SqlValue[][] = [];
  let fRows: SqlValue[][] = [];
  let mRows: SqlValue[][] = [];

  for (let i = 0; i < N; i++) {
    const id = i + 1;
    const r = receivedAt(i);
    const age = nowMs - r;
    const contactId = ticketContact[i]! || null;
    const cat = categories[rng.weighted(categoryWeights)]!;
    const channel: ChannelKind = contactId
      ? D.CHANNELS[secondary[contactId] !== 255 && rng.chance(0.3) ? secondary[contactId]! : primary[contactId]!]!
      : rng.chance(0.5) ? "voice" : "web";

    const pOpen = Math.min(0.97, (openShare * (Math.exp(-age / OPEN_TAU) + OPEN_FLOOR)) / meanOpenWeight);
    const open = rng.next() < pOpen || openShare >= 1; // the draw happens either way: same data for the same seed
    let status: TicketStatus;
    if (open) status = age < 12 * HOUR ? (rng.chance(0.7) ? "received" : "verified") : OPEN_STATUSES[rng.weighted(OPEN_WEIGHTS)]!;
    else status = CLOSED_STATUSES[rng.weighted(CLOSED_WEIGHTS)]!;
    if (status === "merged" && id === 1) status = "rejected";

    // Time line as offsets from r; scaled down below if it would run past now.
    let verify = -1, fwd = -1, resolve = -1, close = -1, wait = -1, reopen = -1, reject = -1, merge = -1;
    let last = 0;
    const forwards: Fwd[] = [];
    const verified = status !== "received" && status !== "merged" && !(status === "rejected" && rng.chance(0.5));
    if (verified) last = verify = rng.between(0.5 * HOUR, 30 * HOUR);
    const forwarded = ["forwarded", "in_progress", "answered", "resolved", "returned", "reopened", "closed"].includes(status);
    if (forwarded) {
      last = fwd = verify + rng.between(0.2 * HOUR, 24 * HOUR);
      const extra = fpt - 1;
      const k = Math.min(nAgencies, 1 + Math.floor(extra) + (rng.next() < extra - Math.floor(extra) ? 1 : 0));
      const chosen: number[] = [cat.defaultAgencyId != null && rng.chance(0.85) ? cat.defaultAgencyId : agencies[rng.weighted(agencyWeights)]!.id];
      while (chosen.length < k) {
        const a = agencies[rng.weighted(agencyWeights)]!.id;
        if (!chosen.includes(a)) chosen.push(a);
      }
      chosen.forEach((agencyId, j) => {
        let s: ForwardStatus;
        switch (status) {
          case "forwarded": s = "pending"; break;
          case "in_progress": s = j === 0 ? "acknowledged" : rng.pick(["pending", "pending", "acknowledged", "answered"] as const); break;
          case "returned": s = "returned"; break;
          case "closed": s = j > 0 && rng.chance(0.08) ? "returned" : "answered"; break;
          default: s = "answered";
        }
        const ack = s === "acknowledged" || s === "answered" ? fwd + rng.between(1 * HOUR, 48 * HOUR) : -1;
        const ans = s === "answered" ? ack + rng.between(1 * DAY, 7 * DAY) : -1;
        const ret = s === "returned" ? fwd + rng.between(1 * HOUR, 3 * DAY) : -1;
        last = Math.max(last, ack, ans, ret);
        forwards.push({ agencyId, status: s, ack, ans, ret });
      });
    }
    const answeredOff = Math.max(-1, ...forwards.map((f) => f.ans));
    const firstAnswerOff = forwards.some((f) => f.ans >= 0) ? Math.min(...forwards.filter((f) => f.ans >= 0).map((f) => f.ans)) : -1;
    switch (status) {
      case "resolved": last = resolve = answeredOff + rng.between(0.5 * DAY, 4 * DAY); break;
      case "reopened": last = reopen = answeredOff + rng.between(1 * DAY, 9 * DAY); break;
      case "waiting_on_citizen": last = wait = verify + rng.between(1 * HOUR, 3 * DAY); break;
      case "rejected": last = reject = Math.max(verify, 0) + rng.between(0.5 * HOUR, 30 * HOUR); break;
      case "merged": last = merge = rng.between(0.5 * HOUR, 30 * HOUR); break;
      case "closed":
        if (rng.chance(0.5)) {
          resolve = answeredOff + rng.between(0.5 * DAY, 4 * DAY);
          last = close = resolve + rng.between(0, 3 * DAY);
        } else last = close = answeredOff + AUTO_CLOSE;
        break;
    }
    const room = Math.max(0, nowMs - MINUTE - r);
    const factor = last > room ? room / last : 1;
    const at = (off: number) => (off < 0 ? null : r + off * factor);
    const ts = (off: number) => (off < 0 ? null : sqlTime(r + off * factor));

    // Forward rows.
    const fwdAt = at(fwd);
    let due: number | null = null;
    const forwardIds: number[] = [];
    for (const f of forwards) {
      const fid = ++forwardId;
      forwardIds.push(fid);
      const isOpen = f.status === "pending" || f.status === "acknowledged";
      const fDue = isOpen ? fwdAt! + OPD_FOLLOWUP : null;
      if (fDue != null) due = due == null ? fDue : Math.min(due, fDue);
      const staff = staffOf.get(f.agencyId)!;
      const worker = staff[rng.int(staff.length)]!;
      const lastF = Math.max(fwd, f.ack, f.ans, f.ret);
      fRows.push([
        fid, id, f.agencyId, rng.pick(operators), rng.pick(D.INSTRUCTIONS), f.status, isOpen, fDue == null ? null : sqlTime(fDue),
        f.ack >= 0 ? worker : null, f.ack >= 0 ? worker : null, ts(f.ack), f.ans >= 0 ? worker : null, ts(f.ans),
        f.ans >= 0 ? rng.pick(D.RESPONSES) : null, f.ret >= 0 ? rng.pick(D.RETURN_REASONS) : null, f.ret >= 0 ? heads.get(f.agencyId)! : null,
        ts(f.ret), sqlTime(fwdAt!), sqlTime(at(lastF)!),
      ]);
      const stats = agencyForwards.get(f.agencyId)!;
      stats.forwards++;
      if (isOpen) {
        stats.open++;
        openForwards++;
      }
    }

    // The ticket's clock, as nextDue() in transition-ticket.ts computes it.
    switch (status) {
      case "received": case "verified": due = r + VERIFY_FORWARD; break;
      case "forwarded": case "in_progress": break; // nearest open forward, above
      case "answered": due = at(answeredOff)! + AUTO_CLOSE; break;
      case "resolved": due = at(resolve)! + AUTO_CLOSE; break;
      case "returned": due = at(Math.max(...forwards.map((f) => f.ret)))! + VERIFY_FORWARD; break;
      case "reopened": due = at(reopen)! + VERIFY_FORWARD; break;
      default: due = null;
    }

    // Number (ADU-YYMM-NNNNN, counted per month in Asia/Jakarta) and texts.
    const local = new Date(r + JAKARTA_OFFSET);
    const period = `${String(local.getUTCFullYear() % 100).padStart(2, "0")}${String(local.getUTCMonth() + 1).padStart(2, "0")}`;
    const seq = (counters.get(period) ?? 0) + 1;
    counters.set(period, seq);
    const number = `ADU-${period}-${String(seq).padStart(5, "0")}`;
    const place = `${rng.pick(D.STREETS)} No. ${1 + rng.int(250)}, Kel. ${rng.pick(D.KELURAHAN)}, Kec. ${rng.pick(D.KECAMATAN)}, ${rng.pick(D.CITIES)}`;
    const subject = `${rng.pick(cat.subjects)} di ${place.split(",")[1]!.trim()}`;
    const description = `${rng.pick(D.OPENINGS)} ${cat.name.toLowerCase()} di ${place}. ${rng.pick(cat.details)} ${rng.pick(cat.details)} ${rng.pick(D.CLOSINGS)}`.trim();
    const hasGeo = rng.chance(0.35);
    const lat = hasGeo ? Number((-6.9 + rng.between(-0.5, 0.5)).toFixed(7)) : null;
    const lng = hasGeo ? Number((107.6 + rng.between(-0.8, 0.8)).toFixed(7)) : null;
    // The map's index of geolocated tickets (setTicketLocation keeps it in the app).
    if (hasGeo) lRows.push([id, sqlTime(r), lat, lng]);
    const operator = verified && rng.chance(0.6) ? rng.pick(operators) : null;
    const isOpen = !["closed", "rejected", "merged"].includes(status);
    if (isOpen) openTickets++;
    statusCounts[status] = (statusCounts[status] ?? 0) + 1;
    tRows.push([
      id, number, trackingSecretHash(secretKey, benchTrackingSecret(number)), subject, description, channel, contactId, cat.id,
      PRIVACY[rng.weighted(PRIVACY_WEIGHTS)]!, status, status === "waiting_on_citizen" ? "verified" : null, cat.complaintClass,
      PRIORITY[rng.weighted(PRIORITY_WEIGHTS)]!, operator, status === "merged" ? Math.max(1, id - 1 - rng.int(500)) : null,
      channel === "voice" ? rng.pick(operators) : null, rng.chance(0.75) ? place : null,
      lat, lng,
      isOpen, due == null ? null : sqlTime(due), sqlTime(r), ts(verify), ts(fwd), ts(firstAnswerOff), ts(answeredOff),
      status === "reopened" ? null : ts(resolve), ts(close), ts(wait), ts(reopen), sqlTime(r), sqlTime(at(last)!),
    ]);

    // Messages: the complaint itself, then answers, the acknowledgement, a follow-up, a note.
    const nMessages = msgMin + rng.int(msgMax - msgMin + 1);
    const candidates: { at: number; row: (mid: number) => SqlValue[] }[] = [];
    forwards.forEach((f, j) => {
      if (f.ans < 0) return;
      const a = at(f.ans)!;
      candidates.push({ at: a, row: (mid) => [mid, id, "answer", channel, null, staffOf.get(f.agencyId)![0]!, forwardIds[j]!, null, rng.pick(D.RESPONSES), null, null, null, null, sqlTime(a), sqlTime(a)] });
    });
    const ackAt = r + Math.min(30_000, room);
    candidates.push({ at: ackAt, row: (mid) => [mid, id, "outbound", channel, null, null, null, null, `Laporan Anda kami terima dengan nomor ${number}. Pantau statusnya di laman status pengaduan.`, null, null, null, "delivered", sqlTime(ackAt), sqlTime(ackAt)] });
    const followAt = r + (last * factor) / 2 + 1;
    candidates.push({ at: followAt, row: (mid) => [mid, id, "inbound", channel, contactId, null, null, null, rng.pick(D.FOLLOW_UPS), null, null, null, null, sqlTime(followAt), sqlTime(followAt)] });
    const sorted = candidates.slice(0, Math.max(0, nMessages - 1)).sort((a, b) => a.at - b.at);
    mRows.push([++messageId, id, "inbound", channel, contactId, null, null, subject, description, null, null, null, null, sqlTime(r), sqlTime(r)]);
    for (const c of sorted) mRows.push(c.row(++messageId));

    if (tRows.length >= chunk || i === N - 1) {
      await ins.insert("tickets", TICKET_COLUMNS, tRows);
      await ins.insert("ticket_locations", LOCATION_COLUMNS, lRows);
      await ins.insert("forwards", FORWARD_COLUMNS, fRows);
      await ins.insert("messages", MESSAGE_COLUMNS, mRows);
      await ins.checkpoint();
      tRows = [];
      lRows = [];
      fRows = [];
      mRows = [];
      progress({ phase: "tickets", done: i + 1, total: N });
    }
  }

  await ins.insert("ticket_counters", ["period", "last_value"], [...counters].map(([p, v]) => [p, v]));

  return {
    ms: 0,
    now: new Date(nowMs),
    counts: {
      agencies: agencies.length,
      categories: categories.length,
      users: users.length,
      contacts: C,
      contactIdentities: identities,
      tickets: N,
      openTickets,
      forwards: forwardId,
      openForwards,
      messages: messageId,
    },
    agencies: agencies
      .map((a) => ({ id: a.id, code: a.code, shortName: a.shortName, forwards: agencyForwards.get(a.id)!.forwards, openForwards: agencyForwards.get(a.id)!.open }))
      .sort((a, b) => b.openForwards - a.openForwards),
    categories: categories.map((c) => ({ id: c.id, code: c.code, defaultAgencyId: c.defaultAgencyId })),
    users: users.map(({ id, email, role, agencyId }) => ({ id, email, role, agencyId })),
    password,
    firstTicketId: 1,
    lastTicketId: N,
    statusCounts,
  };
}
