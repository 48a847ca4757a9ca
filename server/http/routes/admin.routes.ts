import type { Router } from "express";
import type { EntityManager, EntityTarget, FindOptionsWhere } from "typeorm";
import { z } from "zod";
import { ROLES } from "../../domain/access/roles.js";
import { saveAgency, type SaveOutcome } from "../../commands/save-agency.js";
import type { CommandContext } from "../../commands/context.js";
import type { Viewer } from "../../queries/viewer.js";
import type { ListParams } from "../../queries/tickets.js";
import { saveCategory } from "../../commands/save-category.js";
import { saveUser } from "../../commands/save-user.js";
import { Agency } from "../../entities/agency.entity.js";
import { Category } from "../../entities/category.entity.js";
import { User } from "../../entities/user.entity.js";
import { forbidden, notFound } from "../../lib/errors.js";
import { simpleList } from "../../queries/simple-list.js";
import { idList, raListQuery } from "../middleware/ra-list.js";
import { presentAgency, presentCategory } from "../presenters/agency.presenter.js";
import { presentColleague, presentUser } from "../presenters/user.presenter.js";
import { commandContext, unwrap } from "../command-context.js";
import { addRoute, idParams } from "../route.js";
import type { AppDeps } from "../types.js";

const ADMIN = ["admin"] as const;
const code = z.string().trim().regex(/^[a-z0-9][a-z0-9_-]{1,62}$/i, "letters, digits, - and _ only");
const agencyFields = {
  code,
  name: z.string().trim().min(2).max(200),
  shortName: z.string().trim().min(2).max(80),
  headUserId: z.number().int().positive().nullable().optional(),
  email: z.email().max(254).nullable().optional(),
  active: z.boolean().optional(),
  answerReview: z.boolean().optional(),
};
const categoryFields = {
  code,
  name: z.string().trim().min(2).max(200),
  nameEn: z.string().trim().max(200).nullable().optional(),
  description: z.string().trim().max(2000).nullable().optional(),
  defaultAgencyId: z.number().int().positive().nullable().optional(),
  complaintClass: z.string().trim().min(1).max(32).optional(),
  isPublic: z.boolean().optional(),
  active: z.boolean().optional(),
  answerReview: z.boolean().optional(),
  /** Field check before closing: an answer claiming a physical fix needs an "after" photo and a checker's confirmation. */
  fieldCheck: z.boolean().optional(),
  /** Besides supervisors, this operator or supervisor may confirm the field check; null: supervisors only. */
  fieldCheckerUserId: z.number().int().positive().nullable().optional(),
  /** Routing suggestions: forward verified tickets automatically at this confidence (0..1); null: never. */
  autoForwardThreshold: z.number().min(0).max(1).nullable().optional(),
};
const userFields = {
  email: z.email("must be an e-mail address").max(254),
  name: z.string().trim().min(2).max(200),
  role: z.enum(ROLES),
  agencyId: z.number().int().positive().nullable().optional(),
  phone: z.string().trim().max(32).nullable().optional(),
  locale: z.enum(["id", "en"]).optional(),
  active: z.boolean().optional(),
  password: z.string().min(10, "at least 10 characters").max(200).optional(),
};

const simpleFilter = z.object({ id: idList.optional(), q: z.string().max(200).optional(), active: z.boolean().optional() });

export function adminRoutes(router: Router, deps: AppDeps) {
  // --- OPDs and categories: everyone logged in reads (forward dialogs, inbox headers); admins manage.
  referenceListRoutes(router, deps, {
    resource: "agencies", entity: Agency, what: "OPD", fields: agencyFields, present: presentAgency, save: saveAgency,
    summaries: { list: "List OPDs", one: "One OPD", create: "Create an OPD", update: "Update an OPD (e.g. set its head)", remove: "Deactivate an OPD (kept for history)" },
    query: raListQuery(simpleFilter.strict(), ["id", "code", "name", "shortName"] as const, ["name", "ASC"]),
    columns: { id: "id", code: "code", name: "name", shortName: "short_name", active: "active" }, searchable: ["name", "short_name", "code"],
  });
  referenceListRoutes(router, deps, {
    resource: "categories", entity: Category, what: "category", fields: categoryFields, present: presentCategory, save: saveCategory,
    summaries: { list: "List complaint categories", one: "One category", create: "Create a category", update: "Update a category", remove: "Deactivate a category" },
    query: raListQuery(simpleFilter.extend({ defaultAgencyId: z.number().int().positive().optional() }).strict(), ["id", "code", "name"] as const, ["name", "ASC"]),
    columns: { id: "id", code: "code", name: "name", active: "active", defaultAgencyId: "default_agency_id" }, searchable: ["name", "name_en", "code"],
  });

  // --- Users: admins manage; OPD heads see their own OPD's people (to assign work).
  addRoute(router, deps, {
    method: "get", path: "/users", summary: "List users (admins: all; OPD heads: their OPD; supervisors: the command center's staff)", tag: "users", roles: ["admin", "opd_head", "supervisor"], list: true,
    query: raListQuery(simpleFilter.extend({ role: z.enum(ROLES).optional(), agencyId: z.number().int().positive().optional() }).strict(), ["id", "email", "name", "role"] as const, ["name", "ASC"]),
    async handler({ query, viewer }) {
      const scope =
        viewer.role === "admin"
          ? undefined
          : viewer.role === "supervisor"
            ? (qb: import("typeorm").SelectQueryBuilder<User>) => qb.andWhere("x.role IN (:...center)", { center: ["operator", "supervisor"] })
            : (qb: import("typeorm").SelectQueryBuilder<User>) => qb.andWhere("x.agency_id = :own", { own: viewer.agencyId });
      const { rows, total } = await simpleList(deps.db.manager.getRepository(User), query, { id: "id", email: "email", name: "name", role: "role", agencyId: "agency_id", active: "active" }, ["name", "email"], scope);
      return { resource: "users", start: query.range.start, total, rows: rows.map(viewer.role === "admin" ? presentUser : presentColleague) };
    },
  });
  addRoute(router, deps, {
    method: "get", path: "/users/:id", summary: "One user", tag: "users", roles: ["admin", "opd_head", "supervisor"], params: idParams,
    async handler({ params, viewer }) {
      const u = await deps.db.manager.getRepository(User).findOneBy({ id: params.id });
      const visible = u && (viewer.role === "admin" || (viewer.role === "supervisor" ? u.role === "operator" || u.role === "supervisor" : u.agencyId === viewer.agencyId));
      if (!u || !visible) throw notFound(`user ${params.id}`);
      return viewer.role === "admin" ? presentUser(u) : presentColleague(u);
    },
  });
  addRoute(router, deps, {
    method: "post", created: true, path: "/users", summary: "Create a user; without a password one is generated and returned once", tag: "users", roles: ADMIN,
    body: z.object(userFields).strict(),
    async handler({ body, viewer, now }) {
      const out = unwrap(await deps.db.tx((m) => saveUser(m, commandContext(deps, viewer, now), null, body))).value;
      return { ...presentUser(out.user), ...(out.initialPassword ? { initialPassword: out.initialPassword } : {}) };
    },
  });
  addRoute(router, deps, {
    method: "put", path: "/users/:id", summary: "Update a user (role, OPD, deactivate, reset password)", tag: "users", roles: ADMIN, params: idParams,
    body: z.object(userFields).partial().strict(),
    async handler({ params, body, viewer, now }) {
      return presentUser(unwrap(await deps.db.tx((m) => saveUser(m, commandContext(deps, viewer, now), params.id, body))).value.user);
    },
  });
  addRoute(router, deps, {
    method: "delete", path: "/users/:id", summary: "Deactivate a user and end their sessions", tag: "users", roles: ADMIN, params: idParams,
    async handler({ params, viewer, now }) {
      if (params.id === viewer.id) throw forbidden("you cannot deactivate yourself");
      return presentUser(unwrap(await deps.db.tx((m) => saveUser(m, commandContext(deps, viewer, now), params.id, { active: false }))).value.user);
    },
  });
}

/**
 * The five routes of a reference list that admins keep (OPDs, categories): everyone logged in
 * lists and reads; admins create, update and deactivate (rows are kept for history).
 */
function referenceListRoutes<E extends { id: number }, F extends z.ZodRawShape, P>(
  router: Router,
  deps: AppDeps,
  r: {
    resource: "agencies" | "categories";
    entity: EntityTarget<E>;
    what: string;
    fields: F;
    present: (e: E) => P;
    save: (m: EntityManager, ctx: CommandContext, id: number | null, input: z.infer<z.ZodObject<F>> | Partial<z.infer<z.ZodObject<F>>>) => Promise<SaveOutcome<E>>;
    summaries: { list: string; one: string; create: string; update: string; remove: string };
    query: z.ZodType<ListParams<Record<string, unknown>, string>>;
    columns: Record<string, string>;
    searchable: string[];
  },
) {
  const tag = r.resource;
  const path = `/${r.resource}`;
  const save = (viewer: Viewer, now: Date, id: number | null, input: Partial<z.infer<z.ZodObject<F>>>) =>
    deps.db.tx((m) => r.save(m, commandContext(deps, viewer, now), id, input)).then((o) => r.present(unwrap(o).value));
  addRoute(router, deps, {
    method: "get", path, summary: r.summaries.list, tag, roles: "authenticated", list: true, query: r.query,
    async handler({ query }) {
      const { rows, total } = await simpleList(deps.db.manager.getRepository(r.entity), query, r.columns, r.searchable);
      return { resource: r.resource, start: query.range.start, total, rows: rows.map(r.present) };
    },
  });
  addRoute(router, deps, {
    method: "get", path: `${path}/:id`, summary: r.summaries.one, tag, roles: "authenticated", params: idParams,
    async handler({ params }) {
      const row = await deps.db.manager.getRepository(r.entity).findOneBy({ id: params.id } as FindOptionsWhere<E>);
      if (!row) throw notFound(`${r.what} ${params.id}`);
      return r.present(row);
    },
  });
  addRoute(router, deps, {
    method: "post", created: true, path, summary: r.summaries.create, tag, roles: ADMIN, body: z.object(r.fields).strict(),
    handler: ({ body, viewer, now }) => save(viewer, now, null, body as Partial<z.infer<z.ZodObject<F>>>),
  });
  addRoute(router, deps, {
    method: "put", path: `${path}/:id`, summary: r.summaries.update, tag, roles: ADMIN, params: idParams, body: z.object(r.fields).partial().strict(),
    handler: ({ params, body, viewer, now }) => save(viewer, now, params.id, body as Partial<z.infer<z.ZodObject<F>>>),
  });
  addRoute(router, deps, {
    method: "delete", path: `${path}/:id`, summary: r.summaries.remove, tag, roles: ADMIN, params: idParams,
    handler: ({ params, viewer, now }) => save(viewer, now, params.id, { active: false } as unknown as Partial<z.infer<z.ZodObject<F>>>),
  });
}
