import type { Router } from "express";
import { In } from "typeorm";
import { z } from "zod";
import { changeHolidays, saveCalendar, type CalendarWithHolidays } from "../../commands/save-calendar.js";
import { saveSlaPolicy } from "../../commands/save-sla-policy.js";
import { recomputeOpenClocks, type RecomputeScope } from "../../commands/recompute-open-clocks.js";
import { addWorkingTime, businessCalendarSchema, holidaySchema } from "../../domain/sla/calendar.js";
import { computedNationalHolidays, HOLIDAY_IMPORT_FORMATS, parseHolidayFile } from "../../domain/sla/holiday-import.js";
import { slaPolicySchema, type ClockDefinition, type LocalizedText, type SlaPolicy } from "../../domain/sla/policy.js";
import { TICKET_PRIORITIES } from "../../domain/ticket/priority.js";
import { Calendar, CalendarHoliday } from "../../entities/calendar.entity.js";
import { Notification, SlaClock, SlaEvent, SlaPolicyRow } from "../../entities/sla.entity.js";
import { enqueueRecompute } from "../../jobs/jobs.js";
import { badRequest, notFound } from "../../lib/errors.js";
import { simpleList } from "../../queries/simple-list.js";
import { slaReport } from "../../queries/sla-reports.js";
import { forwardsOfTicket } from "../../queries/tickets.js";
import { notificationSubject, openTicketFor, openTicketsFor, type OpenedTicket } from "../../queries/access-gate.js";
import { isOpdViewer } from "../../queries/viewer.js";
import { loadCalendar, settingsForPolicyId } from "../../clocks/sla-settings.js";
import { saveNotificationSettings } from "../../commands/save-notification-settings.js";
import { User } from "../../entities/user.entity.js";
import { commandContext, unwrap } from "../command-context.js";
import { idList, raListQuery } from "../middleware/ra-list.js";
import { addRoute, idParams } from "../route.js";
import type { AppDeps } from "../types.js";

import { presentCalendar, presentPolicy, presentNotification, presentClock } from "../presenters/sla.presenter.js";
const ADMIN = ["admin"] as const;
const READERS = ["admin", "supervisor"] as const;

const workingHoursSchema = businessCalendarSchema.shape.workingHours;
const calendarFields = {
  name: z.string().trim().min(2).max(100),
  timeZone: businessCalendarSchema.shape.timeZone,
  workingHours: workingHoursSchema.refine((wh) => Object.values(wh).some((spans) => spans.length > 0), "at least one day needs office hours"),
  isDefault: z.boolean().optional(),
  holidays: z.array(holidaySchema).max(5000).optional(),
};
const policyFields = {
  name: z.string().trim().min(2).max(200),
  categoryId: z.number().int().positive().nullable().optional(),
  complaintClass: z.string().trim().min(1).max(32).nullable().optional(),
  calendarId: z.number().int().positive().nullable().optional(),
  priority: z.enum(TICKET_PRIORITIES).nullable().optional(),
  definition: slaPolicySchema,
  active: z.boolean().optional(),
};

const isoInstant = z.iso.datetime({ offset: true, message: "must be an ISO 8601 instant, e.g. 2026-03-13T09:00:00+07:00" });

export function slaRoutes(router: Router, deps: AppDeps) {
  const db = deps.db;
  /** After a commit: open tickets' clocks follow the change (on a worker when there is one). */
  const recompute = async (scope: RecomputeScope) => {
    if (deps.scheduler) await enqueueRecompute(deps.scheduler, scope);
    else await recomputeOpenClocks(db, deps.clock.now(), scope);
  };
  const calendarById = async (id: number) => {
    const c = await db.manager.getRepository(Calendar).findOneBy({ id });
    if (!c) throw notFound(`calendar ${id}`);
    return { calendar: c, holidays: await db.manager.getRepository(CalendarHoliday).find({ where: { calendarId: id }, order: { date: "ASC" } }) };
  };

  // --- Calendars
  addRoute(router, deps, {
    method: "get", path: "/calendars", summary: "List business calendars", tag: "sla", roles: READERS, list: true,
    query: raListQuery(z.object({ id: idList.optional(), q: z.string().max(200).optional() }).strict(), ["id", "name"] as const, ["name", "ASC"]),
    async handler({ query }) {
      const { rows, total } = await simpleList(db.manager.getRepository(Calendar), query, { id: "id", name: "name" }, ["name", "time_zone"]);
      const holidays = rows.length ? await db.manager.getRepository(CalendarHoliday).find({ where: { calendarId: In(rows.map((r) => r.id)) }, order: { date: "ASC" } }) : [];
      return { resource: "calendars", start: query.range.start, total, rows: rows.map((c) => presentCalendar({ calendar: c, holidays: holidays.filter((h) => h.calendarId === c.id) })) };
    },
  });
  addRoute(router, deps, {
    method: "get", path: "/calendars/:id", summary: "One business calendar with its holidays", tag: "sla", roles: READERS, params: idParams,
    async handler({ params }) {
      return presentCalendar(await calendarById(params.id));
    },
  });
  addRoute(router, deps, {
    method: "post", created: true, path: "/calendars", summary: "Create a business calendar", tag: "sla", roles: ADMIN, body: z.object(calendarFields).strict(),
    async handler({ body, viewer, now }) {
      return presentCalendar(unwrap(await db.tx((m) => saveCalendar(m, commandContext(deps, viewer, now), null, body))).value);
    },
  });
  addRoute(router, deps, {
    method: "put", path: "/calendars/:id", summary: "Update a calendar (holidays, when given, replace the list)", tag: "sla", roles: ADMIN, params: idParams,
    body: z.object(calendarFields).partial().strict(),
    async handler({ params, body, viewer, now }) {
      const out = presentCalendar(unwrap(await db.tx((m) => saveCalendar(m, commandContext(deps, viewer, now), params.id, body))).value);
      await recompute({});
      return out;
    },
  });
  addRoute(router, deps, {
    method: "post", path: "/calendars/:id/holidays", summary: "Add, rename or remove holidays (e.g. next year's SKB list)", tag: "sla", roles: ADMIN, params: idParams,
    body: z.object({ upsert: z.array(holidaySchema).max(500).optional(), remove: z.array(z.iso.date()).max(500).optional() }).strict(),
    async handler({ params, body, viewer, now }) {
      const out = presentCalendar(unwrap(await db.tx((m) => changeHolidays(m, commandContext(deps, viewer, now), params.id, body))).value);
      await recompute({});
      return out;
    },
  });

  addRoute(router, deps, {
    method: "post", path: "/calendars/:id/holidays/import",
    summary: "Read holidays from a CSV or ICS file (next year's SKB list): a preview, or applied (added or renamed, none removed)", tag: "sla", roles: ADMIN, params: idParams,
    body: z.object({ format: z.enum(HOLIDAY_IMPORT_FORMATS), content: z.string().min(1, "the file is empty").max(200_000, "the file is larger than 200 kB"), apply: z.boolean().default(false) }).strict(),
    async handler({ params, body, viewer, now }) {
      await calendarById(params.id);
      const read = parseHolidayFile(body.format, body.content);
      if (!body.apply) return { ...read, applied: false };
      if (!read.holidays.length) throw badRequest("the file holds no holiday that can be read (berkas tidak memuat hari libur yang dapat dibaca)", { problems: read.problems });
      const calendar = presentCalendar(unwrap(await db.tx((m) => changeHolidays(m, commandContext(deps, viewer, now), params.id, { upsert: read.holidays }))).value);
      await recompute({});
      return { ...read, applied: true, calendar };
    },
  });
  addRoute(router, deps, {
    method: "get", path: "/calendars/:id/holidays/computed",
    summary: "A year's national holidays as the date-holidays package computes them, and which the calendar lacks (no cuti bersama: import the SKB's list)", tag: "sla", roles: READERS, params: idParams,
    query: z.object({ year: z.coerce.number().int().min(2000).max(2100) }).strict(),
    async handler({ params, query }) {
      const { holidays } = await calendarById(params.id);
      const have = new Set(holidays.map((h) => h.date));
      const computed = computedNationalHolidays(query.year);
      return { year: query.year, holidays: computed, missing: computed.filter((h) => !have.has(h.date)) };
    },
  });

  // --- SLA policies
  addRoute(router, deps, {
    method: "get", path: "/sla-policies", summary: "List SLA policies", tag: "sla", roles: READERS, list: true,
    query: raListQuery(z.object({ id: idList.optional(), q: z.string().max(200).optional(), active: z.boolean().optional(), categoryId: z.number().int().positive().optional() }).strict(), ["id", "name"] as const, ["id", "ASC"]),
    async handler({ query }) {
      const { rows, total } = await simpleList(db.manager.getRepository(SlaPolicyRow), query, { id: "id", name: "name", active: "active", categoryId: "category_id" }, ["name"]);
      return { resource: "sla-policies", start: query.range.start, total, rows: rows.map(presentPolicy) };
    },
  });
  addRoute(router, deps, {
    method: "get", path: "/sla-policies/:id", summary: "One SLA policy", tag: "sla", roles: READERS, params: idParams,
    async handler({ params }) {
      const p = await db.manager.getRepository(SlaPolicyRow).findOneBy({ id: params.id });
      if (!p) throw notFound(`SLA policy ${params.id}`);
      return presentPolicy(p);
    },
  });
  addRoute(router, deps, {
    method: "post", created: true, path: "/sla-policies", summary: "Create an SLA policy for a category or complaint class", tag: "sla", roles: ADMIN, body: z.object(policyFields).strict(),
    async handler({ body, viewer, now }) {
      const p = unwrap(await db.tx((m) => saveSlaPolicy(m, commandContext(deps, viewer, now), null, body))).value;
      await recompute({ categoryId: p.categoryId ?? undefined, complaintClass: p.complaintClass ?? undefined, policyId: p.id });
      return presentPolicy(p);
    },
  });
  addRoute(router, deps, {
    method: "put", path: "/sla-policies/:id", summary: "Update an SLA policy; open tickets' clocks follow", tag: "sla", roles: ADMIN, params: idParams,
    body: z.object(policyFields).partial().strict(),
    async handler({ params, body, viewer, now }) {
      const before = await db.manager.getRepository(SlaPolicyRow).findOneBy({ id: params.id });
      const p = unwrap(await db.tx((m) => saveSlaPolicy(m, commandContext(deps, viewer, now), params.id, body))).value;
      const general = p.categoryId == null && p.complaintClass == null;
      await recompute(general ? {} : { categoryId: p.categoryId ?? before?.categoryId ?? undefined, complaintClass: p.complaintClass ?? before?.complaintClass ?? undefined, policyId: p.id });
      return presentPolicy(p);
    },
  });
  addRoute(router, deps, {
    method: "delete", path: "/sla-policies/:id", summary: "Deactivate an SLA policy (its tickets fall back to the next policy)", tag: "sla", roles: ADMIN, params: idParams,
    async handler({ params, viewer, now }) {
      const p = unwrap(await db.tx((m) => saveSlaPolicy(m, commandContext(deps, viewer, now), params.id, { active: false }))).value;
      await recompute({ policyId: p.id });
      return presentPolicy(p);
    },
  });

  // --- Preview and reports
  addRoute(router, deps, {
    method: "get", path: "/sla/preview", summary: "Preview a deadline: from + workingDays or workingHours on a calendar", tag: "sla", roles: READERS,
    query: z
      .object({
        from: isoInstant,
        workingDays: z.coerce.number().min(0).max(3650).optional(),
        workingHours: z.coerce.number().min(0).max(87600).optional(),
        calendar: z.coerce.number().int().positive().optional(),
      })
      .strict()
      .refine((q) => (q.workingDays === undefined) !== (q.workingHours === undefined), "give exactly one of workingDays and workingHours"),
    response: z.object({ due: z.string(), calendar: z.object({ id: z.number(), name: z.string(), timeZone: z.string() }) }),
    async handler({ query }) {
      const repo = db.manager.getRepository(Calendar);
      const row = query.calendar ? await repo.findOneBy({ id: query.calendar }) : await repo.findOneBy({ isDefault: true });
      if (!row) throw query.calendar ? notFound(`calendar ${query.calendar}`) : badRequest("no default calendar; give calendar=<id>");
      const cal = await loadCalendar(db.manager, row);
      const from = new Date(query.from);
      const due = addWorkingTime(cal, from, query.workingDays !== undefined ? { workingDays: query.workingDays } : { workingHours: query.workingHours! });
      return { due: due.toISOString(), calendar: { id: row.id, name: row.name, timeZone: row.timeZone } };
    },
  });
  addRoute(router, deps, {
    method: "get", path: "/sla/reports", summary: "OPD follow-up performance per OPD or category: share within clock, median/p90 working time, open breaches", tag: "sla", roles: "authenticated",
    query: z
      .object({ groupBy: z.enum(["agency", "category"]).default("agency"), from: isoInstant.optional(), to: isoInstant.optional() })
      .strict(),
    async handler({ query, viewer, now }) {
      const to = query.to ? new Date(query.to) : now;
      const from = query.from ? new Date(query.from) : new Date(to.getTime() - 30 * 86_400_000);
      if (from >= to) throw badRequest("from must be before to");
      const rows = await slaReport(db.manager, { groupBy: query.groupBy, from, to, now, agencyId: isOpdViewer(viewer) ? (viewer.agencyId ?? -1) : undefined });
      return { groupBy: query.groupBy, from: from.toISOString(), to: to.toISOString(), rows };
    },
  });
  addRoute(router, deps, {
    method: "get", path: "/tickets/:id/clocks", summary: "A ticket's SLA clocks with their warnings and breaches", tag: "sla", roles: "authenticated", params: idParams,
    async handler({ params, viewer }) {
      const o = await openTicketFor(deps, viewer, params.id, "clocks");
      if (!o) throw notFound(`ticket ${params.id}`);
      const t = o.ticket;
      const clocks = await db.manager.getRepository(SlaClock).find({ where: { ticketId: t.id }, order: { id: "ASC" } });
      const events = clocks.length ? await db.manager.getRepository(SlaEvent).find({ where: { clockId: In(clocks.map((c) => c.id)) }, order: { id: "ASC" } }) : [];
      // OPD users see the ticket-wide clocks and their own OPD's forward clocks.
      const ownForwards = isOpdViewer(viewer) ? new Set((await forwardsOfTicket(db.manager, t.id)).filter((f) => f.agencyId === viewer.agencyId).map((f) => f.id)) : null;
      const own = ownForwards ? clocks.filter((c) => c.forwardId == null || ownForwards.has(c.forwardId)) : clocks;
      const policies = new Map<number | null, SlaPolicy>();
      for (const id of new Set(own.map((c) => c.policyId))) policies.set(id, (await settingsForPolicyId(db.manager, id)).policy);
      return own.map((c) => presentClock(c, events, policies.get(c.policyId)?.clocks[c.kind]));
    },
  });

  // --- Notifications (each user's own)
  addRoute(router, deps, {
    method: "get", path: "/notifications", summary: "My notifications, newest first", tag: "notifications", roles: "authenticated", list: true,
    query: raListQuery(z.object({ id: idList.optional(), unread: z.boolean().optional(), ticketId: z.number().int().positive().optional() }).strict(), ["id", "createdAt"] as const, ["id", "DESC"]),
    async handler({ query, viewer }) {
      const { unread, ...rest } = query.filter ?? {};
      const { rows, total } = await simpleList(
        db.manager.getRepository(Notification),
        { ...query, filter: rest },
        { id: "id", createdAt: "created_at", ticketId: "ticket_id" },
        [],
        (qb) => {
          qb.andWhere("x.user_id = :me", { me: viewer.id });
          if (unread === true) qb.andWhere("x.read_at IS NULL");
          if (unread === false) qb.andWhere("x.read_at IS NOT NULL");
        },
      );
      const opened = await openTicketsFor(deps, viewer, rows.map((n) => n.ticketId).filter((x): x is number => x != null), "notifications", { noAudit: true });
      return { resource: "notifications", start: query.range.start, total, rows: rows.map((n) => presentNotification(n, n.ticketId != null ? opened.get(n.ticketId) : undefined)) };
    },
  });
  addRoute(router, deps, {
    method: "get", path: "/notifications/unread-count", summary: "How many of my notifications are unread", tag: "notifications", roles: "authenticated",
    response: z.object({ unread: z.number() }),
    async handler({ viewer }) {
      const unread = await db.manager.getRepository(Notification).createQueryBuilder("n").where("n.user_id = :me AND n.read_at IS NULL", { me: viewer.id }).getCount();
      return { unread };
    },
  });
  addRoute(router, deps, {
    method: "get", path: "/notifications/settings", summary: "How my notices reach me by e-mail: one per notice, or a daily digest", tag: "notifications", roles: "authenticated",
    response: z.object({ digest: z.boolean() }),
    async handler({ viewer }) {
      const me = await db.manager.getRepository(User).findOneBy({ id: viewer.id });
      if (!me) throw notFound("user");
      return { digest: me.notifyDigest };
    },
  });
  addRoute(router, deps, {
    method: "put", path: "/notifications/settings", summary: "Choose a daily e-mail digest of my notices instead of one e-mail each", tag: "notifications", roles: "authenticated",
    body: z.object({ digest: z.boolean() }).strict(),
    response: z.object({ digest: z.boolean() }),
    async handler({ body, viewer, now }) {
      return unwrap(await db.tx((m) => saveNotificationSettings(m, commandContext(deps, viewer, now), viewer.id, body))).value;
    },
  });
  addRoute(router, deps, {
    method: "post", path: "/notifications/read", summary: "Mark my notifications read (the given ids, or all)", tag: "notifications", roles: "authenticated",
    body: z.object({ ids: z.array(z.number().int().positive()).max(500).optional(), all: z.literal(true).optional() }).strict().refine((b) => (b.ids === undefined) !== (b.all === undefined), "give ids or all: true"),
    async handler({ body, viewer, now }) {
      const updated = await db.tx(async (m) => {
        const qb = m.getRepository(Notification).createQueryBuilder().update().set({ readAt: now }).where("user_id = :me AND read_at IS NULL", { me: viewer.id });
        if (body.ids) qb.andWhere("id IN (:...ids)", { ids: body.ids.length ? body.ids : [0] });
        return (await qb.execute()).affected ?? 0;
      });
      const unread = await db.manager.getRepository(Notification).createQueryBuilder("n").where("n.user_id = :me AND n.read_at IS NULL", { me: viewer.id }).getCount();
      return { updated, unread };
    },
  });
}
