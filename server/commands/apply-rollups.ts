/**
 * Keeps the wall's rollups (wall_rollup_days, wall_rollup_hours) up to date from the audit log,
 * incrementally: an audit event is applied exactly once, in a transaction that also moves the
 * consumer's cursor (rollup_state "wall") and records the applied ids above it (rollup_applied).
 *
 * Ids are not commit-ordered on MySQL/MariaDB, so the cursor is a low-water mark: every event with
 * id ≤ low_id is applied; above it, rollup_applied says which are. The mark moves up to the largest
 * id whose event is older than SETTLE_MS (by its own time), so an event committed late but within
 * SETTLE_MS of its time is still found. The state row is locked first (FOR UPDATE on MySQL, the
 * write lock on SQLite), so two processes running this at once apply each event once (on Galera
 * the loser of a certification conflict is retried by Db.tx and then finds nothing to apply).
 *
 * Run by the live stream's tailer after new events (server/live/hub.ts) and by the worker's
 * "wall-rollups" job every minute; the first run backfills the whole log, BATCH events at a time.
 */
import type { EntityManager } from "typeorm";
import { sqlTime, type Db } from "../lib/db.js";
import { placeholders } from "../lib/select-entities.js";

const SETTLE_MS = 60_000;
const BATCH = 2000;
const STATE = "wall";

/** Which audit event counts where. */
const COUNTS: Record<string, Counter> = {
  "ticket.received": "received",
  "ticket.verified": "verified",
  "ticket.rejected": "rejected",
  "ticket.forwarded": "forwarded",
  "forward.answered": "answered",
  "ticket.resolved": "resolved",
  "ticket.closed": "closed",
  "ticket.auto_closed": "closed",
  "sla.warning": "warned",
  "sla.breach": "breached",
};
export const ROLLUP_COUNTERS = ["received", "verified", "rejected", "forwarded", "answered", "resolved", "closed", "warned", "breached"] as const;
export type Counter = (typeof ROLLUP_COUNTERS)[number];

/** The province's day and hour (WIB, UTC+7) of an instant. */
export const wibDay = (d: Date) => new Date(d.getTime() + 7 * 3600_000).toISOString().slice(0, 10);
export const wibHour = (d: Date) => new Date(d.getTime() + 7 * 3600_000).toISOString().slice(0, 13);

interface Row {
  id: number;
  ticketId: number;
  type: string;
  afterJson: string | null;
  createdAt: unknown;
}

const toDate = (v: unknown): Date => (v instanceof Date ? v : new Date(`${String(v).replace(" ", "T")}Z`));

/**
 * Applies every pending event (in batches); returns how many were applied. `onlyIfPending`: first
 * look (a read, no write lock) whether an event is waiting, and do nothing otherwise — what the
 * live tailer and the wall's reads use; the worker's job always runs (it also moves the cursor).
 */
export async function applyRollups(db: Db, now: Date, opts: { onlyIfPending?: boolean } = {}): Promise<{ applied: number }> {
  if (opts.onlyIfPending && !(await pending(db.manager))) return { applied: 0 };
  let applied = 0;
  for (let i = 0; i < 1000; i++) {
    const out = await db.tx((m) => applyBatch(m, now));
    applied += out.applied;
    if (!out.more) break;
  }
  return { applied };
}

async function pending(m: EntityManager): Promise<boolean> {
  const state = (await m.query("SELECT low_id AS lowId FROM rollup_state WHERE name = ?", [STATE])) as { lowId: number | string }[];
  const low = Number(state[0]?.lowId ?? 0);
  const types = Object.keys(COUNTS);
  const rows = await m.query(
    `SELECT a.id FROM audit_events a LEFT JOIN rollup_applied r ON r.event_id = a.id
      WHERE a.id > ? AND r.event_id IS NULL AND a.ticket_id IS NOT NULL AND a.type IN (${placeholders(types.length)}) LIMIT 1`,
    [low, ...types],
  );
  return rows.length > 0;
}

async function applyBatch(m: EntityManager, now: Date): Promise<{ applied: number; more: boolean }> {
  const mysql = m.connection.options.type === "mysql";
  if (mysql) await m.query("INSERT IGNORE INTO rollup_state (name, low_id, updated_at) VALUES (?, 0, ?)", [STATE, now]);
  else await m.query("INSERT OR IGNORE INTO rollup_state (name, low_id, updated_at) VALUES (?, 0, ?)", [STATE, sqlTime(m, now)]);
  const [state] = await m.query(`SELECT low_id AS lowId FROM rollup_state WHERE name = ?${mysql ? " FOR UPDATE" : ""}`, [STATE]);
  const low = Number(state.lowId);
  const types = Object.keys(COUNTS);
  const rows: Row[] = await m.query(
    `SELECT a.id, a.ticket_id AS ticketId, a.type, a.after_json AS afterJson, a.created_at AS createdAt
       FROM audit_events a LEFT JOIN rollup_applied r ON r.event_id = a.id
      WHERE a.id > ? AND r.event_id IS NULL AND a.ticket_id IS NOT NULL AND a.type IN (${placeholders(types.length)})
      ORDER BY a.id LIMIT ${BATCH}`,
    [low, ...types],
  );
  const full = rows.length === BATCH;

  if (rows.length) {
    const ticketIds = [...new Set(rows.map((r) => Number(r.ticketId)))];
    const tickets = new Map<number, { channel: string; categoryId: number }>();
    for (const t of (await m.query(`SELECT id, channel, category_id AS categoryId FROM tickets WHERE id IN (${placeholders(ticketIds.length)})`, ticketIds)) as { id: number; channel: string; categoryId: number | null }[]) {
      tickets.set(Number(t.id), { channel: t.channel, categoryId: Number(t.categoryId ?? 0) });
    }
    const parsed = rows.map((r) => ({ ...r, id: Number(r.id), ticketId: Number(r.ticketId), after: parse(r.afterJson), at: toDate(r.createdAt) }));
    const forwardIds = parsed.flatMap((r) => (r.type.startsWith("sla.") && typeof r.after.forwardId === "number" ? [r.after.forwardId] : []));
    const forwardAgency = new Map<number, number>();
    if (forwardIds.length) for (const f of (await m.query(`SELECT id, agency_id AS agencyId FROM forwards WHERE id IN (${placeholders(forwardIds.length)})`, forwardIds)) as { id: number; agencyId: number }[]) forwardAgency.set(Number(f.id), Number(f.agencyId));

    const days = new Map<string, { day: string; channel: string; agencyId: number; categoryId: number; counts: Partial<Record<Counter, number>> }>();
    const hours = new Map<string, { hour: string; channel: string; received: number }>();
    const bump = (day: string, channel: string, agencyId: number, categoryId: number, c: Counter) => {
      const k = `${day}|${channel}|${agencyId}|${categoryId}`;
      const e = days.get(k) ?? days.set(k, { day, channel, agencyId, categoryId, counts: {} }).get(k)!;
      e.counts[c] = (e.counts[c] ?? 0) + 1;
    };
    for (const r of parsed) {
      const t = tickets.get(r.ticketId);
      if (!t) continue; // erased since
      const counter = COUNTS[r.type]!;
      const day = wibDay(r.at);
      const forwards = Array.isArray(r.after.forwards) ? (r.after.forwards as { agencyId?: unknown; change?: unknown }[]) : [];
      if (r.type === "ticket.forwarded") {
        const created = forwards.filter((f) => f.change === "created" && typeof f.agencyId === "number");
        for (const f of created.length ? created : [{ agencyId: 0 }]) bump(day, t.channel, Number(f.agencyId), t.categoryId, "forwarded");
      } else if (r.type === "forward.answered") {
        bump(day, t.channel, Number(forwards.find((f) => typeof f.agencyId === "number")?.agencyId ?? 0), t.categoryId, "answered");
      } else if (r.type.startsWith("sla.")) {
        // A breach is counted once, at its first level; higher levels are escalations of the same breach.
        if (r.type === "sla.breach" && typeof r.after.level === "number" && r.after.level > 1) continue;
        const fid = typeof r.after.forwardId === "number" ? r.after.forwardId : null;
        bump(day, t.channel, fid != null ? forwardAgency.get(fid) ?? 0 : 0, t.categoryId, counter);
      } else {
        bump(day, t.channel, 0, t.categoryId, counter);
        if (counter === "received") {
          const hour = wibHour(r.at);
          const k = `${hour}|${t.channel}`;
          (hours.get(k) ?? hours.set(k, { hour, channel: t.channel, received: 0 }).get(k)!).received++;
        }
      }
    }
    for (const e of days.values()) {
      const cols = ROLLUP_COUNTERS;
      const values = cols.map((c) => e.counts[c] ?? 0);
      const upd = cols.map((c) => (mysql ? `${c} = ${c} + VALUES(${c})` : `${c} = ${c} + excluded.${c}`)).join(", ");
      await m.query(
        `INSERT INTO wall_rollup_days (day, channel, agency_id, category_id, ${cols.join(", ")}) VALUES (?, ?, ?, ?, ${placeholders(cols.length)}) ${mysql ? "ON DUPLICATE KEY UPDATE" : "ON CONFLICT (day, channel, agency_id, category_id) DO UPDATE SET"} ${upd}`,
        [e.day, e.channel, e.agencyId, e.categoryId, ...values],
      );
    }
    for (const h of hours.values()) {
      await m.query(
        `INSERT INTO wall_rollup_hours (hour, channel, received) VALUES (?, ?, ?) ${mysql ? "ON DUPLICATE KEY UPDATE received = received + VALUES(received)" : "ON CONFLICT (hour, channel) DO UPDATE SET received = received + excluded.received"}`,
        [h.hour, h.channel, h.received],
      );
    }
    for (let i = 0; i < parsed.length; i += 500) {
      const chunk = parsed.slice(i, i + 500);
      await m.query(`INSERT INTO rollup_applied (event_id, applied_at) VALUES ${chunk.map(() => "(?, ?)").join(", ")}`, chunk.flatMap((r) => [r.id, sqlTime(m, now)]));
    }
  }

  // The low-water mark: up to the largest id older than SETTLE_MS (not past an unread batch).
  const [settled] = await m.query("SELECT MAX(id) AS max FROM audit_events WHERE id > ? AND created_at < ?", [low, sqlTime(m, new Date(now.getTime() - SETTLE_MS))]);
  let newLow = Math.max(low, Number(settled?.max ?? 0));
  if (full) newLow = Math.min(newLow, Number(rows.at(-1)!.id));
  if (newLow > low) {
    await m.query("UPDATE rollup_state SET low_id = ?, updated_at = ? WHERE name = ?", [newLow, sqlTime(m, now), STATE]);
    await m.query("DELETE FROM rollup_applied WHERE event_id <= ?", [newLow]);
  }
  return { applied: rows.length, more: full };
}

function parse(json: string | null): Record<string, unknown> {
  if (!json) return {};
  try {
    const v = JSON.parse(json);
    return v && typeof v === "object" ? v : {};
  } catch {
    return {};
  }
}
