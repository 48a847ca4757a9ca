import type { Router } from "express";
import { z } from "zod";
import { ROLES } from "../../domain/access/roles.js";
import { saveAgency } from "../../commands/save-agency.js";
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
  // --- OPDs: everyone logged in reads (forward dialogs, inbox headers); admins manage.
  addRoute(router, deps, {
    method: "get", path: "/agencies", summary: "List OPDs", tag: "agencies", roles: "authenticated", list: true,
    query: raListQuery(simpleFilter.strict(), ["id", "code", "name", "shortName"] as const, ["name", "ASC"]),
    async handler({ query }) {
      const { rows, total } = await simpleList(deps.db.manager.getRepository(Agency), query, { id: "id", code: "code", name: "name", shortName: "short_name", active: "active" }, ["name", "short_name", "code"]);
      return { resource: "agencies", start: query.range.start, total, rows: rows.map(presentAgency) };
    },
  });
  addRoute(router, deps, {
    method: "get", path: "/agencies/:id", summary: "One OPD", tag: "agencies", roles: "authenticated", params: idParams,
    async handler({ params }) {
      const a = await deps.db.manager.getRepository(Agency).findOneBy({ id: params.id });
      if (!a) throw notFound(`OPD ${params.id}`);
      return presentAgency(a);
    },
  });
  addRoute(router, deps, {
    method: "post", created: true, path: "/agencies", summary: "Create an OPD", tag: "agencies", roles: ADMIN, body: z.object(agencyFields).strict(),
    async handler({ body, viewer, now }) {
      return presentAgency(unwrap(await deps.db.tx((m) => saveAgency(m, commandContext(deps, viewer, now), null, body))).value);
    },
  });
  addRoute(router, deps, {
    method: "put", path: "/agencies/:id", summary: "Update an OPD (e.g. set its head)", tag: "agencies", roles: ADMIN, params: idParams,
    body: z.object(agencyFields).partial().strict(),
    async handler({ params, body, viewer, now }) {
      return presentAgency(unwrap(await deps.db.tx((m) => saveAgency(m, commandContext(deps, viewer, now), params.id, body))).value);
    },
  });
  addRoute(router, deps, {
    method: "delete", path: "/agencies/:id", summary: "Deactivate an OPD (kept for history)", tag: "agencies", roles: ADMIN, params: idParams,
    async handler({ params, viewer, now }) {
      return presentAgency(unwrap(await deps.db.tx((m) => saveAgency(m, commandContext(deps, viewer, now), params.id, { active: false }))).value);
    },
  });

  // --- Categories
  addRoute(router, deps, {
    method: "get", path: "/categories", summary: "List complaint categories", tag: "categories", roles: "authenticated", list: true,
    query: raListQuery(simpleFilter.extend({ defaultAgencyId: z.number().int().positive().optional() }).strict(), ["id", "code", "name"] as const, ["name", "ASC"]),
    async handler({ query }) {
      const { rows, total } = await simpleList(deps.db.manager.getRepository(Category), query, { id: "id", code: "code", name: "name", active: "active", defaultAgencyId: "default_agency_id" }, ["name", "name_en", "code"]);
      return { resource: "categories", start: query.range.start, total, rows: rows.map(presentCategory) };
    },
  });
  addRoute(router, deps, {
    method: "get", path: "/categories/:id", summary: "One category", tag: "categories", roles: "authenticated", params: idParams,
    async handler({ params }) {
      const c = await deps.db.manager.getRepository(Category).findOneBy({ id: params.id });
      if (!c) throw notFound(`category ${params.id}`);
      return presentCategory(c);
    },
  });
  addRoute(router, deps, {
    method: "post", created: true, path: "/categories", summary: "Create a category", tag: "categories", roles: ADMIN, body: z.object(categoryFields).strict(),
    async handler({ body, viewer, now }) {
      return presentCategory(unwrap(await deps.db.tx((m) => saveCategory(m, commandContext(deps, viewer, now), null, body))).value);
    },
  });
  addRoute(router, deps, {
    method: "put", path: "/categories/:id", summary: "Update a category", tag: "categories", roles: ADMIN, params: idParams,
    body: z.object(categoryFields).partial().strict(),
    async handler({ params, body, viewer, now }) {
      return presentCategory(unwrap(await deps.db.tx((m) => saveCategory(m, commandContext(deps, viewer, now), params.id, body))).value);
    },
  });
  addRoute(router, deps, {
    method: "delete", path: "/categories/:id", summary: "Deactivate a category", tag: "categories", roles: ADMIN, params: idParams,
    async handler({ params, viewer, now }) {
      return presentCategory(unwrap(await deps.db.tx((m) => saveCategory(m, commandContext(deps, viewer, now), params.id, { active: false }))).value);
    },
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
