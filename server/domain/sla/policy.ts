/**
 * SLA policies: which clocks run on a ticket, how long each may take, when to warn, who is
 * told when a clock is missed, and on what legal basis. Pure data (admins edit it through the
 * API, validated by `slaPolicySchema`) plus pure functions that turn a definition and a start
 * into instants on a business calendar.
 *
 * Choices:
 * - "14 hari" (UU 25/2009) and "60 hari" (Perpres 76/2013) are counted in calendar days: the
 *   texts (seen only in secondary sources) say "hari", not "hari kerja", and the calendar
 *   reading is the stricter one, never later than a working-day reading. Some agencies'
 *   published service standards (SIPPN) say "14/60 hari kerja"; admins can switch the unit.
 * - Verify-and-forward (3), OPD follow-up (5) and auto-close (10) are working days, as the
 *   SP4N-LAPOR! app description states ("paling lambat 3 hari kerja", "5 hari kerja",
 *   "10 hari kerja setelah tindak lanjut ... tanpa adanya balasan dari pelapor").
 * - Warnings fall at a fraction of the clock's own time (office time, or wall time for
 *   calendar-day clocks), rounded to whole minutes after the start.
 * - Escalation delays count from the breach; a zero delay is the breach itself.
 * - Paused time (waiting on the citizen) does not count: the due instant moves by the clock
 *   time spent paused before it. A pause that starts after the clock was already due does
 *   not undo the breach, and the ladder then runs from that breach.
 */
import { z } from "zod";
import { addCalendarDays, addWorkingTime, elapsedWorkingMinutes, type BusinessCalendar } from "./calendar.js";

export const CLOCK_KINDS = ["verify_forward", "opd_followup", "respond_citizen", "resolve_investigation", "auto_close", "review_answer"] as const;
export type ClockKind = (typeof CLOCK_KINDS)[number];

export const DURATION_UNITS = ["working_days", "working_hours", "calendar_days"] as const;
export type DurationUnit = (typeof DURATION_UNITS)[number];

/** Who an escalation goes to; resolved to people by the notifier (opd_head: of the forward's OPD). */
export const ESCALATION_RECIPIENTS = ["assignee", "opd_head", "supervisor", "kominfo_head"] as const;
export type EscalationRecipient = (typeof ESCALATION_RECIPIENTS)[number];

export interface Duration {
  amount: number;
  unit: DurationUnit;
}

export interface LocalizedText {
  id: string;
  en: string;
}

export interface EscalationLevel {
  level: number;
  /** Delay after the breach. */
  after: Duration;
  notify: EscalationRecipient[];
}

export interface ClockDefinition {
  kind: ClockKind;
  label: LocalizedText;
  target: Duration;
  /** Warn when this fraction of the clock's time is used (0 < f < 1). */
  warningFraction: number;
  /** Legal basis or practice the target rests on, and how sure we are. */
  basis: LocalizedText;
  /** Runs only on tickets whose complaint class needs an investigation (pemeriksaan). */
  onlyForInvestigation: boolean;
  /** Stands still while the ticket waits on the citizen (menunggu pelapor). */
  pausesWhileWaitingOnCitizen: boolean;
  escalation: EscalationLevel[];
}

export interface SlaPolicy {
  clocks: Record<ClockKind, ClockDefinition>;
}

/**
 * What each kind means; fixed by the code, not editable: where a clock starts and stops, whether
 * it runs per ticket or per forward (disposisi), and what its due instant triggers.
 */
export const CLOCK_KIND_INFO: Record<
  ClockKind,
  { scope: "ticket" | "forward"; startsOn: string; stopsOn: string; onDue: "escalate" | "close" }
> = {
  verify_forward: { scope: "ticket", startsOn: "received", stopsOn: "forwarded, rejected or merged", onDue: "escalate" },
  opd_followup: { scope: "forward", startsOn: "forward sent", stopsOn: "OPD answers or returns the forward", onDue: "escalate" },
  respond_citizen: { scope: "ticket", startsOn: "received", stopsOn: "answered", onDue: "escalate" },
  resolve_investigation: { scope: "ticket", startsOn: "received", stopsOn: "resolved", onDue: "escalate" },
  auto_close: { scope: "ticket", startsOn: "answered", stopsOn: "citizen replies", onDue: "close" },
  review_answer: { scope: "forward", startsOn: "OPD answer held for review", stopsOn: "operator approves or sends it back", onDue: "escalate" },
};

// ---------------------------------------------------------------------------------------------
// Validation

const MAX_AMOUNT: Record<DurationUnit, number> = { working_days: 3650, working_hours: 20_000, calendar_days: 3650 };

const durationSchema = z
  .object({ amount: z.number().finite().nonnegative(), unit: z.enum(DURATION_UNITS) })
  .superRefine((d, ctx) => {
    if (d.unit !== "working_hours" && !Number.isInteger(d.amount)) {
      ctx.addIssue({ code: "custom", message: "days must be whole numbers", path: ["amount"] });
    }
    if (d.amount > MAX_AMOUNT[d.unit]) {
      ctx.addIssue({ code: "custom", message: `at most ${MAX_AMOUNT[d.unit]} ${d.unit}`, path: ["amount"] });
    }
  });

const textSchema = z.object({ id: z.string().trim().min(1).max(2000), en: z.string().trim().min(1).max(2000) });

const escalationLevelSchema = z.object({
  level: z.number().int().min(1).max(10),
  after: durationSchema,
  notify: z.array(z.enum(ESCALATION_RECIPIENTS)).min(1),
});

export const clockDefinitionSchema = z
  .object({
    kind: z.enum(CLOCK_KINDS),
    label: textSchema,
    target: durationSchema.refine((d) => d.amount > 0, { message: "target must be more than zero", path: ["amount"] }),
    warningFraction: z.number().gt(0).lt(1).default(0.75),
    basis: textSchema,
    onlyForInvestigation: z.boolean().default(false),
    pausesWhileWaitingOnCitizen: z.boolean().default(true),
    escalation: z.array(escalationLevelSchema).max(10).default([]),
  })
  .superRefine((def, ctx) => {
    for (let i = 1; i < def.escalation.length; i++) {
      const prev = def.escalation[i - 1];
      const cur = def.escalation[i];
      if (cur.level <= prev.level) {
        ctx.addIssue({ code: "custom", message: "levels must be in ascending order", path: ["escalation", i, "level"] });
      }
      if (cur.after.unit === prev.after.unit && cur.after.amount < prev.after.amount) {
        ctx.addIssue({ code: "custom", message: "a higher level cannot come before a lower one", path: ["escalation", i, "after"] });
      }
    }
  }) satisfies z.ZodType<ClockDefinition>;

export const slaPolicySchema = z
  .object({
    clocks: z.object({
      verify_forward: clockDefinitionSchema,
      opd_followup: clockDefinitionSchema,
      respond_citizen: clockDefinitionSchema,
      resolve_investigation: clockDefinitionSchema,
      auto_close: clockDefinitionSchema,
      // Policies saved before the review existed have no such clock: they get the default one.
      review_answer: clockDefinitionSchema.default(() => structuredClone(DEFAULT_REVIEW_CLOCK)),
    }),
  })
  .superRefine((policy, ctx) => {
    for (const kind of CLOCK_KINDS) {
      if (policy.clocks[kind].kind !== kind) {
        ctx.addIssue({ code: "custom", message: `must be "${kind}"`, path: ["clocks", kind, "kind"] });
      }
    }
  }) satisfies z.ZodType<SlaPolicy>;

// ---------------------------------------------------------------------------------------------
// Defaults

const DEFAULT_LADDER: EscalationLevel[] = [
  { level: 1, after: { amount: 0, unit: "working_days" }, notify: ["assignee", "opd_head"] },
  { level: 2, after: { amount: 1, unit: "working_days" }, notify: ["supervisor"] },
  { level: 3, after: { amount: 2, unit: "working_days" }, notify: ["kominfo_head"] },
];

/**
 * The operator's review of an OPD answer (only where an OPD or category asks for it). Not set by
 * a regulation: a working day keeps the review from stalling the case, whose own clock to the
 * citizen (respond_citizen) keeps running meanwhile.
 */
const DEFAULT_REVIEW_CLOCK: ClockDefinition = {
  kind: "review_answer",
  label: { id: "Pemeriksaan jawaban OPD", en: "Review of the OPD answer" },
  target: { amount: 1, unit: "working_days" },
  warningFraction: 0.75,
  basis: {
    id: "Ketentuan internal pusat kendali (bukan peraturan): jawaban OPD diperiksa paling lama 1 hari kerja agar pemeriksaan tidak menahan tanggapan kepada pelapor (UU 25/2009, 14 hari).",
    en: "Command-center rule (not a regulation): an OPD answer is reviewed within 1 working day so the review does not hold up the answer to the citizen (Law 25/2009, 14 days).",
  },
  onlyForInvestigation: false,
  pausesWhileWaitingOnCitizen: false,
  escalation: [
    { level: 1, after: { amount: 0, unit: "working_days" }, notify: ["assignee", "supervisor"] },
    { level: 2, after: { amount: 1, unit: "working_days" }, notify: ["kominfo_head"] },
  ],
};

export const DEFAULT_POLICY: SlaPolicy = {
  clocks: {
    verify_forward: {
      kind: "verify_forward",
      label: { id: "Verifikasi dan disposisi", en: "Verify and forward" },
      target: { amount: 3, unit: "working_days" },
      warningFraction: 0.75,
      basis: {
        id: "Praktik SP4N-LAPOR! (FAQ): laporan diverifikasi dan diteruskan ke instansi paling lambat 3 hari kerja.",
        en: "SP4N-LAPOR! practice (FAQ): reports are verified and forwarded to the agency within 3 working days.",
      },
      onlyForInvestigation: false,
      pausesWhileWaitingOnCitizen: true,
      // Before a forward there is no OPD: the operator holding the ticket, then the supervisor.
      escalation: [
        { level: 1, after: { amount: 0, unit: "working_days" }, notify: ["assignee"] },
        { level: 2, after: { amount: 1, unit: "working_days" }, notify: ["supervisor"] },
        { level: 3, after: { amount: 2, unit: "working_days" }, notify: ["kominfo_head"] },
      ],
    },
    opd_followup: {
      kind: "opd_followup",
      label: { id: "Tindak lanjut OPD", en: "OPD follow-up" },
      target: { amount: 5, unit: "working_days" },
      warningFraction: 0.75,
      basis: {
        id: "Praktik SP4N-LAPOR!: instansi diberi waktu paling lambat 5 hari kerja sejak disposisi untuk koordinasi dan tindak lanjut.",
        en: "SP4N-LAPOR! practice: the agency has at most 5 working days from each forward to coordinate and follow up.",
      },
      onlyForInvestigation: false,
      pausesWhileWaitingOnCitizen: true,
      escalation: DEFAULT_LADDER,
    },
    respond_citizen: {
      kind: "respond_citizen",
      label: { id: "Tanggapan kepada pelapor", en: "Respond to the complainant" },
      target: { amount: 14, unit: "calendar_days" },
      warningFraction: 0.75,
      basis: {
        id: "UU 25/2009 tentang Pelayanan Publik (sumber sekunder): pengaduan ditanggapi paling lambat 14 hari sejak diterima; dihitung hari kalender karena teksnya tidak menyebut hari kerja.",
        en: "Law 25/2009 on Public Services (secondary source): complaints are answered within 14 days of receipt; counted as calendar days because the text does not say working days.",
      },
      onlyForInvestigation: false,
      pausesWhileWaitingOnCitizen: true,
      escalation: DEFAULT_LADDER,
    },
    resolve_investigation: {
      kind: "resolve_investigation",
      label: { id: "Penyelesaian pengaduan yang memerlukan pemeriksaan", en: "Resolve complaints needing investigation" },
      target: { amount: 60, unit: "calendar_days" },
      warningFraction: 0.75,
      basis: {
        id: "Perpres 76/2013 tentang Pengelolaan Pengaduan Pelayanan Publik (sumber sekunder): penyelesaian paling lambat 60 hari; dihitung hari kalender.",
        en: "Presidential Regulation 76/2013 on Public Service Complaint Management (secondary source): resolution within 60 days; counted as calendar days.",
      },
      onlyForInvestigation: true,
      pausesWhileWaitingOnCitizen: true,
      escalation: DEFAULT_LADDER,
    },
    auto_close: {
      kind: "auto_close",
      label: { id: "Penutupan otomatis tanpa balasan pelapor", en: "Auto-close without the citizen's reply" },
      target: { amount: 10, unit: "working_days" },
      warningFraction: 0.75,
      basis: {
        id: "SP4N-LAPOR!: aduan dianggap selesai bila 10 hari kerja setelah tindak lanjut tidak ada balasan dari pelapor (satu sumber).",
        en: "SP4N-LAPOR!: a report counts as done when the citizen has not replied 10 working days after the follow-up (one source).",
      },
      onlyForInvestigation: false,
      // This clock is the wait on the citizen itself.
      pausesWhileWaitingOnCitizen: false,
      escalation: [],
    },
    review_answer: DEFAULT_REVIEW_CLOCK,
  },
};

/** The clocks that run on a ticket of this class. */
export function applicableClocks(policy: SlaPolicy, ticket: { needsInvestigation: boolean }): ClockDefinition[] {
  return CLOCK_KINDS.map((k) => policy.clocks[k]).filter((d) => ticket.needsInvestigation || !d.onlyForInvestigation);
}

// ---------------------------------------------------------------------------------------------
// Instants

const MINUTE = 60_000;

/** `from` plus a duration on the calendar. */
export function addDuration(cal: BusinessCalendar, from: Date, d: Duration): Date {
  switch (d.unit) {
    case "working_days":
      return addWorkingTime(cal, from, { workingDays: d.amount });
    case "working_hours":
      return addWorkingTime(cal, from, { workingHours: d.amount });
    case "calendar_days":
      return addCalendarDays(cal, from, d.amount);
  }
}

/** Time between two instants as a clock of this unit counts it: office minutes, or wall minutes. */
export function clockMinutesBetween(cal: BusinessCalendar, unit: DurationUnit, from: Date, to: Date): number {
  return unit === "calendar_days" ? (to.getTime() - from.getTime()) / MINUTE : elapsedWorkingMinutes(cal, from, to);
}

/** Moves an instant later by clock minutes (the time a pause held the clock). */
function shiftByClockMinutes(cal: BusinessCalendar, unit: DurationUnit, at: Date, minutes: number): Date {
  if (!(minutes > 0)) return at;
  return unit === "calendar_days" ? new Date(at.getTime() + minutes * MINUTE) : addWorkingTime(cal, at, { workingMinutes: minutes });
}

/**
 * When the clock is due. `pausedMinutes` is the clock time spent paused so far (office minutes,
 * or wall minutes for calendar-day clocks), as the ticket row accumulates it.
 */
export function clockDeadline(cal: BusinessCalendar, def: ClockDefinition, startedAt: Date, pausedMinutes = 0): Date {
  return shiftByClockMinutes(cal, def.target.unit, addDuration(cal, startedAt, def.target), pausedMinutes);
}

/** When `def.warningFraction` of the clock's time is used. */
export function warningAt(cal: BusinessCalendar, def: ClockDefinition, startedAt: Date, pausedMinutes = 0): Date {
  const unit = def.target.unit;
  const total = clockMinutesBetween(cal, unit, startedAt, addDuration(cal, startedAt, def.target));
  const nominal = shiftByClockMinutes(cal, unit, startedAt, Math.round(def.warningFraction * total));
  return shiftByClockMinutes(cal, unit, nominal, pausedMinutes);
}

export interface ClockSchedule {
  warningAt: Date;
  /** The breach instant; escalation level 1 is usually here. */
  dueAt: Date;
  escalations: { level: number; at: Date; notify: EscalationRecipient[] }[];
}

function ladder(cal: BusinessCalendar, def: ClockDefinition, warning: Date, due: Date): ClockSchedule {
  return {
    warningAt: warning,
    dueAt: due,
    escalations: def.escalation.map((l) => ({ level: l.level, at: addDuration(cal, due, l.after), notify: [...l.notify] })),
  };
}

/** Warning, breach and every escalation level, for a clock with `pausedMinutes` paused so far. */
export function escalationTimes(cal: BusinessCalendar, def: ClockDefinition, startedAt: Date, pausedMinutes = 0): ClockSchedule {
  return ladder(cal, def, warningAt(cal, def, startedAt, pausedMinutes), clockDeadline(cal, def, startedAt, pausedMinutes));
}

// ---------------------------------------------------------------------------------------------
// Pauses

/** A stretch of waiting on the citizen; `to: null` = still waiting. */
export interface PauseInterval {
  from: Date;
  to: Date | null;
}

export type ClockState =
  | { state: "running"; schedule: ClockSchedule; pausedMinutes: number }
  /** Due instant unknown until the pause ends; `remainingMinutes` of clock time were left when it began. */
  | { state: "paused"; since: Date; remainingMinutes: number; pausedMinutes: number };

/** Pauses clipped to the clock's start, sorted and merged; an open pause swallows later ones. */
function normalizePauses(startedAt: Date, pauses: readonly PauseInterval[]): PauseInterval[] {
  const start = startedAt.getTime();
  const sorted = pauses
    .map((p) => ({ from: Math.max(p.from.getTime(), start), to: p.to === null ? Infinity : p.to.getTime() }))
    .filter((p) => p.to > p.from)
    .sort((a, b) => a.from - b.from);
  const merged: { from: number; to: number }[] = [];
  for (const p of sorted) {
    const last = merged[merged.length - 1];
    if (last !== undefined && p.from <= last.to) last.to = Math.max(last.to, p.to);
    else merged.push({ ...p });
  }
  return merged.map((p) => ({ from: new Date(p.from), to: p.to === Infinity ? null : new Date(p.to) }));
}

type Shifted = { kind: "at"; at: Date; pausedMinutes: number } | { kind: "paused"; since: Date; pausedMinutes: number; left: Date };

/** Moves a nominal instant by every pause that began before it (the instant moves as it goes). */
function shiftByPauses(cal: BusinessCalendar, unit: DurationUnit, nominal: Date, pauses: PauseInterval[]): Shifted {
  let at = nominal;
  let pausedMinutes = 0;
  for (const p of pauses) {
    if (p.from.getTime() >= at.getTime()) break;
    if (p.to === null) return { kind: "paused", since: p.from, pausedMinutes, left: at };
    const minutes = clockMinutesBetween(cal, unit, p.from, p.to);
    pausedMinutes += minutes;
    at = shiftByClockMinutes(cal, unit, at, minutes);
  }
  return { kind: "at", at, pausedMinutes };
}

/**
 * The clock's state given its start and every pause so far. Exact where `escalationTimes`
 * with a paused total is not: a pause after the warning moves the breach but not the warning.
 * Pauses are ignored for clocks that do not pause (auto_close).
 */
export function clockWithPauses(
  cal: BusinessCalendar,
  def: ClockDefinition,
  startedAt: Date,
  pauses: readonly PauseInterval[],
): ClockState {
  const unit = def.target.unit;
  const merged = def.pausesWhileWaitingOnCitizen ? normalizePauses(startedAt, pauses) : [];
  const due = shiftByPauses(cal, unit, clockDeadline(cal, def, startedAt), merged);
  if (due.kind === "paused") {
    return {
      state: "paused",
      since: due.since,
      remainingMinutes: clockMinutesBetween(cal, unit, due.since, due.left),
      pausedMinutes: due.pausedMinutes,
    };
  }
  // The warning is never after the breach, so a pause that moved neither cannot be open here.
  const warning = shiftByPauses(cal, unit, warningAt(cal, def, startedAt), merged);
  const warningInstant = warning.kind === "at" ? warning.at : due.at;
  return { state: "running", schedule: ladder(cal, def, warningInstant, due.at), pausedMinutes: due.pausedMinutes };
}
