// The rules every report shares (the staff reports, /api/sla/reports and the public /kinerja):
// how long a clock took in working time, whether it was met, percentiles and working days. Each
// rule lives here once.
import { elapsedWorkingMinutes, hhmmToMinutes, ISO_WEEKDAYS, type BusinessCalendar } from "../../domain/sla/calendar.js";

/** A DATETIME as the drivers return it (Date on MySQL, "YYYY-MM-DD HH:MM:SS.mmm" in UTC on SQLite). */
export const toDate = (v: Date | string | null | undefined): Date | null =>
  v == null ? null : v instanceof Date ? v : new Date(/Z$|[+-]\d\d:?\d\d$/.test(v) ? v : `${v.replace(" ", "T")}Z`);

/** Nearest-rank percentile of sorted values (the median is p50 by the same rule). */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Minutes of an ordinary working day of the calendar (its most common non-empty weekday). */
export function workingDayMinutes(cal: BusinessCalendar): number {
  const days = ISO_WEEKDAYS.map((d) => cal.workingHours[d].reduce((s, x) => s + hhmmToMinutes(x.end) - hhmmToMinutes(x.start), 0)).filter((x) => x > 0);
  if (days.length === 0) return 8 * 60;
  const counts = new Map<number, number>();
  for (const d of days) counts.set(d, (counts.get(d) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0]![0];
}

export interface Pause {
  from: string;
  to: string | null;
}
export const parsePauses = (json: string | null | undefined): Pause[] => (json ? (JSON.parse(json) as Pause[]) : []);

/** Working minutes from a clock's start to its end, the paused (waiting-on-citizen) time taken out. */
export function workingMinutesOf(cal: BusinessCalendar, start: Date, end: Date, pauses: readonly Pause[]): number {
  let minutes = elapsedWorkingMinutes(cal, start, end);
  for (const p of pauses) {
    const a = Math.max(new Date(p.from).getTime(), start.getTime());
    const b = Math.min(p.to ? new Date(p.to).getTime() : end.getTime(), end.getTime());
    if (b > a) minutes -= elapsedWorkingMinutes(cal, new Date(a), new Date(b));
  }
  return Math.max(0, minutes);
}

/** One clock's run as the reports see it. */
export interface ClockRun {
  start: Date;
  /** When the step was done (answer, forward, reply…); null while it is not. */
  end: Date | null;
  due: Date | null;
  pauses: readonly Pause[];
  /** A running clock past due counts as missed; a paused one is waiting on the citizen. */
  running: boolean;
}

/**
 * The verdict on a clock at `now`: decided when the step is done or the clock ran out while
 * running; within when done no later than the due instant (or the clock had none); open breach
 * when it still runs past due.
 */
export function clockVerdict(run: ClockRun, now: Date): { decided: boolean; within: boolean; openBreach: boolean } {
  if (run.end) return { decided: true, within: !run.due || run.end.getTime() <= run.due.getTime(), openBreach: false };
  const late = run.running && !!run.due && run.due.getTime() < now.getTime();
  return { decided: late, within: false, openBreach: late };
}

/** Share, median and 90th percentile of a set of clock runs. */
export interface TimingFigures {
  /** Clocks decided (done, or run out). */
  decided: number;
  /** Of those, done within the clock. */
  within: number;
  withinShare: number | null;
  /** Working time of the done ones (hours, and working days of the calendar's ordinary length). */
  medianHours: number | null;
  p90Hours: number | null;
  medianDays: number | null;
  p90Days: number | null;
  /** Still running past due now. */
  openBreaches: number;
}

const round2 = (x: number | null) => (x == null ? null : Math.round(x * 100) / 100);

/** Accumulates clock runs into TimingFigures (each run with its own calendar: the clock's policy's). */
export class TimingAccumulator {
  private minutes: number[] = [];
  private days: number[] = [];
  decided = 0;
  within = 0;
  openBreaches = 0;
  add(run: ClockRun, cal: BusinessCalendar, dayMinutes: number, now: Date): void {
    const v = clockVerdict(run, now);
    if (v.decided) this.decided++;
    if (v.within) this.within++;
    if (v.openBreach) this.openBreaches++;
    if (run.end) {
      const m = workingMinutesOf(cal, run.start, run.end, run.pauses);
      this.minutes.push(m);
      this.days.push(m / dayMinutes);
    }
  }
  figures(): TimingFigures {
    const h = this.minutes.map((m) => m / 60).sort((a, b) => a - b);
    const d = [...this.days].sort((a, b) => a - b);
    return {
      decided: this.decided,
      within: this.within,
      withinShare: this.decided ? round2(this.within / this.decided) : null,
      medianHours: round2(percentile(h, 50)),
      p90Hours: round2(percentile(h, 90)),
      medianDays: round2(percentile(d, 50)),
      p90Days: round2(percentile(d, 90)),
      openBreaches: this.openBreaches,
    };
  }
}
