import type { Router } from "express";
import { z } from "zod";
import { formCluster } from "../../commands/form-cluster.js";
import { removeClusterMember } from "../../commands/remove-cluster-member.js";
import { notFound } from "../../lib/errors.js";
import { openTicketFor, openTicketsFor } from "../../queries/access-gate.js";
import { clusterOf } from "../../queries/case-cluster.js";
import { findVisibleTicket } from "../../queries/tickets.js";
import type { Viewer } from "../../queries/viewer.js";
import { commandContext, unwrap } from "../command-context.js";
import { presentCaseCluster } from "../presenters/case-cluster.presenter.js";
import { addRoute, idParams } from "../route.js";
import type { AppDeps } from "../types.js";

const CENTER = ["operator", "supervisor"] as const;
const TICKET_READERS = ["operator", "supervisor", "opd_head", "opd_staff"] as const;
const id = z.number().int().positive("must be a positive integer");

const formBody = z
  .object({
    memberIds: z.array(id).min(1, "name at least one ticket to group with this one").max(50, "at most 50 tickets at once"),
    /** The operator accepted the duplicate suggestions (GET /tickets/:id/duplicates) or picked the tickets. */
    source: z.enum(["suggestion", "manual"]).default("manual"),
  })
  .strict();
const memberParams = z.object({ id: z.coerce.number().int().positive("must be a positive integer"), memberId: z.coerce.number().int().positive("must be a positive integer") });

/** Case clusters (docs/routing.md): many reports of one problem handled as one case. */
export function clusterRoutes(router: Router, deps: AppDeps) {
  /** The cluster of a ticket (primary or member) as this viewer may see it, through the access gate. */
  const clusterView = async (viewer: Viewer, ticketId: number) => {
    const c = await clusterOf(deps.db.manager, ticketId);
    if (!c) throw notFound(`ticket ${ticketId}`);
    const opened = await openTicketsFor(deps, viewer, [c.primary, ...c.members], "cluster");
    return presentCaseCluster(c.primary, c.members, opened);
  };

  addRoute(router, deps, {
    method: "get",
    path: "/tickets/:id/cluster",
    summary: "The case cluster of a ticket: its primary (disposisi, clock, answer) and the member tickets grouped into it, as the viewer may see them",
    tag: "tickets",
    roles: TICKET_READERS,
    params: idParams,
    async handler({ params, viewer }) {
      if (!(await openTicketFor(deps, viewer, params.id, "cluster"))) throw notFound(`ticket ${params.id}`);
      return clusterView(viewer, params.id);
    },
  });
  addRoute(router, deps, {
    method: "post",
    path: "/tickets/:id/cluster",
    summary: "Group tickets about the same problem into this ticket's case (accept suggestions or pick tickets): one disposisi, one clock, one answer that reaches every reporter",
    tag: "tickets",
    roles: CENTER,
    params: idParams,
    body: formBody,
    async handler({ params, body, viewer, now }) {
      for (const t of [params.id, ...body.memberIds]) if (!(await findVisibleTicket(deps.db.manager, viewer, t))) throw notFound(`ticket ${t}`);
      // A violation (a ticket that cannot join) undoes the whole grouping.
      await deps.db.tx(async (m) => unwrap(await formCluster(m, commandContext(deps, viewer, now), params.id, body.memberIds, body.source)));
      return clusterView(viewer, params.id);
    },
  });
  addRoute(router, deps, {
    method: "delete",
    path: "/tickets/:id/cluster/members/:memberId",
    summary: "Take a ticket out of this case cluster: it becomes a ticket of its own again, with its own clock",
    tag: "tickets",
    roles: CENTER,
    params: memberParams,
    async handler({ params, viewer, now }) {
      for (const t of [params.id, params.memberId]) if (!(await findVisibleTicket(deps.db.manager, viewer, t))) throw notFound(`ticket ${t}`);
      await deps.db.tx(async (m) => unwrap(await removeClusterMember(m, commandContext(deps, viewer, now), params.id, params.memberId)));
      return clusterView(viewer, params.id);
    },
  });
}
