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
  closedDaysCache.value = null;
}

/** What chooses a ticket's policy. */
export interface PolicyChoice {
  categoryId: number | null;
  complaintClass: string;
  /** The operator-set criticality (Pergub Sumut 12/2022 Pasal 51); absent: normal. */
  priority?: string | null;
}

/**
 * Category, else complaint class, else the general policy; at each of these a policy for the
 * ticket's priority comes before one for any priority (a policy for another priority never applies).
 */
async function policyRowFor(m: EntityManager, ticket: PolicyChoice): Promise<SlaPolicyRow | null> {
  const rows = await m.getRepository(SlaPolicyRow).find({ where: { active: true }, order: { id: "ASC" } });
  const priority = ticket.priority ?? "normal";
  const levels: ((p: SlaPolicyRow) => boolean)[] = [
    (p) => ticket.categoryId != null && p.categoryId === ticket.categoryId,
    (p) => p.categoryId == null && p.complaintClass != null && p.complaintClass === ticket.complaintClass,
    (p) => p.categoryId == null && p.complaintClass == null,
  ];
  for (const level of levels) {
    const hit = rows.find((p) => level(p) && p.priority === priority) ?? rows.find((p) => level(p) && p.priority == null);
    if (hit) return hit;
  }
  return null;
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
export async function slaSettingsFor(m: EntityManager, ticket: PolicyChoice): Promise<SlaSettings> {
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

const closedDaysCache = { at: 0, value: null as Promise<ReadonlySet<string>> | null };
/**
 * Local dates on which the offices are closed (every holiday of the default calendar), for
 * connectors that keep office hours (the IVR). Cached like the settings; admin edits clear it.
 */
export function closedDaysOf(m: EntityManager, now = Date.now()): Promise<ReadonlySet<string>> {
  if (closedDaysCache.value && now - closedDaysCache.at < TTL_MS) return closedDaysCache.value;
  const value = (async () => {
    const row = await m.getRepository(Calendar).findOneBy({ isDefault: true });
    const cal = row ? await loadCalendar(m, row) : DEFAULT_CALENDAR;
    return new Set(cal.holidays.map((h) => h.date)) as ReadonlySet<string>;
  })();
  value.catch(() => (closedDaysCache.value = null));
  closedDaysCache.at = now;
  closedDaysCache.value = value;
  return value;
}
