// The SLA screens' presenters: calendars, policies, clocks and staff notifications.
import { type CalendarWithHolidays } from "../../commands/save-calendar.js";
import { type ClockDefinition, type LocalizedText, type SlaPolicy } from "../../domain/sla/policy.js";
import { Notification, SlaClock, SlaEvent, SlaPolicyRow } from "../../entities/sla.entity.js";
import { notificationSubject, type OpenedTicket } from "../../queries/access-gate.js";

export const presentCalendar = ({ calendar: c, holidays }: CalendarWithHolidays) => ({
  id: c.id,
  name: c.name,
  timeZone: c.timeZone,
  workingHours: JSON.parse(c.workingHours) as unknown,
  isDefault: c.isDefault,
  holidays: holidays.map((h) => ({ date: h.date, name: h.name, kind: h.kind })),
  createdAt: c.createdAt,
  updatedAt: c.updatedAt,
});

export const presentPolicy = (p: SlaPolicyRow) => ({
  id: p.id,
  name: p.name,
  categoryId: p.categoryId,
  complaintClass: p.complaintClass,
  calendarId: p.calendarId,
  priority: p.priority,
  definition: JSON.parse(p.definition) as SlaPolicy,
  active: p.active,
  createdAt: p.createdAt,
  updatedAt: p.updatedAt,
});

/**
 * A notification: the title names the ticket number and the clock; the complaint's subject is
 * added through the access gate (masked by the field rule), only for a ticket the recipient may
 * open and never for a rahasia one (the recipient opens the ticket for that, and is audited).
 */
export const presentNotification = (n: Notification, o: OpenedTicket | undefined) => ({
  id: n.id,
  ticketId: n.ticketId,
  type: n.type,
  title: n.title,
  body: notificationSubject(o),
  read: n.readAt != null,
  readAt: n.readAt,
  emailedAt: n.emailedAt,
  createdAt: n.createdAt,
});

/**
 * A clock with what the ticket page shows for it: its label and target under its policy now, and
 * its legal basis as it was when the clock started (the snapshot on the row; clocks started before
 * the snapshot existed fall back to the policy's current text).
 */
export const presentClock = (c: SlaClock, events: SlaEvent[], def: ClockDefinition | undefined) => ({
  id: c.id,
  kind: c.kind,
  label: def?.label ?? null,
  target: def?.target ?? null,
  legalBasis: (c.legalBasis ? (JSON.parse(c.legalBasis) as LocalizedText) : null) ?? def?.basis ?? null,
  forwardId: c.forwardId,
  state: c.state,
  startedAt: c.startedAt,
  warnAt: c.warnAt,
  dueAt: c.dueAt,
  stoppedAt: c.stoppedAt,
  breachedAt: c.breachedAt,
  paused: c.state === "paused",
  events: events.filter((e) => e.clockId === c.id).map((e) => ({ kind: e.kind, level: e.level, dueAt: e.dueAt, recordedAt: e.recordedAt })),
});
