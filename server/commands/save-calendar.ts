import { In, type EntityManager } from "typeorm";
import { businessCalendarSchema, type Holiday, type IsoWeekday, type WorkingSpan } from "../domain/sla/calendar.js";
import { Calendar, CalendarHoliday } from "../entities/calendar.entity.js";
import { clearSlaSettingsCache, loadCalendar } from "../clocks/sla-settings.js";
import { appendAuditEvent } from "./append-audit-event.js";
import type { CommandContext } from "./context.js";
import type { SaveOutcome } from "./save-agency.js";

export interface CalendarInput {
  name?: string;
  timeZone?: string;
  workingHours?: Record<IsoWeekday, WorkingSpan[]>;
  isDefault?: boolean;
  /** The whole holiday list (replaces it). */
  holidays?: Holiday[];
}

export interface HolidayChange {
  /** Added, or renamed/re-kinded when the date exists. */
  upsert?: Holiday[];
  /** Local dates removed. */
  remove?: string[];
}

export type CalendarWithHolidays = { calendar: Calendar; holidays: CalendarHoliday[] };

async function withHolidays(m: EntityManager, calendar: Calendar): Promise<CalendarWithHolidays> {
  return { calendar, holidays: await m.getRepository(CalendarHoliday).find({ where: { calendarId: calendar.id }, order: { date: "ASC" } }) };
}

/** Creates (id null) or updates a business calendar; exactly one calendar is the default. */
export async function saveCalendar(m: EntityManager, ctx: CommandContext, id: number | null, input: CalendarInput): Promise<SaveOutcome<CalendarWithHolidays>> {
  const repo = m.getRepository(Calendar);
  const existing = id == null ? null : await repo.findOneBy({ id });
  if (id != null && !existing) return { kind: "not_found", what: `calendar ${id}` };
  if (!existing && (!input.name || !input.timeZone || !input.workingHours)) return { kind: "violation", reason: "a new calendar needs name, timeZone and workingHours" };
  if (existing?.isDefault && input.isDefault === false) return { kind: "violation", reason: "make another calendar the default instead of unsetting this one" };
  const before = existing ? await withHolidays(m, existing) : undefined;
  const row = existing ?? repo.create({ isDefault: false, createdAt: ctx.at });
  if (input.name !== undefined) row.name = input.name;
  if (input.timeZone !== undefined) row.timeZone = input.timeZone;
  if (input.workingHours !== undefined) row.workingHours = JSON.stringify(input.workingHours);
  if (input.isDefault) row.isDefault = true;
  row.updatedAt = ctx.at;
  // The domain validates the whole (e.g. at least one working day).
  const check = businessCalendarSchema.safeParse({ timeZone: row.timeZone, workingHours: JSON.parse(row.workingHours), holidays: input.holidays ?? [] });
  if (!check.success) return { kind: "violation", reason: check.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") };
  if (input.holidays) {
    const dates = input.holidays.map((h) => h.date);
    if (new Set(dates).size !== dates.length) return { kind: "violation", reason: "a date appears twice in holidays" };
  }
  if (row.isDefault && !existing?.isDefault) await repo.createQueryBuilder().update().set({ isDefault: false }).where("is_default = :t", { t: true }).execute();
  const saved = await repo.save(row);
  if (input.holidays) {
    await m.getRepository(CalendarHoliday).delete({ calendarId: saved.id });
    if (input.holidays.length) await m.getRepository(CalendarHoliday).insert(input.holidays.map((h) => ({ ...h, calendarId: saved.id, createdAt: ctx.at })));
  }
  const after = await withHolidays(m, saved);
  await appendAuditEvent(m, {
    actor: ctx.actor,
    type: existing ? "calendar.updated" : "calendar.created",
    entityType: "calendar",
    entityId: saved.id,
    before: before && { ...before.calendar, holidays: before.holidays.length },
    after: { ...saved, holidays: after.holidays.length },
    at: ctx.at,
  });
  clearSlaSettingsCache();
  return { kind: "ok", value: after };
}

/** Adds, renames or removes holidays (e.g. next year's SKB list) without touching the others. */
export async function changeHolidays(m: EntityManager, ctx: CommandContext, id: number, change: HolidayChange): Promise<SaveOutcome<CalendarWithHolidays>> {
  const cal = await m.getRepository(Calendar).findOneBy({ id });
  if (!cal) return { kind: "not_found", what: `calendar ${id}` };
  const repo = m.getRepository(CalendarHoliday);
  const upsert = change.upsert ?? [];
  const dates = upsert.map((h) => h.date);
  if (new Set(dates).size !== dates.length) return { kind: "violation", reason: "a date appears twice" };
  const existing = dates.length ? await repo.find({ where: { calendarId: id, date: In(dates) } }) : [];
  let added = 0;
  let updated = 0;
  for (const h of upsert) {
    const row = existing.find((e) => e.date === h.date);
    if (row) {
      if (row.name !== h.name || row.kind !== h.kind) {
        await repo.update({ id: row.id }, { name: h.name, kind: h.kind });
        updated++;
      }
    } else {
      await repo.insert({ calendarId: id, date: h.date, name: h.name, kind: h.kind, createdAt: ctx.at });
      added++;
    }
  }
  const removed = change.remove?.length ? ((await repo.delete({ calendarId: id, date: In(change.remove) })).affected ?? 0) : 0;
  await m.getRepository(Calendar).update({ id }, { updatedAt: ctx.at });
  await appendAuditEvent(m, { actor: ctx.actor, type: "calendar.holidays_changed", entityType: "calendar", entityId: id, after: { added, updated, removed, dates, removedDates: change.remove ?? [] }, at: ctx.at });
  clearSlaSettingsCache();
  return { kind: "ok", value: await withHolidays(m, { ...cal, updatedAt: ctx.at }) };
}

export { loadCalendar };
