import type { Router } from "express";
import { z } from "zod";
import { appendAuditEvent } from "../../commands/append-audit-event.js";
import { AuditEvent } from "../../entities/audit-event.entity.js";
import { ContactIdentity } from "../../entities/contact-identity.entity.js";
import { Contact } from "../../entities/contact.entity.js";
import { notFound } from "../../lib/errors.js";
import { simpleList } from "../../queries/simple-list.js";
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
      return presentContact(c, identities);
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
      z.object({ id: idList.optional(), ticketId: id.optional(), entityType: z.string().max(32).optional(), entityId: z.string().max(64).optional(), type: z.string().max(64).optional(), actorUserId: id.optional() }).strict(),
      ["id", "createdAt"] as const,
      ["id", "DESC"],
    ),
    async handler({ query, viewer }) {
      const { rows, total } = await simpleList(
        deps.db.manager.getRepository(AuditEvent),
        query,
        { id: "id", ticketId: "ticket_id", entityType: "entity_type", entityId: "entity_id", type: "type", actorUserId: "actor_user_id", createdAt: "created_at" },
        [],
      );
      return { resource: "audit-events", start: query.range.start, total, rows: await presentAuditEvents(deps, viewer, rows) };
    },
  });
  addRoute(router, deps, {
    method: "get", path: "/audit-events/:id", summary: "One audit event", tag: "audit", roles: ["admin", "supervisor", "operator"], params: idParams,
    async handler({ params, viewer }) {
      const e = await deps.db.manager.getRepository(AuditEvent).findOneBy({ id: params.id });
      if (!e) throw notFound(`audit event ${params.id}`);
      return (await presentAuditEvents(deps, viewer, [e], "audit-event"))[0];
    },
  });
}
