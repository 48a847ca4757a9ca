import type { EntityManager } from "typeorm";
import { DEFAULT_CALENDAR } from "../domain/sla/holidays-id.js";
import { DEFAULT_POLICY } from "../domain/sla/policy.js";
import { Calendar, CalendarHoliday } from "../entities/calendar.entity.js";
import { SlaPolicyRow } from "../entities/sla.entity.js";
import { appendAuditEvent, SYSTEM_ACTOR } from "./append-audit-event.js";

/**
 * A fresh installation gets the default business calendar (WIB, office hours, the 2026 national
 * holidays and cuti bersama of the SKB 3 Menteri) and the default SLA policy. Admins edit both;
 * adding next year's holidays is documented in docs/sla.md.
 */
export async function ensureSlaDefaults(m: EntityManager, at: Date): Promise<{ created: boolean }> {
  if ((await m.getRepository(Calendar).count()) > 0) return { created: false };
  const cal = await m.getRepository(Calendar).save(
    m.getRepository(Calendar).create({
      name: "Kalender kerja provinsi (WIB)",
      timeZone: DEFAULT_CALENDAR.timeZone,
      workingHours: JSON.stringify(DEFAULT_CALENDAR.workingHours),
      isDefault: true,
      createdAt: at,
      updatedAt: at,
    }),
  );
  await m.getRepository(CalendarHoliday).insert(DEFAULT_CALENDAR.holidays.map((h) => ({ calendarId: cal.id, date: h.date, name: h.name, kind: h.kind, createdAt: at })));
  const policy = await m.getRepository(SlaPolicyRow).save(
    m.getRepository(SlaPolicyRow).create({
      name: "Kebijakan SLA bawaan / default policy",
      categoryId: null,
      complaintClass: null,
      calendarId: cal.id,
      definition: JSON.stringify(DEFAULT_POLICY),
      active: true,
      createdAt: at,
      updatedAt: at,
    }),
  );
  await appendAuditEvent(m, { actor: SYSTEM_ACTOR, type: "sla.defaults_installed", entityType: "sla_policy", entityId: policy.id, after: { calendarId: cal.id, holidays: DEFAULT_CALENDAR.holidays.length }, at });
  return { created: true };
}
