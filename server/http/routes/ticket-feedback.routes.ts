import type { Router } from "express";
import { z } from "zod";
import { notFound } from "../../lib/errors.js";
import { openTicketFor } from "../../queries/access-gate.js";
import { citizenFeedbackOf } from "../../queries/citizen-feedback.js";
import { addRoute, idParams } from "../route.js";
import type { AppDeps } from "../types.js";

const READERS = ["operator", "supervisor", "opd_head", "opd_staff"] as const;

/** What the citizen said about the handling: rating, comment, disputes (the ticket page shows them to staff). */
export function ticketFeedbackRoutes(router: Router, deps: AppDeps) {
  addRoute(router, deps, {
    method: "get", path: "/tickets/:id/citizen-feedback", summary: "The citizen's rating and comment and the reasons of their disputes", tag: "tickets", roles: READERS, params: idParams,
    response: z.object({
      rating: z.object({ rating: z.number(), comment: z.string().nullable(), at: z.string() }).nullable(),
      disputes: z.array(z.object({ at: z.string(), reason: z.string(), byCitizen: z.boolean() })),
    }),
    async handler({ params, viewer }) {
      // The texts are the citizen's own words: through the gate's field rule (masked for an OPD on anonim/rahasia).
      const o = await openTicketFor(deps, viewer, params.id, "citizen-feedback");
      if (!o) throw notFound(`ticket ${params.id}`);
      const f = await citizenFeedbackOf(deps.db.manager, o.ticket.id);
      return {
        rating: f.rating ? { ...f.rating, comment: o.textOrNull(f.rating.comment) } : null,
        disputes: f.disputes.map((d) => ({ ...d, reason: o.text(d.reason) })),
      };
    },
  });
}
