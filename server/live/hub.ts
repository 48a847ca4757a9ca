/**
 * The live stream's engine, one per API process (docs/command-center.md, "The stream").
 *
 * One tailer per process, not per client: while at least one screen is connected it reads the new
 * rows of `audit_events` (every case change, SLA warnings and breaches recorded by the worker in
 * another process) and `notifications`, and the recent `ticket_presence` rows, every POLL_MS (and
 * at once after a commit in this process), turns them into LiveEvents (ids, statuses, counts; no
 * ticket content) and hands each connected screen the ones the access gate's row rule lets it see.
 *
 * Ids are not commit-ordered on MySQL/MariaDB (an id is taken at INSERT, the row becomes visible at
 * COMMIT; Galera nodes also interleave auto-increments), so a tail cannot just remember the largest
 * id it saw. It reads `id > low` where `low` is the largest id seen at least LOOKBACK_MS ago, and
 * de-duplicates by id what it has already delivered above `low`. A row whose transaction stays
 * open longer than LOOKBACK_MS after a larger id became visible is missed by the live push (the
 * screens still show it at their next refetch); transactions here last milliseconds to seconds.
 *
 * Each message's SSE id is `<audit low>.<notification low>.<key>`: a screen that reconnects sends
 * it back as Last-Event-ID and is replayed every row above those lows that it may see (the client
 * drops keys it already has), or told to "resync" when too much happened meanwhile.
 */
import type { Response } from "express";
import { applyRollups } from "../commands/apply-rollups.js";
import type { Clock } from "../lib/clock.js";
import { sqlTime, type Db } from "../lib/db.js";
import type { Logger } from "../lib/logger.js";
import { placeholders } from "../lib/select-entities.js";
import type { Viewer } from "../queries/viewer.js";
import { liveTypeOfAudit, mayReceive, type LiveEntry, type LiveEvent } from "./events.js";

export const LIVE = {
  /** How often the tailer reads new rows while someone is connected. */
  pollMs: 400,
  /** How long an id stays in the tail's window after a larger one was seen (see above). */
  lookbackMs: 10_000,
  /** A comment line to every screen, so proxies and the browser keep the connection. */
  heartbeatMs: 15_000,
  /** How often the screens' login sessions are checked (one query per process): a stream outlives no session by more. */
  sessionCheckMs: 5_000,
  /** Rows read per page, and at most per poll (more: every screen is told to resync). */
  page: 1000,
  maxRowsPerPoll: 5000,
  /** Rows replayed to a reconnecting screen at most; beyond, "resync". */
  maxReplay: 2000,
  /** Bytes a slow screen may have queued before it is disconnected (it reconnects and catches up). */
  maxBufferedBytes: 512 * 1024,
  /** A presence heartbeat older than this no longer counts (the console beats every 15 s). */
  presenceTtlMs: 40_000,
};

export interface LiveDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
}

interface AuditRow {
  id: number;
  ticketId: number | null;
  type: string;
  afterJson: string | null;
  createdAt: Date;
}
interface NotificationRow {
  id: number;
  userId: number;
  ticketId: number | null;
  type: string;
  createdAt: Date;
}

const toDate = (v: unknown): Date => (v instanceof Date ? v : new Date(`${String(v).replace(" ", "T")}${/Z|[+-]\d\d:?\d\d$/.test(String(v)) ? "" : "Z"}`));

/** A table read from `low` upwards, remembering what it delivered above `low`. */
class Tail {
  low = 0;
  private seen = new Set<number>();
  private history: { at: number; max: number }[] = [];
  private maxSeen = 0;
  constructor(readonly table: string) {}

  /** Marks ids delivered; returns those not seen before. */
  fresh<T extends { id: number }>(rows: T[]): T[] {
    const out = rows.filter((r) => r.id > this.low && !this.seen.has(r.id));
    for (const r of out) {
      this.seen.add(r.id);
      if (r.id > this.maxSeen) this.maxSeen = r.id;
    }
    return out;
  }
  /** After a poll: the window's low end moves to the largest id seen LOOKBACK ago. */
  advance(nowMs: number) {
    this.history.push({ at: nowMs, max: this.maxSeen });
    while (this.history.length && this.history[0]!.at <= nowMs - LIVE.lookbackMs) {
      const h = this.history.shift()!;
      if (h.max > this.low) this.low = h.max;
    }
    for (const id of this.seen) if (id <= this.low) this.seen.delete(id);
  }
  /** Skips everything (too much at once): the screens resync. */
  jump(to: number) {
    this.low = Math.max(this.low, to);
    this.maxSeen = Math.max(this.maxSeen, to);
    this.seen.clear();
    this.history = [];
  }
  start(max: number) {
    this.low = max;
    this.maxSeen = max;
  }
}

interface Subscriber {
  viewer: Viewer;
  res: Response;
  /** Keys sent on this connection (bounded), against a replay racing the live tail. */
  sent: Set<string>;
  /** Live entries that arrived while the replay ran. */
  held: LiveEntry[] | null;
}

/** A wall figure kept per process is recomputed at most this often while events stream in. */
const DERIVED_MIN_INTERVAL_MS = 1_000;

export class LiveHub {
  private subs = new Set<Subscriber>();
  private audit = new Tail("audit_events");
  private notes = new Tail("notifications");
  private started: Promise<void> | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;
  private again = false;
  private closed = false;
  private seq = 0;
  private presence = new Map<number, string>(); // ticketId -> "userId,userId" as last told
  private names = new Map<number, string>();
  private onCommit = () => this.kick();
  /** Counters for tests and /metrics: polls run, rows read. */
  readonly stats = { polls: 0, rows: 0, resyncs: 0 };

  constructor(private deps: LiveDeps) {}

  get clients(): number {
    return this.subs.size;
  }

  /** Serves one screen's stream until it disconnects (or the app closes). */
  async serve(viewer: Viewer, res: Response, lastEventId: string | undefined, opts: { once?: boolean } = {}): Promise<void> {
    if (this.closed) {
      res.status(503).end();
      return;
    }
    res.status(200);
    res.setHeader("Content-Type", "text/event-stream; charset=utf-8");
    res.setHeader("Cache-Control", "no-store");
    res.setHeader("Connection", "keep-alive");
    res.setHeader("X-Accel-Buffering", "no"); // nginx: do not buffer the stream
    res.flushHeaders();
    res.write("retry: 2000\n\n");
    const sub: Subscriber = { viewer, res, sent: new Set(), held: [] };
    const done = new Promise<void>((resolve) => res.on("close", () => resolve()));
    this.subs.add(sub);
    try {
      await this.ensureStarted();
      if (lastEventId) await this.replay(sub, lastEventId);
      const held = sub.held ?? [];
      sub.held = null;
      for (const e of held) this.deliver(sub, e);
      this.write(sub, "ready", `${this.cursor()}r${++this.seq}`, { type: "ready", at: this.deps.clock.now().toISOString() });
      // ?once=1: the catch-up and the cursor, then the end (scripts, probes, the authorization matrix).
      if (opts.once) res.end();
    } catch (err) {
      this.deps.logger.warn({ err }, "live stream: start failed");
      res.end();
    }
    await done;
    this.subs.delete(sub);
    if (this.subs.size === 0) this.stop();
  }

  /** Ends every stream and stops the tailer (app shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    for (const s of this.subs) s.res.end();
    this.subs.clear();
    this.stop();
    await this.polling?.catch(() => undefined);
  }

  private rollups: { at: number; run: Promise<void> } | null = null;
  /**
   * The wall's rollups are current (up to the last second): the wall's endpoints await this before
   * they read, so numbers are right even when no stream ran (the worker's job also runs it).
   */
  freshRollups(): Promise<void> {
    const nowMs = Date.now();
    if (!this.rollups || nowMs - this.rollups.at > 1000) {
      const run = applyRollups(this.deps.db, this.deps.clock.now(), { onlyIfPending: true }).then(
        () => undefined,
        (err) => this.deps.logger.warn({ err }, "wall rollups failed"),
      );
      this.rollups = { at: nowMs, run };
    }
    return this.rollups.run;
  }

  private derived = new Map<string, { compute: () => Promise<unknown>; maxAgeMs: number; onEvents: boolean; at: number; value: Promise<unknown> | null; refreshing: boolean; dirty?: boolean }>();
  /**
   * A wall figure that is too dear to compute per read at a million tickets (per-OPD backlog and
   * lights, open tickets, trending clusters), kept per process: computed on first use, again
   * after each batch of ticket events the tailer sees (before "wall.changed" goes out, when
   * `onEvents`), and in the background when older than maxAgeMs (lights also turn yellow with
   * time). A read never waits except the first.
   */
  derivedValue<T>(key: string, compute: () => Promise<T>, opts: { maxAgeMs: number; onEvents: boolean }): Promise<T> {
    let d = this.derived.get(key);
    if (!d) {
      d = { compute, ...opts, at: Date.now(), value: null, refreshing: false, dirty: false };
      this.derived.set(key, d);
    }
    if (!d.value) {
      d.at = Date.now();
      const value = compute();
      d.value = value;
      value.catch(() => {
        if (d!.value === value) d!.value = null;
      });
    } else if (Date.now() - d.at > d.maxAgeMs && !d.refreshing) void this.refreshDerived(d);
    return d.value as Promise<T>;
  }

  /** Recomputes a kept figure; true when it changed. */
  private async refreshDerived(d: { compute: () => Promise<unknown>; at: number; value: Promise<unknown> | null; refreshing: boolean; dirty?: boolean }): Promise<boolean> {
    d.refreshing = true;
    d.dirty = false;
    try {
      const before = d.value ? JSON.stringify(await d.value.catch(() => null)) : null;
      const v = await d.compute();
      d.value = Promise.resolve(v);
      d.at = Date.now();
      return JSON.stringify(v) !== before;
    } catch (err) {
      this.deps.logger.warn({ err }, "wall figure failed");
      return false;
    } finally {
      d.refreshing = false;
    }
  }

  /**
   * A stream outlives no session: every sessionCheckMs the screens whose login session ended (logout,
   * a deactivated user, the idle or absolute limit) are disconnected; their reconnect gets 401.
   */
  async endLapsedSessions(): Promise<number> {
    const ids = [...new Set([...this.subs].map((s) => s.viewer.sessionId).filter((x): x is string => !!x))];
    if (!ids.length) return 0;
    const m = this.deps.db.manager;
    const now = sqlTime(m, this.deps.clock.now());
    const alive = new Set(((await m.query(`SELECT id FROM sessions WHERE id IN (${placeholders(ids.length)}) AND idle_expires_at > ? AND absolute_expires_at > ?`, [...ids, now, now])) as { id: string }[]).map((r) => r.id));
    let ended = 0;
    for (const s of this.subs) {
      if (s.viewer.sessionId && !alive.has(s.viewer.sessionId)) {
        s.res.end();
        ended++;
      }
    }
    return ended;
  }

  /** Poll soon (a commit in this process, a presence heartbeat). */
  kick() {
    if (!this.pollTimer || this.closed) return;
    clearTimeout(this.pollTimer);
    this.pollTimer = setTimeout(() => this.tick(), 30);
    this.pollTimer.unref();
  }

  private cursor() {
    return `${this.audit.low}.${this.notes.low}.`;
  }

  private ensureStarted(): Promise<void> {
    if (!this.started) {
      this.started = (async () => {
        const m = this.deps.db.manager;
        const [a] = await m.query("SELECT MAX(id) AS max FROM audit_events");
        const [n] = await m.query("SELECT MAX(id) AS max FROM notifications");
        this.audit.start(Number(a?.max ?? 0));
        this.notes.start(Number(n?.max ?? 0));
        this.deps.db.events.on("commit", this.onCommit);
        this.pollTimer = setTimeout(() => this.tick(), LIVE.pollMs);
        this.pollTimer.unref();
        let beats = 0;
        this.heartbeat = setInterval(() => {
          if (++beats % Math.round(LIVE.heartbeatMs / LIVE.sessionCheckMs) === 0) for (const s of this.subs) if (!s.held) this.send(s, ": hb\n\n");
          void this.endLapsedSessions().catch((err) => this.deps.logger.warn({ err }, "live stream: session check failed"));
        }, LIVE.sessionCheckMs);
        this.heartbeat.unref();
      })().catch((err) => {
        this.started = null;
        throw err;
      });
    }
    return this.started;
  }

  private stop() {
    if (this.pollTimer) clearTimeout(this.pollTimer);
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.pollTimer = null;
    this.heartbeat = null;
    this.deps.db.events.off("commit", this.onCommit);
    this.started = null;
    this.presence.clear();
  }

  private tick() {
    if (this.closed || !this.started) return;
    if (this.polling) {
      this.again = true;
      return;
    }
    this.polling = this.poll()
      .catch((err) => this.deps.logger.warn({ err }, "live stream: poll failed"))
      .finally(() => {
        this.polling = null;
        if (this.closed || !this.started) return;
        if (this.pollTimer) clearTimeout(this.pollTimer);
        this.pollTimer = setTimeout(() => this.tick(), this.again ? 0 : LIVE.pollMs);
        this.pollTimer.unref();
        this.again = false;
      });
  }

  private async poll(): Promise<void> {
    this.stats.polls++;
    const m = this.deps.db.manager;
    const entries: LiveEntry[] = [];
    let overflow = false;

    const audits = await readAbove<AuditRow>(m, "SELECT id, ticket_id AS ticketId, type, after_json AS afterJson, created_at AS createdAt FROM audit_events", this.audit.low, "");
    if (audits.overflow) overflow = true;
    const freshAudits = this.audit.fresh(audits.rows);
    const notes = await readAbove<NotificationRow>(m, "SELECT id, user_id AS userId, ticket_id AS ticketId, type, created_at AS createdAt FROM notifications", this.notes.low, "");
    if (notes.overflow) overflow = true;
    const freshNotes = this.notes.fresh(notes.rows);
    this.stats.rows += audits.rows.length + notes.rows.length;

    if (overflow) {
      this.stats.resyncs++;
      this.audit.jump(audits.rows.at(-1)?.id ?? this.audit.low);
      this.notes.jump(notes.rows.at(-1)?.id ?? this.notes.low);
      for (const s of this.subs) this.write(s, "resync", `${this.cursor()}x${++this.seq}`, { type: "resync", at: this.deps.clock.now().toISOString() });
    } else {
      entries.push(...(await entriesOf(m, freshAudits, freshNotes)));
    }
    const nowMs = Date.now();
    this.audit.advance(nowMs);
    this.notes.advance(nowMs);

    // The console's screens hear of their tickets first: the wall's figures below can take a while
    // at a million tickets (the per-OPD lights read every running clock) and must not hold them up.
    const ticketNews = entries.filter((e) => e.audience.kind === "ticket");
    for (const e of entries) for (const s of this.subs) this.deliver(s, e);
    const late: LiveEntry[] = [];

    // The wall's numbers: roll the new events up first, then tell the wall's screens.
    if (ticketNews.length || overflow) {
      if (freshAudits.some((r) => r.ticketId != null)) {
        this.rollups = null;
        await this.freshRollups();
      }
      // A figure recomputed less than DERIVED_MIN_INTERVAL_MS ago waits for the next poll (marked
      // dirty): under a steady stream of events it is computed about once a second, not per batch.
      for (const d of this.derived.values()) {
        if (!d.onEvents || !d.value || d.refreshing) continue;
        if (Date.now() - d.at < DERIVED_MIN_INTERVAL_MS) d.dirty = true;
        else await this.refreshDerived(d);
      }
      const types = [...new Set(ticketNews.map((e) => e.event.type))];
      late.push({ key: `w${++this.seq}`, audience: { kind: "wall" }, event: { type: "wall.changed", at: this.deps.clock.now().toISOString(), data: { types, count: ticketNews.length } } });
    }
    // Figures left dirty above, and those that change with time alone (a clock passing its
    // warning): recomputed now; the walls hear of a change.
    if (!ticketNews.length && !overflow) {
      let changed = false;
      for (const d of this.derived.values()) if (d.onEvents && d.value && !d.refreshing && (d.dirty || Date.now() - d.at > d.maxAgeMs)) changed = (await this.refreshDerived(d)) || changed;
      if (changed) late.push({ key: `w${++this.seq}`, audience: { kind: "wall" }, event: { type: "wall.changed", at: this.deps.clock.now().toISOString(), data: { types: ["time"], count: 0 } } });
    }
    late.push(...(await this.presenceChanges()));

    for (const e of late) for (const s of this.subs) this.deliver(s, e);
  }

  /** Who is on which ticket now, compared with what the screens were last told. */
  private async presenceChanges(): Promise<LiveEntry[]> {
    const m = this.deps.db.manager;
    const now = this.deps.clock.now();
    const rows: { ticketId: number; userId: number }[] = await m.query("SELECT ticket_id AS ticketId, user_id AS userId FROM ticket_presence WHERE seen_at > ? ORDER BY ticket_id, user_id", [sqlTime(m, new Date(now.getTime() - LIVE.presenceTtlMs))]);
    const current = new Map<number, number[]>();
    for (const r of rows) {
      const list = current.get(Number(r.ticketId)) ?? [];
      list.push(Number(r.userId));
      current.set(Number(r.ticketId), list);
    }
    const changed: number[] = [];
    for (const [t, users] of current) if (this.presence.get(t) !== users.join(",")) changed.push(t);
    for (const t of this.presence.keys()) if (!current.has(t)) changed.push(t);
    if (!changed.length) return [];
    const unknown = [...new Set(changed.flatMap((t) => current.get(t) ?? []))].filter((u) => !this.names.has(u));
    if (unknown.length) for (const u of (await m.query(`SELECT id, name FROM users WHERE id IN (${placeholders(unknown.length)})`, unknown)) as { id: number; name: string }[]) this.names.set(Number(u.id), u.name);
    const agencies = await agenciesOf(m, changed);
    return changed.map((t) => {
      const users = current.get(t) ?? [];
      if (users.length) this.presence.set(t, users.join(","));
      else this.presence.delete(t);
      return {
        key: `p${++this.seq}`,
        audience: { kind: "ticket", agencyIds: agencies.get(t) ?? [] },
        event: { type: "presence", at: now.toISOString(), ticketId: t, data: { ticketId: t, users: users.map((id) => ({ id, name: this.names.get(id) ?? `#${id}` })) } },
      } satisfies LiveEntry;
    });
  }

  /** Replays what a reconnecting screen missed, from the lows in its Last-Event-ID. */
  private async replay(sub: Subscriber, lastEventId: string): Promise<void> {
    const match = /^(\d{1,15})\.(\d{1,15})\./.exec(lastEventId);
    if (!match) return;
    const m = this.deps.db.manager;
    const aLow = Number(match[1]);
    const nLow = Number(match[2]);
    const audits: AuditRow[] = await m.query(`SELECT id, ticket_id AS ticketId, type, after_json AS afterJson, created_at AS createdAt FROM audit_events WHERE id > ? ORDER BY id LIMIT ${LIVE.maxReplay + 1}`, [aLow]);
    const notes: NotificationRow[] = await m.query(`SELECT id, user_id AS userId, ticket_id AS ticketId, type, created_at AS createdAt FROM notifications WHERE id > ? AND user_id = ? ORDER BY id LIMIT ${LIVE.maxReplay + 1}`, [nLow, sub.viewer.id]);
    if (audits.length > LIVE.maxReplay || notes.length > LIVE.maxReplay) {
      this.write(sub, "resync", `${this.cursor()}x${++this.seq}`, { type: "resync", at: this.deps.clock.now().toISOString() });
      return;
    }
    for (const e of await entriesOf(m, audits.map(normAudit), notes.map(normNote))) this.deliver(sub, e, true);
  }

  private deliver(sub: Subscriber, e: LiveEntry, replaying = false) {
    if (sub.held && !replaying) {
      sub.held.push(e);
      return;
    }
    if (!mayReceive(sub.viewer, e) || sub.sent.has(e.key)) return;
    sub.sent.add(e.key);
    if (sub.sent.size > 5000) for (const k of [...sub.sent].slice(0, 1000)) sub.sent.delete(k);
    this.write(sub, e.event.type, `${this.cursor()}${e.key}`, e.event);
  }

  private write(sub: Subscriber, type: string, id: string, event: LiveEvent) {
    this.send(sub, `id: ${id}\nevent: ${type}\ndata: ${JSON.stringify(event)}\n\n`);
  }

  private send(sub: Subscriber, chunk: string) {
    if (sub.res.writableEnded) return;
    // A screen that does not read is cut off, not buffered without end: it reconnects and catches up.
    if (sub.res.writableLength > LIVE.maxBufferedBytes) {
      sub.res.end();
      return;
    }
    sub.res.write(chunk);
  }
}

const normAudit = (r: AuditRow): AuditRow => ({ id: Number(r.id), ticketId: r.ticketId == null ? null : Number(r.ticketId), type: r.type, afterJson: r.afterJson, createdAt: toDate(r.createdAt) });
const normNote = (r: NotificationRow): NotificationRow => ({ id: Number(r.id), userId: Number(r.userId), ticketId: r.ticketId == null ? null : Number(r.ticketId), type: r.type, createdAt: toDate(r.createdAt) });

/** Rows with id > low, in id order, page by page (keyset on the primary key). */
async function readAbove<T extends { id: number }>(m: import("typeorm").EntityManager, select: string, low: number, _extra: string): Promise<{ rows: T[]; overflow: boolean }> {
  const rows: T[] = [];
  let from = low;
  for (;;) {
    const page = (await m.query(`${select} WHERE id > ? ORDER BY id LIMIT ${LIVE.page}`, [from])) as T[];
    for (const r of page) rows.push((select.includes("audit_events") ? normAudit(r as unknown as AuditRow) : normNote(r as unknown as NotificationRow)) as unknown as T);
    if (page.length < LIVE.page) return { rows, overflow: false };
    if (rows.length >= LIVE.maxRowsPerPoll) return { rows, overflow: true };
    from = rows.at(-1)!.id;
  }
}

/** Each ticket's OPDs by the row rule (forwards not withdrawn), and every forward's OPD. */
async function agenciesOf(m: import("typeorm").EntityManager, ticketIds: number[]): Promise<Map<number, number[]>> {
  const out = new Map<number, number[]>();
  if (!ticketIds.length) return out;
  const rows: { ticketId: number; agencyId: number }[] = await m.query(`SELECT ticket_id AS ticketId, agency_id AS agencyId FROM forwards WHERE ticket_id IN (${placeholders(ticketIds.length)}) AND status <> 'withdrawn'`, ticketIds);
  for (const r of rows) {
    const list = out.get(Number(r.ticketId)) ?? [];
    if (!list.includes(Number(r.agencyId))) list.push(Number(r.agencyId));
    out.set(Number(r.ticketId), list);
  }
  return out;
}

/** Audit and notification rows as live entries (ids, statuses, counts). */
async function entriesOf(m: import("typeorm").EntityManager, audits: AuditRow[], notes: NotificationRow[]): Promise<LiveEntry[]> {
  const relevant = audits.filter((r) => r.ticketId != null && liveTypeOfAudit(r.type));
  const ticketIds = [...new Set(relevant.map((r) => r.ticketId!))];
  const agencies = await agenciesOf(m, ticketIds);
  const status = new Map<number, string>();
  if (ticketIds.length) for (const t of (await m.query(`SELECT id, status FROM tickets WHERE id IN (${placeholders(ticketIds.length)})`, ticketIds)) as { id: number; status: string }[]) status.set(Number(t.id), t.status);
  const forwardIds = relevant.flatMap((r) => (r.type.startsWith("sla.") ? [slaForwardId(r.afterJson)] : [])).filter((x): x is number => x != null);
  const forwardAgency = new Map<number, number>();
  if (forwardIds.length) for (const f of (await m.query(`SELECT id, agency_id AS agencyId FROM forwards WHERE id IN (${placeholders(forwardIds.length)})`, forwardIds)) as { id: number; agencyId: number }[]) forwardAgency.set(Number(f.id), Number(f.agencyId));
  const out: LiveEntry[] = [];
  // Audit and notification rows interleave by time; each source stays in id order.
  for (const r of relevant) {
    const type = liveTypeOfAudit(r.type)!;
    const agencyIds = agencies.get(r.ticketId!) ?? [];
    const data: Record<string, unknown> = { what: r.type, status: status.get(r.ticketId!) ?? null };
    if (type.startsWith("sla.")) {
      const after = safeJson(r.afterJson);
      const forwardId = typeof after.forwardId === "number" ? after.forwardId : null;
      Object.assign(data, { clock: typeof after.clock === "string" ? after.clock : null, level: typeof after.level === "number" ? after.level : null, forwardId, agencyId: forwardId != null ? forwardAgency.get(forwardId) ?? null : null });
    }
    out.push({ key: `a${r.id}`, audience: { kind: "ticket", agencyIds }, event: { type, at: r.createdAt.toISOString(), ticketId: r.ticketId!, agencyIds, data } });
  }
  for (const n of notes) {
    out.push({ key: `n${n.id}`, audience: { kind: "user", userId: n.userId }, event: { type: "notification", at: n.createdAt.toISOString(), userId: n.userId, ...(n.ticketId != null ? { ticketId: n.ticketId } : {}), data: { id: n.id, kind: n.type } } });
  }
  return out;
}

function slaForwardId(json: string | null): number | null {
  const v = safeJson(json).forwardId;
  return typeof v === "number" ? v : null;
}
function safeJson(json: string | null): Record<string, unknown> {
  if (!json) return {};
  try {
    const v = JSON.parse(json);
    return v && typeof v === "object" ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
