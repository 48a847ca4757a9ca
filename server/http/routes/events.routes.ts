import type { Router } from "express";
import type { LiveHub } from "../../live/hub.js";
import { addRoute } from "../route.js";
import type { AppDeps } from "../types.js";

/** The live stream: one per screen (server-sent events), see server/live/hub.ts and docs/command-center.md. */
export function eventsRoutes(router: Router, deps: AppDeps, live: LiveHub): void {
  addRoute(router, deps, {
    method: "get",
    path: "/events",
    summary:
      "Live events (text/event-stream): ticket.created, ticket.changed, sla.warned, sla.breached, notification, presence, wall.changed; ids, statuses and counts only, scoped by the access gate's row rule. Reconnect with Last-Event-ID to catch up.",
    tag: "live",
    roles: "authenticated",
    async handler({ req, res, viewer }) {
      const last = req.get("Last-Event-ID") ?? (typeof req.query.lastEventId === "string" ? req.query.lastEventId : undefined);
      await live.serve(viewer, res, last && last.length <= 80 ? last : undefined, { once: req.query.once === "1" });
    },
  });
}
