import { In, type EntityManager } from "typeorm";
import { clockWithPauses, type ClockDefinition, type ClockKind, type EscalationRecipient, type PauseInterval } from "../domain/sla/policy.js";
import type { TicketStatus } from "../domain/ticket/lifecycle.js";
import { Forward } from "../entities/forward.entity.js";
import { SlaClock, SlaEvent } from "../entities/sla.entity.js";
import { Ticket } from "../entities/ticket.entity.js";
import { slaSettingsFor, type SlaSettings } from "./sla-settings.js";
import { afterCommit } from "../lib/db.js";

/** Complaint classes whose tickets run the 60-day resolution clock. */
export const INVESTIGATION_CLASSES = new Set(["investigation"]);

export interface ClockEvent {
  kind: "warning" | "breach";
  /** 0 for the warning, the escalation level for breaches */
  level: number;
  at: Date;
  notify: EscalationRecipient[];
}

export interface ComputedClock {
  state: "running" | "paused";
  warnAt: Date | null;
  dueAt: Date | null;
  events: ClockEvent[];
}

const parsePauses = (json: string | null): PauseInterval[] =>
  json ? (JSON.parse(json) as { from: string; to: string | null }[]).map((p) => ({ from: new Date(p.from), to: p.to ? new Date(p.to) : null })) : [];
const serializePauses = (p: PauseInterval[]) => JSON.stringify(p.map((x) => ({ from: x.from.toISOString(), to: x.to?.toISOString() ?? null })));

/** Warning, breach and escalation instants of a clock row under its policy. */
export function computeClock(settings: SlaSettings, def: ClockDefinition, startedAt: Date, pauses: PauseInterval[]): ComputedClock {
  const s = clockWithPauses(settings.calendar, def, startedAt, pauses);
  if (s.state === "paused") return { state: "paused", warnAt: null, dueAt: null, events: [] };
  const events: ClockEvent[] = [];
  if (def.warningFraction > 0 && def.warningFraction < 1) events.push({ kind: "warning", level: 0, at: s.schedule.warningAt, notify: def.escalation[0]?.notify ?? [] });
  if (s.schedule.escalations.length === 0) events.push({ kind: "breach", level: 1, at: s.schedule.dueAt, notify: [] });
  for (const e of s.schedule.escalations) events.push({ kind: "breach", level: e.level, at: e.at, notify: e.notify });
  events.sort((a, b) => a.at.getTime() - b.at.getTime() || a.level - b.level);
  return { state: "running", warnAt: s.schedule.warningAt, dueAt: s.schedule.dueAt, events };
}

/** The row of a clock started at `at` (without its ticket id); null when the policy skips this kind for the class. */
function newClockRow(settings: SlaSettings, complaintClass: string, kind: ClockKind, at: Date, forwardId: number | null = null): Omit<SlaClock, "id" | "ticketId"> | null {
  const def = settings.policy.clocks[kind];
  if (def.onlyForInvestigation && !INVESTIGATION_CLASSES.has(complaintClass)) return null;
  const computed = computeClock(settings, def, at, []);
  return {
    forwardId,
    kind,
    policyId: settings.policyId,
    state: "running",
    startedAt: at,
    pausesJson: null,
    warnAt: computed.warnAt,
    dueAt: computed.dueAt,
    stoppedAt: null,
    breachedAt: null,
    legalBasis: JSON.stringify(def.basis),
    // Events already past at the start (a zero-length clock) are picked up by the next sweep.
    nextEventAt: computed.events[0]?.at ?? null,
    createdAt: at,
    updatedAt: at,
  };
}

async function startClock(m: EntityManager, settings: SlaSettings, ticket: Ticket, kind: ClockKind, at: Date, forwardId: number | null = null): Promise<SlaClock | null> {
  const row = newClockRow(settings, ticket.complaintClass, kind, at, forwardId);
  if (!row) return null;
  const repo = m.getRepository(SlaClock);
  return repo.save(repo.create({ ...row, ticketId: ticket.id }));
}

/** Clocks a new ticket starts (what syncClocks does for `from: null`), computed without the database. */
export interface NewTicketClocks {
  rows: Omit<SlaClock, "id" | "ticketId">[];
  /** The ticket's due time (nearest work clock), as refreshDue would store it. */
  dueAt: Date | null;
  /** When its sla-check job should run. */
  nextEventAt: Date | null;
}

export function newTicketClocks(settings: SlaSettings, complaintClass: string, at: Date): NewTicketClocks {
  const rows = (["verify_forward", "respond_citizen", "resolve_investigation"] as const)
    .map((kind) => newClockRow(settings, complaintClass, kind, at))
    .filter((r): r is Omit<SlaClock, "id" | "ticketId"> => r !== null);
  const work = rows.filter((c) => c.kind !== "auto_close" && c.dueAt);
  const pick = work.length ? work : rows.filter((c) => c.dueAt);
  const next = rows.map((c) => c.nextEventAt?.getTime()).filter((x): x is number => x != null);
  return {
    rows,
    dueAt: pick.length ? new Date(Math.min(...pick.map((c) => c.dueAt!.getTime()))) : null,
    nextEventAt: next.length ? new Date(Math.min(...next)) : null,
  };
}

async function stopClocks(m: EntityManager, clocks: SlaClock[], at: Date): Promise<void> {
  if (clocks.length === 0) return;
  await m.getRepository(SlaClock).update({ id: In(clocks.map((c) => c.id)) }, { state: "stopped", stoppedAt: at, nextEventAt: null, updatedAt: at });
  for (const c of clocks) Object.assign(c, { state: "stopped", stoppedAt: at, nextEventAt: null });
}

/** Events already recorded for a clock, as "kind:level" keys. */
export async function recordedEvents(m: EntityManager, clockId: number): Promise<Set<string>> {
  const rows = await m.getRepository(SlaEvent).find({ select: { kind: true, level: true }, where: { clockId } });
  return new Set(rows.map((r) => `${r.kind}:${r.level}`));
}

/** The first event of the schedule not yet recorded: the sweep's next stop for this clock. */
export function firstUnrecorded(c: ComputedClock, recorded: Set<string>): ClockEvent | null {
  return c.events.find((e) => !recorded.has(`${e.kind}:${e.level}`)) ?? null;
}

/** Re-derives a clock's schedule from its start and pauses (policy, category or pause changed). */
async function rescheduleClock(m: EntityManager, settings: SlaSettings, c: SlaClock, pauses: PauseInterval[], at: Date): Promise<void> {
  const computed = computeClock(settings, settings.policy.clocks[c.kind], c.startedAt, pauses);
  const next = computed.state === "running" ? firstUnrecorded(computed, await recordedEvents(m, c.id)) : null;
  const patch: Partial<SlaClock> = {
    pausesJson: pauses.length ? serializePauses(pauses) : null,
    // An edit of the same policy keeps the basis the clock started with; a ticket moved to another
    // policy (category, class or priority changed: an audited decision on the case) takes its basis.
    ...(settings.policyId !== c.policyId ? { legalBasis: JSON.stringify(settings.policy.clocks[c.kind].basis) } : {}),
    policyId: settings.policyId,
    state: computed.state,
    warnAt: computed.warnAt,
    dueAt: computed.dueAt,
    nextEventAt: next?.at ?? null,
    updatedAt: at,
  };
  await m.getRepository(SlaClock).update({ id: c.id }, patch);
  Object.assign(c, patch);
}

export interface ClockTransition {
  ticket: Ticket;
  /** Status before the change; null for a new ticket. */
  from: TicketStatus | null;
  createdForwards: Forward[];
  closedForwardIds: number[];
  /** Forwards whose answer now waits for an operator's review (the review clock starts). */
  heldForwardIds?: number[];
  /** Forwards whose answer was sent back: the OPD works again, on a fresh follow-up clock. */
  sentBackForwardIds?: number[];
  at: Date;
}

/**
 * The lifecycle's effect on clocks (CLOCK_KIND_INFO): which start, stop, pause and resume.
 * Called by every command that changes a ticket's status or forwards, in its transaction.
 */
export async function syncClocks(m: EntityManager, t: ClockTransition): Promise<void> {
  const { ticket, at } = t;
  const settings = await slaSettingsFor(m, ticket);
  const repo = m.getRepository(SlaClock);
  const active = await repo.find({ where: { ticketId: ticket.id, state: In(["running", "paused"]) } });
  const running = (kind: ClockKind, forwardId: number | null = null) => active.find((c) => c.kind === kind && c.forwardId === forwardId && c.state !== "stopped");
  const to = ticket.status;

  if (t.from === null) {
    for (const kind of ["verify_forward", "respond_citizen", "resolve_investigation"] as const) await startClock(m, settings, ticket, kind, at);
  }
  for (const f of t.createdForwards) await startClock(m, settings, ticket, "opd_followup", at, f.id);
  if (t.createdForwards.length) await stopClocks(m, active.filter((c) => c.kind === "verify_forward"), at);
  if (t.closedForwardIds.length) await stopClocks(m, active.filter((c) => c.forwardId != null && t.closedForwardIds.includes(c.forwardId)), at);
  for (const id of t.heldForwardIds ?? []) await startClock(m, settings, ticket, "review_answer", at, id);
  for (const id of t.sentBackForwardIds ?? []) await startClock(m, settings, ticket, "opd_followup", at, id);

  if (t.from !== to) {
    if ((to === "returned" || to === "reopened") && !running("verify_forward")) await startClock(m, settings, ticket, "verify_forward", at);
    if (to === "reopened") await stopClocks(m, active.filter((c) => c.kind === "auto_close"), at);
    if (to === "answered") await stopClocks(m, active.filter((c) => c.kind === "respond_citizen"), at);
    if ((to === "answered" || to === "resolved") && !running("auto_close")) await startClock(m, settings, ticket, "auto_close", at);
    if (to === "resolved") await stopClocks(m, active.filter((c) => c.kind === "resolve_investigation" || c.kind === "respond_citizen"), at);
    if (to === "closed" || to === "rejected" || to === "merged") await stopClocks(m, active.filter((c) => c.state !== "stopped"), at);
    if (to === "waiting_on_citizen") {
      for (const c of active.filter((x) => x.state === "running" && settings.policy.clocks[x.kind].pausesWhileWaitingOnCitizen)) {
        await rescheduleClock(m, settings, c, [...parsePauses(c.pausesJson), { from: at, to: null }], at);
      }
    }
    if (t.from === "waiting_on_citizen") {
      for (const c of active.filter((x) => x.state === "paused")) {
        const pauses = parsePauses(c.pausesJson).map((p) => (p.to === null ? { from: p.from, to: at } : p));
        await rescheduleClock(m, settings, c, pauses, at);
      }
    }
  }
  await refreshDue(m, ticket, at);
}

/** Category, complaint class or policy changed: running and paused clocks follow the new policy. */
export async function recomputeClocks(m: EntityManager, ticket: Ticket, at: Date): Promise<void> {
  const settings = await slaSettingsFor(m, ticket);
  const active = await m.getRepository(SlaClock).find({ where: { ticketId: ticket.id, state: In(["running", "paused"]) } });
  // The class decides whether the resolution clock runs: it starts (from receipt) or stops.
  const investigation = settings.policy.clocks.resolve_investigation.onlyForInvestigation ? INVESTIGATION_CLASSES.has(ticket.complaintClass) : true;
  const resolution = active.find((c) => c.kind === "resolve_investigation");
  if (!investigation && resolution) await stopClocks(m, [resolution], at);
  if (investigation && !resolution && ticket.isOpen && !["resolved", "closed"].includes(ticket.status)) {
    const ever = await m.getRepository(SlaClock).count({ where: { ticketId: ticket.id, kind: "resolve_investigation" } });
    if (ever === 0) {
      const c = await startClock(m, settings, ticket, "resolve_investigation", ticket.receivedAt);
      if (c) active.push(c);
    }
  }
  for (const c of active) if (c.state !== "stopped") await rescheduleClock(m, settings, c, parsePauses(c.pausesJson), at);
  await refreshDue(m, ticket, at);
}

/** Copies due times onto the ticket (its nearest work clock) and onto each open forward. */
export async function refreshDue(m: EntityManager, ticket: Ticket, at: Date): Promise<void> {
  const clocks = await m.getRepository(SlaClock).find({ where: { ticketId: ticket.id, state: "running" } });
  const work = clocks.filter((c) => c.kind !== "auto_close" && c.dueAt);
  const pick = work.length ? work : clocks.filter((c) => c.dueAt);
  const dueAt = pick.length ? new Date(Math.min(...pick.map((c) => c.dueAt!.getTime()))) : null;
  if ((ticket.dueAt?.getTime() ?? null) !== (dueAt?.getTime() ?? null)) {
    await m.getRepository(Ticket).update({ id: ticket.id }, { dueAt, updatedAt: at });
    ticket.dueAt = dueAt;
  }
  const next = clocks.map((c) => c.nextEventAt?.getTime()).filter((x): x is number => x != null);
  afterCommit(m, { type: "sla-next", ticketId: ticket.id, at: next.length ? new Date(Math.min(...next)) : null });
  const forwards = await m.getRepository(Forward).find({ where: { ticketId: ticket.id, isOpen: true } });
  for (const f of forwards) {
    const c = clocks.find((x) => x.forwardId === f.id && x.kind === "opd_followup");
    const fDue = c?.dueAt ?? null;
    if ((f.dueAt?.getTime() ?? null) !== (fDue?.getTime() ?? null)) await m.getRepository(Forward).update({ id: f.id }, { dueAt: fDue });
  }
}
