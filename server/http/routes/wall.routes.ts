import type { Router } from "express";
import { z } from "zod";
import { WALL_ROLES } from "../../domain/access/roles.js";
import { presentOn, recordPresence } from "../../commands/record-presence.js";
import { LIVE, type LiveHub } from "../../live/hub.js";
import { notFound } from "../../lib/errors.js";
import { openTicketFor } from "../../queries/access-gate.js";
import { openTickets, wallAgencies, wallEscalations, wallSeries, wallSummary, wallTrending } from "../../queries/wall.js";
import { addRoute, idParams } from "../route.js";
import type { AppDeps } from "../types.js";

const TICKET_READERS = ["operator", "supervisor", "opd_head", "opd_staff"] as const;

/** The command center's wall (/console/#/pusat-kendali): aggregates only, for WALL_ROLES. */
export function wallRoutes(router: Router, deps: AppDeps, live: LiveHub): void {
  const m = () => deps.db.manager;
  addRoute(router, deps, {
    method: "get", path: "/wall/summary", summary: "The wall: today and this week by channel (received, verified, answered, breached…) beside the same span last week; open tickets now", tag: "wall", roles: WALL_ROLES,
    handler: async ({ now }) => {
      await live.freshRollups();
      const open = await live.derivedValue("open", () => openTickets(m()), { maxAgeMs: 30_000, onEvents: true });
      return wallSummary(m(), now, open);
    },
  });
  addRoute(router, deps, {
    method: "get", path: "/wall/agencies", summary: "The wall: per OPD its SLA light (green, yellow warned, red breached), backlog and oldest open disposisi", tag: "wall", roles: WALL_ROLES,
    // Backlog, oldest open and lights per OPD: recomputed per process after events (and every 30 s: warnings come with time).
    handler: () => live.derivedValue("agencies", () => wallAgencies(m(), deps.clock.now()), { maxAgeMs: 30_000, onEvents: true }),
  });
  addRoute(router, deps, {
    method: "get", path: "/wall/series", summary: "The wall: complaints per hour today, per day (14 days) and per category this week", tag: "wall", roles: WALL_ROLES,
    handler: async ({ now }) => {
      await live.freshRollups();
      return wallSeries(m(), now);
    },
  });
  // Clustering compares up to 120 texts pairwise (tens of ms, whatever the number of tickets): kept
  // per process and recomputed in the background at most every 15 s.
  addRoute(router, deps, {
    method: "get", path: "/wall/trending", summary: "The wall: clusters of similar complaints in the last 24 hours (size, category; no text) and the open case clusters (reporters, category, status, number)", tag: "wall", roles: WALL_ROLES,
    handler: () => live.derivedValue("trending", () => wallTrending(m(), deps.clock.now()), { maxAgeMs: 15_000, onEvents: false }),
  });
  addRoute(router, deps, {
    method: "get", path: "/wall/escalations", summary: "The wall: the latest SLA warnings and breaches (ticket number, OPD, category, level)", tag: "wall", roles: WALL_ROLES,
    handler: async ({ now }) => {
      await live.freshRollups();
      return wallEscalations(m(), now);
    },
  });

  // The collision notice: the ticket page beats every 15 s; the stream tells the others.
  const presence = async (viewer: import("../../queries/viewer.js").Viewer, id: number, now: Date, leaving: boolean) => {
    // The row rule of the gate; nothing of the ticket is shown, so no rahasia read is recorded.
    if (!(await openTicketFor(deps, viewer, id, "ticket", { noAudit: true }))) throw notFound(`ticket ${id}`);
    await deps.db.tx((tx) => recordPresence(tx, { ticketId: id, userId: viewer.id, at: now, leaving }));
    live.kick();
    return { ticketId: id, users: leaving ? [] : (await presentOn(m(), id, now, LIVE.presenceTtlMs)).filter((u) => u.id !== viewer.id) };
  };
  addRoute(router, deps, {
    method: "post", path: "/tickets/:id/presence", summary: "I have this ticket open (heartbeat, every 15 s): answers who else has it open", tag: "live", roles: TICKET_READERS, params: idParams, body: z.object({}).strict(),
    handler: ({ viewer, params, now }) => presence(viewer, params.id, now, false),
  });
  addRoute(router, deps, {
    method: "delete", path: "/tickets/:id/presence", summary: "I closed this ticket", tag: "live", roles: TICKET_READERS, params: idParams,
    handler: ({ viewer, params, now }) => presence(viewer, params.id, now, true),
  });
}
