import { createReadStream } from "node:fs";
import { join } from "node:path";
import type { Router } from "express";
import { In } from "typeorm";
import { z } from "zod";
import { attachAnswerFile } from "../../commands/attach-answer-file.js";
import { Attachment } from "../../entities/attachment.entity.js";
import { Forward } from "../../entities/forward.entity.js";
import { PublicPhoto, WallPhoto } from "../../entities/map.entity.js";
import { Ticket } from "../../entities/ticket.entity.js";
import { badRequest, HttpError, notFound } from "../../lib/errors.js";
import { contentDisposition, existingDataFile, sanitizeFileName } from "../../lib/attachment-files.js";
import { openTicketFor, type OpenedTicket } from "../../queries/access-gate.js";
import { isOpdViewer, type Viewer } from "../../queries/viewer.js";
import { commandContext, unwrap } from "../command-context.js";
import { raListQuery } from "../middleware/ra-list.js";
import { addRoute, idParams } from "../route.js";
import type { AppDeps } from "../types.js";

import { presentAttachment } from "../presenters/attachment.presenter.js";
const READERS = ["operator", "supervisor", "opd_head", "opd_staff"] as const;
/** Shown inline in the console; everything else is offered as a download. */
/** Shown in the page (images) or played in it (call recordings); anything else is a download. */
const INLINE = /^(image\/(png|jpeg|gif|webp)|audio\/(mpeg|mp3|wav|x-wav|wave|ogg|webm|mp4|aac))$/;

/** Files an OPD may attach to its answer, recognised by their first bytes (the declared type must match). */
const ANSWER_FILE_TYPES: Record<string, (b: Buffer) => boolean> = {
  "application/pdf": (b) => b.subarray(0, 5).toString("latin1") === "%PDF-",
  "image/jpeg": (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  "image/png": (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  "image/webp": (b) => b.subarray(0, 4).toString("latin1") === "RIFF" && b.subarray(8, 12).toString("latin1") === "WEBP",
};
/** Largest file an OPD may attach to an answer. */
export const MAX_ANSWER_FILE_BYTES = 10 * 1024 * 1024;
/** JSON body limit of the upload route: the base64 of the largest file plus room for the other fields. */
export const ANSWER_UPLOAD_BODY_LIMIT = Math.ceil(MAX_ANSWER_FILE_BYTES / 3) * 4 + 64 * 1024;

const answerFileBody = z
  .object({
    fileName: z
      .string()
      .trim()
      .min(1, "a file name is required (nama berkas wajib diisi)")
      .max(200, "the file name is longer than 200 characters (nama berkas lebih dari 200 karakter)")
      .refine((n) => !/[\\/\u0000-\u001f]/.test(n), "the file name may not contain slashes or control characters (nama berkas tidak boleh memuat garis miring)"),
    mimeType: z.string().trim().toLowerCase().max(127).describe(`one of ${Object.keys(ANSWER_FILE_TYPES).join(", ")}`),
    content: z.string().min(1, "the file is empty (berkas kosong)").describe(`the file's bytes in base64; at most ${MAX_ANSWER_FILE_BYTES / 1024 / 1024} MB`),
  })
  .strict();

/** 415 / 413 / 400 with a message in English and Bahasa Indonesia: what was wrong with the file. */
function decodeAnswerFile(body: z.infer<typeof answerFileBody>): Buffer {
  const sniff = ANSWER_FILE_TYPES[body.mimeType];
  if (!sniff) {
    throw new HttpError(415, "attachment_type_not_allowed", `only PDF, JPEG, PNG or WebP files can be attached, not ${body.mimeType || "this type"} (hanya berkas PDF, JPEG, PNG atau WebP)`);
  }
  if (body.content.length > Math.ceil(MAX_ANSWER_FILE_BYTES / 3) * 4) {
    throw new HttpError(413, "attachment_too_large", `the file is larger than ${MAX_ANSWER_FILE_BYTES / 1024 / 1024} MB (berkas lebih dari ${MAX_ANSWER_FILE_BYTES / 1024 / 1024} MB)`);
  }
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body.content) || body.content.length % 4 !== 0) {
    throw badRequest("content must be the file in base64 (isi berkas harus base64)");
  }
  const bytes = Buffer.from(body.content, "base64");
  if (bytes.length === 0) throw badRequest("the file is empty (berkas kosong)");
  if (bytes.length > MAX_ANSWER_FILE_BYTES) {
    throw new HttpError(413, "attachment_too_large", `the file is larger than ${MAX_ANSWER_FILE_BYTES / 1024 / 1024} MB (berkas lebih dari ${MAX_ANSWER_FILE_BYTES / 1024 / 1024} MB)`);
  }
  if (!sniff(bytes)) {
    throw new HttpError(415, "attachment_type_not_allowed", `the file's content is not ${body.mimeType} (isi berkas tidak sesuai jenisnya)`);
  }
  return bytes;
}

/**
 * The command center reads every attachment of a ticket it sees; an OPD reads the citizen's files
 * and its own answer files, never files another OPD attached to its forward of the same ticket.
 */
async function visibleAttachments(viewer: Viewer, rows: Attachment[], forwardAgency: (forwardIds: number[]) => Promise<Map<number, number>>): Promise<Attachment[]> {
  if (!isOpdViewer(viewer)) return rows;
  const ids = [...new Set(rows.filter((a) => a.forwardId != null).map((a) => a.forwardId!))];
  const agencyOf = ids.length ? await forwardAgency(ids) : new Map<number, number>();
  return rows.filter((a) => a.forwardId == null || agencyOf.get(a.forwardId) === viewer.agencyId);
}

/** Attachments (photos, documents) of a ticket and of the tickets merged into it; who may read the ticket may read them. */
export function attachmentRoutes(router: Router, deps: AppDeps) {
  const forwardAgency = async (ids: number[]) =>
    new Map((await deps.db.manager.getRepository(Forward).find({ select: { id: true, agencyId: true }, where: { id: In(ids) } })).map((f) => [f.id, f.agencyId]));
  addRoute(router, deps, {
    method: "get", path: "/attachments", summary: "Attachments of a ticket (and of tickets merged into it)", tag: "messages", roles: READERS, list: true,
    query: raListQuery(z.object({ ticketId: z.number().int().positive() }).strict(), ["id"] as const, ["id", "ASC"]),
    async handler({ query, viewer }) {
      if (query.filter.ticketId === undefined) throw badRequest("filter.ticketId is required");
      const o = await openTicketFor(deps, viewer, query.filter.ticketId, "attachments", { withMerged: true });
      if (!o) throw notFound(`ticket ${query.filter.ticketId}`);
      const t = o.ticket;
      const merged = await deps.db.manager.getRepository(Ticket).find({ select: { id: true }, where: { mergedIntoId: t.id } });
      const rows = await deps.db.manager
        .getRepository(Attachment)
        .createQueryBuilder("a")
        .where("a.ticket_id IN (:...ids)", { ids: [t.id, ...merged.map((x) => x.id)] })
        .orderBy("a.id", query.sort.order)
        .getMany()
        .then((all) => visibleAttachments(viewer, all, forwardAgency));
      const page = rows.slice(query.range.start, query.range.end + 1);
      const onWall = page.length ? new Set((await deps.db.manager.getRepository(WallPhoto).find({ select: { attachmentId: true }, where: { attachmentId: In(page.map((a) => a.id)) } })).map((w) => w.attachmentId)) : new Set<number>();
      const approved = page.length ? new Set((await deps.db.manager.getRepository(PublicPhoto).find({ select: { attachmentId: true }, where: { attachmentId: In(page.map((a) => a.id)) } })).map((p) => p.attachmentId)) : new Set<number>();
      return { resource: "attachments", start: query.range.start, total: rows.length, rows: page.map((a) => presentAttachment(a, o, onWall.has(a.id), approved.has(a.id))) };
    },
  });
  addRoute(router, deps, {
    method: "get", path: "/attachments/:id/content", summary: "The attachment's bytes (images inline, other types as a download)", tag: "messages", roles: READERS, params: idParams,
    async handler({ params, viewer, res }) {
      const a = await deps.db.manager.getRepository(Attachment).findOneBy({ id: params.id });
      // An attachment of a merged ticket is read through the ticket it joined.
      const owner = a ? await deps.db.manager.getRepository(Ticket).findOne({ select: { id: true, mergedIntoId: true }, where: { id: a.ticketId } }) : null;
      const o = owner ? await openTicketFor(deps, viewer, owner.mergedIntoId ?? owner.id, "attachment", { withMerged: true, detail: String(params.id) }) : null;
      if (!a || !o || (await visibleAttachments(viewer, [a], forwardAgency)).length === 0) throw notFound(`attachment ${params.id}`);
      const file = existingDataFile(deps.config.dataDir, a.storageKey);
      if (!file) throw notFound(`attachment ${params.id} has not been fetched yet`);
      const inline = INLINE.test(a.mimeType);
      res.setHeader("Content-Type", inline ? a.mimeType : "application/octet-stream");
      res.setHeader("Content-Disposition", contentDisposition(inline ? "inline" : "attachment", o.text(a.fileName)));
      res.setHeader("Cache-Control", "private, no-store");
      await new Promise<void>((done, fail) => {
        createReadStream(file).on("error", fail).pipe(res).on("finish", () => done());
      });
    },
  });
  addRoute(router, deps, {
    method: "post", created: true, path: "/forwards/:id/attachments", tag: "forwards", roles: ["opd_head", "opd_staff"], params: idParams, body: answerFileBody,
    summary: `Attach a file (PDF, JPEG, PNG or WebP, at most ${MAX_ANSWER_FILE_BYTES / 1024 / 1024} MB, base64 in JSON) to your OPD's answer on this forward; kept on the ticket for the command center and your OPD, not sent to the citizen`,
    async handler({ params, body, viewer, now }) {
      if (viewer.agencyId == null) throw notFound(`forward ${params.id}`);
      const content = decodeAnswerFile(body);
      const out = unwrap(
        await deps.db.tx((m) =>
          attachAnswerFile(m, commandContext(deps, viewer, now), { forwardId: params.id, agencyId: viewer.agencyId!, fileName: body.fileName, mimeType: body.mimeType, content, dataDir: deps.config.dataDir }),
        ),
      );
      const o = await openTicketFor(deps, viewer, out.attachment.ticketId, "write");
      return o ? presentAttachment(out.attachment, o) : { id: out.attachment.id, ticketId: out.attachment.ticketId };
    },
  });
}
