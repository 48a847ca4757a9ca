import { In, Like, type EntityManager } from "typeorm";
import { Calendar, CalendarHoliday } from "../entities/calendar.entity.js";
import { Notification } from "../entities/sla.entity.js";
import { User } from "../entities/user.entity.js";
import { appendAuditEvent, SYSTEM_ACTOR } from "./append-audit-event.js";

/** From this month on (November) supervisors are told when next year's holidays are missing. */
export const NEXT_YEAR_WARNING_MONTH = 11;
export const CALENDAR_MISSING = "calendar_missing";

export type NextYearCalendarOutcome = { kind: "not_yet" } | { kind: "present"; year: number; holidays: number } | { kind: "missing"; year: number; notified: number };

/**
 * The SLA clocks count working days: without next year's national holidays and cuti bersama in the
 * default calendar, every deadline after 1 January would be wrong. From 1 November (in the
 * calendar's zone), while the default calendar has no holiday in next year, each active supervisor
 * and admin gets one notice (once per year) with what to do.
 */
export async function checkNextYearCalendar(m: EntityManager, at: Date): Promise<NextYearCalendarOutcome> {
  const calendar = await m.getRepository(Calendar).findOneBy({ isDefault: true });
  const timeZone = calendar?.timeZone ?? "Asia/Jakarta";
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit" }).formatToParts(at);
  const year = Number(parts.find((p) => p.type === "year")!.value);
  const month = Number(parts.find((p) => p.type === "month")!.value);
  if (month < NEXT_YEAR_WARNING_MONTH) return { kind: "not_yet" };
  const next = year + 1;
  const holidays = calendar ? await m.getRepository(CalendarHoliday).countBy({ calendarId: calendar.id, date: Like(`${next}-%`) }) : 0;
  if (holidays > 0) return { kind: "present", year: next, holidays };
  const title = `Kalender hari libur ${next} belum diisi / The ${next} holiday calendar is missing`;
  const users = await m.getRepository(User).findBy({ role: In(["supervisor", "admin"]), active: true });
  const told = new Set((await m.getRepository(Notification).findBy({ type: CALENDAR_MISSING, title })).map((n) => n.userId));
  const rows = users
    .filter((u) => !told.has(u.id))
    .map((u) => ({
      userId: u.id,
      ticketId: null,
      slaEventId: null,
      type: CALENDAR_MISSING,
      title,
      body:
        `Tenggat SLA setelah 1 Januari ${next} dihitung tanpa hari libur nasional dan cuti bersama. Admin: buka Kalender kerja, impor daftar SKB ${next} (CSV/ICS) atau ambil libur nasional terhitung. ` +
        `SLA deadlines after 1 January ${next} are counted without national holidays and cuti bersama. Admins: open the business calendar and import the ${next} SKB list (CSV/ICS) or take the computed national holidays.`,
      readAt: null,
      emailedAt: null,
      createdAt: at,
    }));
  if (rows.length) {
    await m.getRepository(Notification).insert(rows);
    await appendAuditEvent(m, { actor: SYSTEM_ACTOR, type: "calendar.next_year_missing", entityType: "calendar", entityId: calendar?.id ?? null, after: { year: next, notifiedUserIds: rows.map((r) => r.userId) }, at });
  }
  return { kind: "missing", year: next, notified: rows.length };
}
