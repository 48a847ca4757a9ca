import type { Router } from "express";
import { z } from "zod";
import { applyFileChanges } from "../../commands/erase-personal-data.js";
import { applyRetention, correctContact, eraseDataSubject, openDataSubjectRequest, recordDataSubjectExport, saveRetentionPolicy } from "../../commands/data-subject.js";
import { DataSubjectRequest } from "../../entities/index.js";
import { notFound } from "../../lib/errors.js";
import { collectSubjectData, presentRequest, retentionCandidates, retentionPolicy, searchSubjects } from "../../queries/data-subject.js";
import { commandContext, unwrap } from "../command-context.js";
import { raListQuery } from "../middleware/ra-list.js";
import { presentContact } from "../presenters/contact.presenter.js";
import { buildSubjectArchive } from "../presenters/data-subject-archive.js";
import { addRoute, idParams } from "../route.js";
import type { AppDeps } from "../types.js";
import type { Ticket } from "../../entities/ticket.entity.js";
import type { Viewer } from "../../queries/viewer.js";
import { openTicketsFor } from "../../queries/access-gate.js";

/** These screens show tickets' texts: they pass the access gate, which records each rahasia read, as everywhere. */
async function auditRahasia(deps: AppDeps, viewer: Viewer, tickets: Pick<Ticket, "id" | "privacy">[], what: "data_subject_search" | "data_subject_request" | "data_subject_export", _at: Date) {
  await openTicketsFor(deps, viewer, tickets.map((t) => t.id), what);
}

/** UU PDP 27/2022 rights: the command center handles them (contacts are theirs to read); admins set retention. */
const CENTER = ["operator", "supervisor"] as const;
const ids = z.array(z.number().int().positive()).max(500);
const identifiers = z.array(z.string().trim().min(1).max(200)).max(50);

export function dataSubjectRoutes(router: Router, deps: AppDeps) {
  addRoute(router, deps, {
    method: "get", path: "/data-subjects", summary: "Find a citizen by any identity: name, phone (any format), e-mail, NIK, channel id", tag: "data-subjects", roles: CENTER,
    query: z.object({ q: z.string().trim().min(3, "type at least 3 characters (ketik minimal 3 karakter)").max(200) }).strict(),
    async handler({ query, viewer, now }) {
      const found = await searchSubjects(deps.db.manager, query.q);
      await auditRahasia(deps, viewer, found.flatMap((f) => f.tickets), "data_subject_search", now);
      return found.map((f) => ({ contact: f.contact ? presentContact(f.contact, f.identities) : null, tickets: f.tickets, matchedBy: f.matchedBy }));
    },
  });
  addRoute(router, deps, {
    method: "get", path: "/data-subject-requests", summary: "Data subject requests with their 3×24-hour deadline", tag: "data-subjects", roles: CENTER, list: true,
    query: raListQuery(z.object({ status: z.enum(["open", "completed"]).optional(), kind: z.enum(["access", "correction", "erasure"]).optional() }).strict(), ["id", "dueAt", "receivedAt"] as const, ["id", "DESC"]),
    async handler({ query, now }) {
      const qb = deps.db.manager.getRepository(DataSubjectRequest).createQueryBuilder("r");
      if (query.filter.status) qb.andWhere("r.status = :status", { status: query.filter.status });
      if (query.filter.kind) qb.andWhere("r.kind = :kind", { kind: query.filter.kind });
      const col = { id: "r.id", dueAt: "r.due_at", receivedAt: "r.received_at" }[query.sort.field];
      const [rows, total] = await qb.orderBy(col, query.sort.order).skip(query.range.start).take(query.range.end - query.range.start + 1).getManyAndCount();
      return { resource: "data-subject-requests", start: query.range.start, total, rows: rows.map((r) => presentRequest(r, now)) };
    },
  });
  addRoute(router, deps, {
    method: "get", path: "/data-subject-requests/:id", summary: "One data subject request, with the citizen's contacts", tag: "data-subjects", roles: CENTER, params: idParams,
    async handler({ params, now, viewer }) {
      const r = await deps.db.manager.getRepository(DataSubjectRequest).findOneBy({ id: params.id });
      if (!r) throw notFound(`data subject request ${params.id}`);
      const p = presentRequest(r, now);
      const data = await collectSubjectData(deps.db.manager, p.contactIds, p.ticketIds);
      await auditRahasia(deps, viewer, data.tickets, "data_subject_request", now);
      return {
        ...p,
        contacts: data.contacts.map((c) => presentContact(c, data.identities.filter((i) => i.contactId === c.id))),
        tickets: data.tickets.map((t) => ({ id: t.id, number: t.number, subject: t.subject, status: t.status, privacy: t.privacy, receivedAt: t.receivedAt })),
      };
    },
  });
  addRoute(router, deps, {
    method: "post", path: "/data-subject-requests", summary: "Record a citizen's request (access/export, correction, erasure): due in 3×24 hours", tag: "data-subjects", roles: CENTER, created: true,
    body: z.object({ kind: z.enum(["access", "correction", "erasure"]), contactIds: ids.default([]), ticketIds: ids.default([]), receivedAt: z.coerce.date().optional() }).strict(),
    async handler({ body, viewer, now }) {
      const ctx = commandContext(deps, viewer, now);
      const out = unwrap(await deps.db.tx((m) => openDataSubjectRequest(m, { ...body, actor: ctx.actor, at: now })));
      return presentRequest(out.value, now);
    },
  });
  addRoute(router, deps, {
    method: "get", path: "/data-subject-requests/:id/export", summary: "Everything held about the citizen: one ZIP (JSON, CSV, files)", tag: "data-subjects", roles: CENTER, params: idParams,
    async handler({ params, viewer, now, res }) {
      const r = await deps.db.manager.getRepository(DataSubjectRequest).findOneBy({ id: params.id });
      if (!r) throw notFound(`data subject request ${params.id}`);
      const p = presentRequest(r, now);
      const data = await collectSubjectData(deps.db.manager, p.contactIds, p.ticketIds);
      await auditRahasia(deps, viewer, data.tickets, "data_subject_export", now);
      const { zip, counts } = buildSubjectArchive(data, deps.config.dataDir, { requestId: r.id, generatedAt: now });
      const ctx = commandContext(deps, viewer, now);
      await deps.db.tx((m) => recordDataSubjectExport(m, { requestId: r.id, counts, actor: ctx.actor, at: now }));
      res.setHeader("Content-Type", "application/zip");
      res.setHeader("Content-Disposition", `attachment; filename="data-pribadi-permintaan-${r.id}.zip"`);
      await new Promise<void>((resolve, reject) => {
        zip.outputStream.on("error", reject);
        res.on("finish", resolve);
        res.on("close", resolve);
        zip.outputStream.pipe(res);
      });
    },
  });
  addRoute(router, deps, {
    method: "post", path: "/data-subject-requests/:id/correct", summary: "Correct a citizen's contact fields (audited by field name, not value)", tag: "data-subjects", roles: CENTER, params: idParams,
    body: z.object({ contactId: z.number().int().positive(), name: z.string().trim().max(200).nullable().optional(), phone: z.string().trim().max(32).nullable().optional(), email: z.string().trim().max(254).nullable().optional() }).strict(),
    async handler({ params, body, viewer, now }) {
      const ctx = commandContext(deps, viewer, now);
      const out = unwrap(await deps.db.tx((m) => correctContact(m, { requestId: params.id, correction: body, actor: ctx.actor, at: now })));
      return presentContact(out.value);
    },
  });
  addRoute(router, deps, {
    method: "post", path: "/data-subject-requests/:id/erase", summary: "Erase the citizen: contact and identities removed, texts masked, own files deleted, cases kept", tag: "data-subjects", roles: CENTER, params: idParams,
    body: z
      .object({
        confirm: z.literal(true, { message: "confirm the erasure (konfirmasi penghapusan)" }),
        /** Identifiers the citizen gave that no contact field holds: a NIK, other names. Used to mask, never stored. */
        numbers: identifiers.default([]),
        names: identifiers.default([]),
        literals: identifiers.default([]),
      })
      .strict(),
    async handler({ params, body, viewer, now }) {
      const ctx = commandContext(deps, viewer, now);
      const out = unwrap(await deps.db.tx((m) => eraseDataSubject(m, { requestId: params.id, extra: { numbers: body.numbers, names: body.names, literals: body.literals }, actor: ctx.actor, at: now })));
      await applyFileChanges(deps.config.dataDir, out.value.files);
      const { files: _files, ...counts } = out.value;
      return counts;
    },
  });

  addRoute(router, deps, {
    method: "get", path: "/retention", summary: "The retention policy and its dry run: the cases the next run anonymises", tag: "data-subjects", roles: ["admin", "supervisor", "operator"],
    async handler({ now }) {
      const policy = await retentionPolicy(deps.db.manager);
      const { cutoff, cases } = await retentionCandidates(deps.db.manager, now, policy);
      return { policy, dryRun: { cutoff, count: cases.length, cases } };
    },
  });
  addRoute(router, deps, {
    method: "put", path: "/retention", summary: "Set the retention policy (admin)", tag: "data-subjects", roles: ["admin"],
    body: z.object({ enabled: z.boolean(), yearsAfterClosure: z.number().int().min(1, "at least 1 year (minimal 1 tahun)").max(100), basis: z.string().trim().max(2000).nullable().default(null) }).strict(),
    async handler({ body, viewer, now }) {
      const ctx = commandContext(deps, viewer, now);
      await deps.db.tx((m) => saveRetentionPolicy(m, { ...body, actor: ctx.actor, at: now }));
      return retentionPolicy(deps.db.manager);
    },
  });
  addRoute(router, deps, {
    method: "post", path: "/retention/run", summary: "Run the retention policy now (admin); dryRun lists without changing", tag: "data-subjects", roles: ["admin"],
    body: z.object({ dryRun: z.boolean().default(true) }).strict(),
    async handler({ body, viewer, now }) {
      const ctx = commandContext(deps, viewer, now);
      const r = await deps.db.tx((m) => applyRetention(m, { dryRun: body.dryRun, actor: ctx.actor, at: now }));
      if (r.files) await applyFileChanges(deps.config.dataDir, r.files);
      return { policy: r.policy, cutoff: r.cutoff, cases: r.cases, applied: r.applied, outcome: r.outcome };
    },
  });
}
