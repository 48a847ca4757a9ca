import type { Router } from "express";
import { IsNull, type EntityManager } from "typeorm";
import { z } from "zod";
import { appendAuditEvent } from "../../commands/append-audit-event.js";
import { AuditEvent } from "../../entities/audit-event.entity.js";
import { ContactIdentity } from "../../entities/contact-identity.entity.js";
import { Contact } from "../../entities/contact.entity.js";
import { conflict, notFound, type HttpError } from "../../lib/errors.js";
import { mergeContacts, unmergeContacts, type MergeContactsOutcome } from "../../commands/merge-contacts.js";
import { ContactMerge, type ContactMergeMoved } from "../../entities/contact-merge.entity.js";
import { commandContext } from "../command-context.js";
import { sqlTime } from "../../lib/db.js";
import { simpleList } from "../../queries/simple-list.js";
import { brokenMarks, lastAuditVerification } from "../../queries/audit-verification.js";
import { idList, raListQuery } from "../middleware/ra-list.js";
import { presentAuditEvents } from "../presenters/audit.presenter.js";
import { presentContact } from "../presenters/contact.presenter.js";
import { addRoute, idParams } from "../route.js";
import type { AppDeps } from "../types.js";

const CENTER = ["operator", "supervisor"] as const;
const id = z.number().int().positive();

export function recordRoutes(router: Router, deps: AppDeps) {
  addRoute(router, deps, {
    method: "get", path: "/contacts", summary: "Citizens (command center only)", tag: "contacts", roles: CENTER, list: true,
    query: raListQuery(z.object({ id: idList.optional(), q: z.string().max(200).optional(), phone: z.string().max(32).optional(), email: z.string().max(254).optional() }).strict(), ["id", "name", "createdAt"] as const, ["id", "DESC"]),
    async handler({ query }) {
      const { rows, total } = await simpleList(deps.db.manager.getRepository(Contact), query, { id: "id", name: "name", phone: "phone", email: "email", createdAt: "created_at" }, ["name", "phone", "email"]);
      return { resource: "contacts", start: query.range.start, total, rows: rows.map((c) => presentContact(c)) };
    },
  });
  addRoute(router, deps, {
    method: "get", path: "/contacts/:id", summary: "One citizen with all channel identities", tag: "contacts", roles: CENTER, params: idParams,
    async handler({ params }) {
      const c = await deps.db.manager.getRepository(Contact).findOneBy({ id: params.id });
      if (!c) throw notFound(`contact ${params.id}`);
      const identities = await deps.db.manager.getRepository(ContactIdentity).find({ where: { contactId: c.id }, order: { id: "ASC" } });
      return { ...presentContact(c, identities), merges: await contactMergesOf(deps.db.manager, c.id, identities) };
    },
  });
  addRoute(router, deps, {
    method: "post", path: "/contacts/:id/merge",
    summary: "Link another contact's identities to this citizen: the other contact (its identities, tickets and their history) is merged into this one; audited, undoable",
    tag: "contacts", roles: CENTER, params: idParams,
    body: z.object({ contactId: z.number({ message: "contactId: the contact to merge into this one (nomor kontak yang digabungkan)" }).int().positive() }).strict(),
    async handler({ params, body, viewer, now }) {
      const out = await deps.db.tx((m) => mergeContacts(m, commandContext(deps, viewer, now), { intoId: params.id, fromId: body.contactId, method: "operator" }));
      if (out.kind === "refused") throw mergeRefusal(out.reason);
      const m = deps.db.manager;
      const c = await m.getRepository(Contact).findOneByOrFail({ id: out.contactId });
      const identities = await m.getRepository(ContactIdentity).find({ where: { contactId: c.id }, order: { id: "ASC" } });
      return { ...presentContact(c, identities), merges: await contactMergesOf(m, c.id, identities) };
    },
  });
  addRoute(router, deps, {
    method: "post", path: "/contact-merges/:id/undo",
    summary: "Unlink: undo a contact merge; the merged contact gets back its identities and tickets (those that moved with the merge); audited",
    tag: "contacts", roles: CENTER, params: idParams, body: z.object({}).strict(),
    async handler({ params, viewer, now }) {
      const out = await deps.db.tx((m) => unmergeContacts(m, commandContext(deps, viewer, now), { mergeId: params.id }));
      if (out.kind === "refused") throw out.reason === "not_found" ? notFound(`contact merge ${params.id}`) : conflict("this merge was already undone (penggabungan ini sudah dibatalkan)");
      return { id: out.merge.id, contactId: out.merge.contactId, mergedContactId: out.merge.mergedContactId, undoneAt: out.merge.undoneAt, restored: out.restored };
    },
  });
  addRoute(router, deps, {
    method: "put", path: "/contacts/:id", summary: "Correct a citizen's name", tag: "contacts", roles: CENTER, params: idParams,
    body: z.object({ name: z.string().trim().max(200).nullable() }).strict(),
    async handler({ params, body, viewer, now }) {
      const c = await deps.db.tx(async (m) => {
        const row = await m.getRepository(Contact).findOneBy({ id: params.id });
        if (!row) return null;
        const before = { name: row.name };
        await m.getRepository(Contact).update({ id: row.id }, { name: body.name, updatedAt: now });
        row.name = body.name;
        await appendAuditEvent(m, { actor: { userId: viewer.id, label: viewer.email }, type: "contact.updated", entityType: "contact", entityId: row.id, before, after: { name: body.name }, at: now });
        return row;
      });
      if (!c) throw notFound(`contact ${params.id}`);
      return presentContact(c);
    },
  });

  addRoute(router, deps, {
    method: "get", path: "/audit-events", summary: "The audit log (hash-chained per ticket)", tag: "audit", roles: ["admin", "supervisor", "operator"], list: true,
    query: raListQuery(
      z
        .object({
          id: idList.optional(), ticketId: id.optional(), entityType: z.string().max(32).optional(), entityId: z.string().max(64).optional(), type: z.string().max(64).optional(), actorUserId: id.optional(),
          // The audit viewer's time range (ISO times; from inclusive, until exclusive).
          since: z.coerce.date().optional(), until: z.coerce.date().optional(),
        })
        .strict(),
      ["id", "createdAt"] as const,
      ["id", "DESC"],
    ),
    async handler({ query, viewer }) {
      const { since, until, ...equal } = query.filter;
      const { rows, total } = await simpleList(
        deps.db.manager.getRepository(AuditEvent),
        { ...query, filter: equal },
        { id: "id", ticketId: "ticket_id", entityType: "entity_type", entityId: "entity_id", type: "type", actorUserId: "actor_user_id", createdAt: "created_at" },
        [],
        (qb) => {
          if (since) qb.andWhere("x.created_at >= :since", { since: sqlTime(deps.db.ds, since) });
          if (until) qb.andWhere("x.created_at < :until", { until: sqlTime(deps.db.ds, until) });
        },
      );
      // The last scheduled verification marks the events it found broken (docs/audit.md).
      const broken = brokenMarks(await lastAuditVerification(deps.db));
      const presented = await presentAuditEvents(deps, viewer, rows);
      return { resource: "audit-events", start: query.range.start, total, rows: presented.map((e) => ({ ...e, broken: broken(e) })) };
    },
  });
  addRoute(router, deps, {
    method: "get", path: "/audit-events/:id", summary: "One audit event", tag: "audit", roles: ["admin", "supervisor", "operator"], params: idParams,
    async handler({ params, viewer }) {
      const e = await deps.db.manager.getRepository(AuditEvent).findOneBy({ id: params.id });
      if (!e) throw notFound(`audit event ${params.id}`);
      const broken = brokenMarks(await lastAuditVerification(deps.db));
      const [presented] = await presentAuditEvents(deps, viewer, [e], "audit-event");
      return { ...presented, broken: broken(presented) };
    },
  });
}

/** Why a merge was refused, as the console shows it. */
function mergeRefusal(reason: Extract<MergeContactsOutcome, { kind: "refused" }>["reason"]): HttpError {
  switch (reason) {
    case "not_found":
      return notFound("contact");
    case "same_contact":
      return conflict("these are already one citizen (kontak ini sudah satu warga)");
    case "already_merged":
      return conflict("that contact was merged into another one: unlink it there first (kontak itu sudah digabung ke kontak lain; pisahkan dulu di sana)");
    case "has_links":
      return conflict("other contacts are merged into that contact: merge the other way round (kontak lain sudah digabung ke kontak itu; gabungkan ke arah sebaliknya)");
  }
}

/** The merges that made this contact what it is, undoable one by one: which identities each brought. */
async function contactMergesOf(m: EntityManager, contactId: number, identities: ContactIdentity[]) {
  const merges = await m.getRepository(ContactMerge).find({ where: { contactId, undoneAt: IsNull() }, order: { id: "ASC" } });
  return merges.map((x) => {
    const moved = JSON.parse(x.movedJson) as ContactMergeMoved;
    const brought = identities.filter((i) => moved.identityIds.includes(i.id));
    return {
      id: x.id,
      mergedContactId: x.mergedContactId,
      method: x.method,
      createdAt: x.createdAt,
      tickets: moved.ticketIds.length,
      identities: brought.map((i) => ({ id: i.id, channel: i.channel, address: i.address, displayName: i.displayName })),
    };
  });
}
