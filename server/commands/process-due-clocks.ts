import { In, type EntityManager } from "typeorm";
import type { ClockKind, EscalationRecipient } from "../domain/sla/policy.js";
import { Agency } from "../entities/agency.entity.js";
import { Forward } from "../entities/forward.entity.js";
import { Notification, SlaClock, SlaEvent } from "../entities/sla.entity.js";
import { Ticket } from "../entities/ticket.entity.js";
import { User } from "../entities/user.entity.js";
import { afterCommit, sqlTime, type Db } from "../lib/db.js";
import { computeClock, firstUnrecorded, type ClockEvent } from "../clocks/ticket-clocks.js";
import { settingsForPolicyId, type SlaSettings } from "../clocks/sla-settings.js";
import { appendAuditEvents, SYSTEM_ACTOR } from "./append-audit-event.js";
import { transitionTicket } from "./transition-ticket.js";


/** Building an Intl.DateTimeFormat costs far more than using one (10–15% of a sweep's CPU): one per zone. */
const dueFormats = new Map<string, Intl.DateTimeFormat>();
function dueFormat(timeZone: string): Intl.DateTimeFormat {
  let f = dueFormats.get(timeZone);
  if (!f) dueFormats.set(timeZone, (f = new Intl.DateTimeFormat("id-ID", { timeZone, dateStyle: "medium", timeStyle: "short" })));
  return f;
}

export interface ProcessDueOptions {
  /** Only this ticket's clocks (the per-ticket sla-check job). */
  ticketId?: number;
  /** Clocks per transaction. */
  batchSize?: number;
  /** Stop after this many clocks (the sweep goes on at its next run). */
  maxClocks?: number;
  /** The OPD whose head is "kominfo_head" on escalation ladders. */
  kominfoAgencyCode?: string;
  secretKey: string;
}

export interface ProcessDueResult {
  clocks: number;
  events: number;
  notifications: number;
  autoClosed: number;
}

/**
 * Records every warning and breach that is due, exactly once, and notifies each recipient once.
 * Several workers may run this at the same time: on MySQL/MariaDB each batch locks its clocks
 * with SKIP LOCKED, so workers split the due clocks; the unique keys on sla_events and
 * notifications are the last guard. Clocks of the auto-close kind close the ticket instead.
 */
export async function processDueClocks(db: Db, now: Date, opts: ProcessDueOptions): Promise<ProcessDueResult> {
  const total: ProcessDueResult = { clocks: 0, events: 0, notifications: 0, autoClosed: 0 };
  const batchSize = opts.batchSize ?? 200;
  const settingsCache = new Map<string, Promise<SlaSettings>>();
  for (;;) {
    // idempotent: an SLA event is recorded once (unique per clock, kind and level).
    const batch = await db.tx((m) => processBatch(m, now, batchSize, opts, settingsCache), { readCommitted: true, idempotent: true });
    total.clocks += batch.clocks;
    total.events += batch.events;
    total.notifications += batch.notifications;
    total.autoClosed += batch.autoClosed;
    if (batch.clocks < batchSize || (opts.maxClocks && total.clocks >= opts.maxClocks)) return total;
  }
}

async function lockDueClocks(m: EntityManager, now: Date, limit: number, ticketId?: number): Promise<SlaClock[]> {
  const mysql = m.connection.options.type === "mysql";
  const params: unknown[] = [sqlTime(m, now)];
  let sql = "SELECT id FROM sla_clocks WHERE next_event_at <= ?";
  if (ticketId !== undefined) {
    sql += " AND ticket_id = ?";
    params.push(ticketId);
  }
  sql += ` ORDER BY next_event_at LIMIT ${Number(limit)}`;
  if (mysql) sql += " FOR UPDATE SKIP LOCKED";
  const rows: { id: number }[] = await m.query(sql, params);
  if (rows.length === 0) return [];
  return m.getRepository(SlaClock).find({ where: { id: In(rows.map((r) => r.id)) } });
}

async function processBatch(m: EntityManager, now: Date, limit: number, opts: ProcessDueOptions, cache: Map<string, Promise<SlaSettings>>): Promise<ProcessDueResult> {
  const out: ProcessDueResult = { clocks: 0, events: 0, notifications: 0, autoClosed: 0 };
  const clocks = await lockDueClocks(m, now, limit, opts.ticketId);
  if (clocks.length === 0) return out;
  out.clocks = clocks.length;
  const ids = clocks.map((c) => c.id);
  const recordedRows = await m.getRepository(SlaEvent).find({ select: { clockId: true, kind: true, level: true }, where: { clockId: In(ids) } });
  const recordedBy = new Map<number, Set<string>>();
  for (const r of recordedRows) (recordedBy.get(r.clockId) ?? recordedBy.set(r.clockId, new Set()).get(r.clockId)!).add(`${r.kind}:${r.level}`);
  const tickets = new Map((await m.getRepository(Ticket).findBy({ id: In([...new Set(clocks.map((c) => c.ticketId))]) })).map((t) => [t.id, t]));
  const forwardIds = clocks.map((c) => c.forwardId).filter((x): x is number => x != null);
  const forwards = new Map((forwardIds.length ? await m.getRepository(Forward).findBy({ id: In(forwardIds) }) : []).map((f) => [f.id, f]));
  const recipients = new Recipients(m, opts.kominfoAgencyCode ?? "DISKOMINFO");

  // 1. What is due, per clock (no writes yet).
  type Due = { clock: SlaClock; ticket: Ticket; e: ClockEvent; title: string; users: number[] };
  const due: Due[] = [];
  const clockPatches: { clock: SlaClock; patch: Partial<SlaClock> }[] = [];
  const toClose = new Set<number>();
  for (const clock of clocks) {
    const key = String(clock.policyId ?? "default");
    if (!cache.has(key)) cache.set(key, settingsForPolicyId(m, clock.policyId));
    const settings = await cache.get(key)!;
    const def = settings.policy.clocks[clock.kind];
    const pauses = clock.pausesJson ? (JSON.parse(clock.pausesJson) as { from: string; to: string | null }[]).map((p) => ({ from: new Date(p.from), to: p.to ? new Date(p.to) : null })) : [];
    const computed = computeClock(settings, def, clock.startedAt, pauses);
    const ticket = tickets.get(clock.ticketId);
    if (clock.state !== "running" || computed.state !== "running" || !ticket) {
      clockPatches.push({ clock, patch: { nextEventAt: null, updatedAt: now } });
      continue;
    }
    const recorded = recordedBy.get(clock.id) ?? new Set<string>();
    let breachedAt = clock.breachedAt;
    const when = dueFormat(settings.calendar.timeZone).format(computed.dueAt!);
    for (const e of computed.events.filter((x) => x.at.getTime() <= now.getTime() && !recorded.has(`${x.kind}:${x.level}`))) {
      recorded.add(`${e.kind}:${e.level}`);
      if (e.kind === "breach" && !breachedAt) breachedAt = e.at;
      if (clock.kind === "auto_close") {
        if (e.kind === "breach") toClose.add(clock.ticketId);
        due.push({ clock, ticket, e, title: "", users: [] });
        continue;
      }
      const title =
        e.kind === "warning"
          ? `Peringatan SLA ${ticket.number}: ${def.label.id} jatuh tempo ${when} / SLA warning: ${def.label.en}`
          : `Pelanggaran SLA level ${e.level} ${ticket.number}: ${def.label.id} lewat tenggat ${when} / SLA breach level ${e.level}: ${def.label.en}`;
      // A review clock escalates to the command center (the ticket's operator), not to the OPD's assigned staff.
      due.push({ clock, ticket, e, title: title.slice(0, 300), users: await recipients.resolve(e.notify, ticket, clock.forwardId && clock.kind !== "review_answer" ? forwards.get(clock.forwardId) : undefined) });
    }
    clockPatches.push({ clock, patch: { nextEventAt: firstUnrecorded(computed, recorded)?.at ?? null, breachedAt, updatedAt: now } });
  }

  // 2. Record them: events (unique per clock, kind and level: a second writer fails here and its
  //    transaction rolls back), their audit entries, and one notification per recipient.
  if (due.length) {
    await m.getRepository(SlaEvent).insert(
      due.map(({ clock, e }) => ({ clockId: clock.id, ticketId: clock.ticketId, forwardId: clock.forwardId, clockKind: clock.kind, kind: e.kind, level: e.level, dueAt: e.at, recordedAt: now })),
    );
    const eventIds = new Map(
      (await m.getRepository(SlaEvent).find({ select: { id: true, clockId: true, kind: true, level: true }, where: { clockId: In(ids) } })).map((r) => [`${r.clockId}:${r.kind}:${r.level}`, r.id]),
    );
    await appendAuditEvents(
      m,
      due.map(({ clock, e }) => ({
        actor: SYSTEM_ACTOR,
        type: `sla.${e.kind}`,
        entityType: "sla_clock",
        entityId: clock.id,
        ticketId: clock.ticketId,
        after: { clock: clock.kind, forwardId: clock.forwardId, level: e.level, dueAt: e.at },
        at: now,
      })),
    );
    const notes = due.flatMap(({ clock, ticket, e, title, users }) =>
      users.map((userId) => ({
        userId,
        ticketId: ticket.id,
        slaEventId: eventIds.get(`${clock.id}:${e.kind}:${e.level}`)!,
        type: e.kind === "warning" ? "sla_warning" : "sla_breach",
        title,
        // No complaint text is stored in a notification: the recipient may not be allowed to open
        // the ticket (another OPD's, or rahasia). Readers and the e-mail job add the subject
        // through the access gate (queries/access-gate.ts notificationSubject).
        body: "",
        readAt: null,
        emailedAt: null,
        createdAt: now,
      })),
    );
    for (let i = 0; i < notes.length; i += 500) await m.getRepository(Notification).insert(notes.slice(i, i + 500));
    out.events = due.length;
    out.notifications = notes.length;
  }
  for (const { clock, patch } of clockPatches) {
    await m.getRepository(SlaClock).update({ id: clock.id }, patch);
    Object.assign(clock, patch);
  }

  // 3. Auto-close: no reply from the citizen within the clock closes the ticket.
  for (const ticketId of toClose) {
    const res = await transitionTicket(m, { actor: SYSTEM_ACTOR, at: now, secretKey: opts.secretKey }, ticketId, { action: "close", automatic: true });
    if (res.kind === "ok") out.autoClosed++;
  }

  // Recording events moves no due time (an auto-close re-derived its ticket's in transitionTicket);
  // each ticket's sla-check job moves to the next event of any of its clocks.
  const ticketIds = [...tickets.keys()];
  const nextRows: { ticket_id: number; next: Date | string | null }[] = await m.query(
    `SELECT ticket_id, MIN(next_event_at) AS next FROM sla_clocks WHERE ticket_id IN (${ticketIds.map(() => "?").join(",")}) AND state = 'running' GROUP BY ticket_id`,
    ticketIds,
  );
  const nextOf = new Map(nextRows.map((r) => [Number(r.ticket_id), r.next == null ? null : r.next instanceof Date ? r.next : new Date(`${String(r.next).replace(" ", "T")}Z`)]));
  for (const id of ticketIds) afterCommit(m, { type: "sla-next", ticketId: id, at: nextOf.get(id) ?? null });
  return out;
}

/** Who "assignee", "opd_head", "supervisor" and "kominfo_head" are for one clock. */
class Recipients {
  private supervisors?: Promise<number[]>;
  private kominfoHead?: Promise<number | null>;
  private heads = new Map<number, Promise<number | null>>();
  private headOf(agencyId: number): Promise<number | null> {
    let h = this.heads.get(agencyId);
    if (!h) {
      h = this.m.getRepository(Agency).findOneBy({ id: agencyId }).then((a) => (a?.active === false ? null : (a?.headUserId ?? null)));
      this.heads.set(agencyId, h);
    }
    return h;
  }
  constructor(
    private m: EntityManager,
    private kominfoCode: string,
  ) {}

  async resolve(roles: EscalationRecipient[], ticket: Ticket, forward?: Forward): Promise<number[]> {
    const ids = new Set<number>();
    for (const r of roles) {
      if (r === "assignee") {
        const a = forward ? forward.assigneeUserId : ticket.assigneeUserId;
        if (a) ids.add(a);
      } else if (r === "opd_head") {
        const agencyIds = forward ? [forward.agencyId] : (await this.m.getRepository(Forward).findBy({ ticketId: ticket.id, isOpen: true })).map((f) => f.agencyId);
        for (const agencyId of agencyIds) {
          const head = await this.headOf(agencyId);
          if (head) ids.add(head);
        }
      } else if (r === "supervisor") {
        this.supervisors ??= this.m.getRepository(User).find({ select: { id: true }, where: { role: "supervisor", active: true } }).then((u) => u.map((x) => x.id));
        for (const id of await this.supervisors) ids.add(id);
      } else if (r === "kominfo_head") {
        this.kominfoHead ??= this.m.getRepository(Agency).findOneBy({ code: this.kominfoCode }).then((a) => a?.headUserId ?? null);
        const id = await this.kominfoHead;
        if (id) ids.add(id);
      }
    }
    // Nobody named (no assignee yet): the supervisors hear of it rather than no one.
    if (ids.size === 0 && roles.length) {
      this.supervisors ??= this.m.getRepository(User).find({ select: { id: true }, where: { role: "supervisor", active: true } }).then((u) => u.map((x) => x.id));
      for (const id of await this.supervisors) ids.add(id);
    }
    return [...ids];
  }
}

export type { ClockEvent, ClockKind };
