import { createReadStream, existsSync } from "node:fs";
import { join, resolve, sep } from "node:path";
import type { Router } from "express";
import { z } from "zod";
import { Attachment } from "../../entities/attachment.entity.js";
import { Ticket } from "../../entities/ticket.entity.js";
import { badRequest, notFound } from "../../lib/errors.js";
import { findVisibleTicket } from "../../queries/tickets.js";
import { raListQuery } from "../middleware/ra-list.js";
import { addRoute, idParams } from "../route.js";
import type { AppDeps } from "../types.js";
import { auditRahasiaRead } from "./tickets.routes.js";

const READERS = ["operator", "supervisor", "opd_head", "opd_staff"] as const;
/** Shown inline in the console; everything else is offered as a download. */
const INLINE = /^image\/(png|jpeg|gif|webp)$/;

const present = (a: Attachment) => ({
  id: a.id,
  ticketId: a.ticketId,
  messageId: a.messageId,
  fileName: a.fileName,
  mimeType: a.mimeType,
  sizeBytes: a.sizeBytes,
  state: a.fetchState ?? (a.storageKey ? "fetched" : "pending"),
  url: `/api/attachments/${a.id}/content`,
  createdAt: a.createdAt,
});

/** Attachments (photos, documents) of a ticket and of the tickets merged into it; who may read the ticket may read them. */
export function attachmentRoutes(router: Router, deps: AppDeps) {
  addRoute(router, deps, {
    method: "get", path: "/attachments", summary: "Attachments of a ticket (and of tickets merged into it)", tag: "messages", roles: READERS, list: true,
    query: raListQuery(z.object({ ticketId: z.number().int().positive() }).strict(), ["id"] as const, ["id", "ASC"]),
    async handler({ query, viewer, now }) {
      if (query.filter.ticketId === undefined) throw badRequest("filter.ticketId is required");
      const t = await findVisibleTicket(deps.db.manager, viewer, query.filter.ticketId);
      if (!t) throw notFound(`ticket ${query.filter.ticketId}`);
      await auditRahasiaRead(deps, viewer, t, "attachments", now);
      const merged = await deps.db.manager.getRepository(Ticket).find({ select: { id: true }, where: { mergedIntoId: t.id } });
      const rows = await deps.db.manager
        .getRepository(Attachment)
        .createQueryBuilder("a")
        .where("a.ticket_id IN (:...ids)", { ids: [t.id, ...merged.map((x) => x.id)] })
        .orderBy("a.id", query.sort.order)
        .getMany();
      return { resource: "attachments", start: query.range.start, total: rows.length, rows: rows.slice(query.range.start, query.range.end + 1).map(present) };
    },
  });
  addRoute(router, deps, {
    method: "get", path: "/attachments/:id/content", summary: "The attachment's bytes (images inline, other types as a download)", tag: "messages", roles: READERS, params: idParams,
    async handler({ params, viewer, now, res }) {
      const a = await deps.db.manager.getRepository(Attachment).findOneBy({ id: params.id });
      const t = a ? await findVisibleTicket(deps.db.manager, viewer, a.ticketId) : null;
      if (!a || !t) throw notFound(`attachment ${params.id}`);
      const root = resolve(deps.config.dataDir);
      const file = a.storageKey ? resolve(join(root, a.storageKey)) : "";
      if (!file || !file.startsWith(root + sep) || !existsSync(file)) throw notFound(`attachment ${params.id} has not been fetched yet`);
      await auditRahasiaRead(deps, viewer, t, `attachment ${a.id}`, now);
      const inline = INLINE.test(a.mimeType);
      res.setHeader("Content-Type", inline ? a.mimeType : "application/octet-stream");
      res.setHeader("Content-Disposition", `${inline ? "inline" : "attachment"}; filename*=UTF-8''${encodeURIComponent(a.fileName)}`);
      res.setHeader("Cache-Control", "private, no-store");
      await new Promise<void>((done, fail) => {
        createReadStream(file).on("error", fail).pipe(res).on("finish", () => done());
      });
    },
  });
}
