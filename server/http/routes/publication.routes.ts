// The publication preview (issue 14): operators see exactly what the public side will show of a
// report, redact more, and approve that version (stored, audited, in the hash chain).
import type { Router } from "express";
import { z } from "zod";
import { approvePublication } from "../../commands/approve-publication.js";
import { MAX_REDACTIONS, REDACTION_LENGTH } from "../../domain/privacy/public-preview.js";
import { notFound } from "../../lib/errors.js";
import { publicationDraft } from "../../queries/publication-preview.js";
import { openTicketFor } from "../../queries/access-gate.js";
import type { Viewer } from "../../queries/viewer.js";
import { commandContext, unwrap } from "../command-context.js";
import { addRoute, idParams } from "../route.js";
import type { AppDeps } from "../types.js";

const CENTER = ["operator", "supervisor"] as const;

const redactionsBody = z
  .object({
    redactions: z
      .array(z.string().trim().min(REDACTION_LENGTH.min, `a redaction has at least ${REDACTION_LENGTH.min} characters`).max(REDACTION_LENGTH.max))
      .max(MAX_REDACTIONS, `at most ${MAX_REDACTIONS} redactions`),
  })
  .strict();

export function publicationRoutes(router: Router, deps: AppDeps): void {
  // Through the access gate: the row rule, and a rahasia ticket opened here is a recorded read.
  const visible = async (viewer: Viewer, id: number, purpose: "publication" | "publication-preview" | "write") => {
    if (!(await openTicketFor(deps, viewer, id, purpose))) throw notFound(`ticket ${id}`);
  };
  /** The public version of a ticket the viewer may see (with these redactions, if given). */
  const draftFor = async (viewer: Viewer, ticketId: number, purpose: "publication" | "publication-preview", redactions?: Parameters<typeof publicationDraft>[2]) => {
    await visible(viewer, ticketId, purpose);
    const draft = await publicationDraft(deps.db.manager, ticketId, redactions);
    if (!draft) throw notFound(`ticket ${ticketId}`);
    return draft;
  };
  addRoute(router, deps, {
    method: "get", path: "/tickets/:id/publication", tag: "tickets", roles: CENTER, params: idParams,
    summary: "The public version of a report as it will be published (masked, with the approved redactions), with highlights",
    handler: ({ params, viewer }) => draftFor(viewer, params.id, "publication"),
  });
  addRoute(router, deps, {
    method: "post", path: "/tickets/:id/publication/preview", tag: "tickets", roles: CENTER, params: idParams, body: redactionsBody,
    summary: "The public version with these redactions, not stored",
    handler: ({ params, body, viewer }) => draftFor(viewer, params.id, "publication-preview", body.redactions),
  });
  addRoute(router, deps, {
    method: "put",
    path: "/tickets/:id/publication",
    summary: "Approve the public version with these redactions: the public side shows exactly it (audited)",
    tag: "tickets",
    roles: CENTER,
    params: idParams,
    body: redactionsBody,
    async handler({ params, body, viewer, now }) {
      await visible(viewer, params.id, "write");
      return unwrap(await deps.db.tx((m) => approvePublication(m, commandContext(deps, viewer, now), params.id, body.redactions))).draft;
    },
  });
}
