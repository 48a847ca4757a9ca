/**
 * Where commands get due times. Until the SLA policies and business calendars of issue 3 are wired
 * in, clocks count calendar days from the start; the interface stays when working days arrive.
 */
export type ClockKind = "verify_forward" | "opd_followup" | "auto_close";

export interface DeadlineService {
  dueFor(kind: ClockKind, from: Date, context?: { categoryId?: number | null; complaintClass?: string }): Date;
}

const DAY = 24 * 60 * 60 * 1000;
const DEFAULT_DAYS: Record<ClockKind, number> = { verify_forward: 3, opd_followup: 5, auto_close: 10 };

export const calendarDayDeadlines: DeadlineService = {
  dueFor: (kind, from) => new Date(from.getTime() + DEFAULT_DAYS[kind] * DAY),
};
