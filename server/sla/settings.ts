import type { EntityManager } from "typeorm";
import { businessCalendarSchema, type BusinessCalendar } from "../domain/sla/calendar.js";
import { DEFAULT_CALENDAR } from "../domain/sla/holidays-id.js";
import { DEFAULT_POLICY, slaPolicySchema, type SlaPolicy } from "../domain/sla/policy.js";
import { Calendar, CalendarHoliday } from "../entities/calendar.entity.js";
import { SlaPolicyRow } from "../entities/sla.entity.js";

export interface SlaSettings {
  policyId: number | null;
  policy: SlaPolicy;
  calendarId: number | null;
  calendar: BusinessCalendar;
}

/** A calendar row and its holidays as the domain's BusinessCalendar. */
export async function loadCalendar(m: EntityManager, row: Calendar): Promise<BusinessCalendar> {
  const holidays = await m.getRepository(CalendarHoliday).find({ where: { calendarId: row.id }, order: { date: "ASC" } });
  return businessCalendarSchema.parse({
    timeZone: row.timeZone,
    workingHours: JSON.parse(row.workingHours),
    holidays: holidays.map((h) => ({ date: h.date, name: h.name, kind: h.kind })),
  }) as BusinessCalendar;
}

/**
 * Settings are read for every clock a command touches; a short-lived cache keeps sweeps over
 * thousands of clocks from re-reading the same policy and calendar. Admin edits clear it.
 */
const cache = new Map<string, { at: number; value: Promise<SlaSettings> }>();
const TTL_MS = 30_000;
export function clearSlaSettingsCache(): void {
  cache.clear();
}

async function policyRowFor(m: EntityManager, ticket: { categoryId: number | null; complaintClass: string }): Promise<SlaPolicyRow | null> {
  const rows = await m.getRepository(SlaPolicyRow).find({ where: { active: true }, order: { id: "ASC" } });
  return (
    rows.find((p) => ticket.categoryId != null && p.categoryId === ticket.categoryId) ??
    rows.find((p) => p.categoryId == null && p.complaintClass === ticket.complaintClass) ??
    rows.find((p) => p.categoryId == null && p.complaintClass == null) ??
    null
  );
}

async function load(m: EntityManager, row: SlaPolicyRow | null): Promise<SlaSettings> {
  const calendars = m.getRepository(Calendar);
  const calRow = (row?.calendarId ? await calendars.findOneBy({ id: row.calendarId }) : null) ?? (await calendars.findOneBy({ isDefault: true }));
  return {
    policyId: row?.id ?? null,
    policy: row ? (slaPolicySchema.parse(JSON.parse(row.definition)) as SlaPolicy) : DEFAULT_POLICY,
    calendarId: calRow?.id ?? null,
    calendar: calRow ? await loadCalendar(m, calRow) : DEFAULT_CALENDAR,
  };
}

/** The policy for a ticket: its category's, else its complaint class's, else the default one. */
export async function slaSettingsFor(m: EntityManager, ticket: { categoryId: number | null; complaintClass: string }): Promise<SlaSettings> {
  const row = await policyRowFor(m, ticket);
  return settingsById(m, row);
}

/** Settings of a known policy row (or the default), cached briefly. */
export async function settingsById(m: EntityManager, row: SlaPolicyRow | null): Promise<SlaSettings> {
  const key = `${row?.id ?? "default"}:${row?.updatedAt?.getTime() ?? 0}`;
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.value;
  const value = load(m, row);
  cache.set(key, { at: Date.now(), value });
  value.catch(() => cache.delete(key));
  return value;
}

export async function settingsForPolicyId(m: EntityManager, policyId: number | null): Promise<SlaSettings> {
  const row = policyId == null ? null : await m.getRepository(SlaPolicyRow).findOneBy({ id: policyId });
  return settingsById(m, row);
}
