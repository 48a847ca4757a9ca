import type { NextFunction, Request, Response, Router } from "express";
import { z } from "zod";
import type { Role } from "../domain/access/roles.js";
import { forbidden, invalidRequest, secondFactorRequired, unauthorized } from "../lib/errors.js";
import type { Viewer } from "../queries/viewer.js";
import type { AppDeps } from "./types.js";

export interface HandlerContext<B, Q, P> {
  req: Request;
  res: Response;
  deps: AppDeps;
  viewer: Viewer;
  body: B;
  query: Q;
  params: P;
  /** The caller's "now" (app clock) */
  now: Date;
}

export interface RouteSpec<B = unknown, Q = unknown, P = unknown> {
  method: "get" | "post" | "put" | "delete";
  /** Express path relative to /api, e.g. "/tickets/:id" */
  path: string;
  summary: string;
  tag: string;
  /** Who may call it: roles, any logged-in user, or everyone. */
  roles: readonly Role[] | "authenticated" | "public";
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /** Schema of the JSON answer (documentation only). */
  response?: z.ZodType;
  /** Reachable while the session still owes its second factor (login's second step, enrolment, logout). */
  duringSecondFactor?: boolean;
  /** POST that creates a row: answers 201. */
  created?: boolean;
  /** A react-admin list: handler returns { rows, total, resource, start }; Content-Range is set. */
  list?: boolean;
  handler(ctx: HandlerContext<B, Q, P>): Promise<unknown>;
}

/** The routes registered for each app (keyed by its deps), for the OpenAPI document. */
const registries = new WeakMap<AppDeps, RouteSpec<any, any, any>[]>();
export const routesOf = (deps: AppDeps): RouteSpec<any, any, any>[] => registries.get(deps) ?? [];

export const idParams = z.object({ id: z.coerce.number().int().positive("must be a positive integer") });

function parse<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): T {
  if (!schema) return undefined as T;
  const r = schema.safeParse(value);
  if (!r.success) {
    const issues = r.error.issues.map((i) => ({ path: [where, ...i.path.map(String)].join("."), message: i.message }));
    throw invalidRequest(`invalid ${where}: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`, issues);
  }
  return r.data;
}

/** validate -> authorize (role) -> handler -> JSON. Row checks live in the handlers' queries. */
export function addRoute<B, Q, P>(router: Router, deps: AppDeps, spec: RouteSpec<B, Q, P>): void {
  if (!registries.has(deps)) registries.set(deps, []);
  registries.get(deps)!.push(spec);
  router[spec.method](spec.path, async (req: Request, res: Response, next: NextFunction) => {
    try {
      if (spec.roles !== "public") {
        if (!req.viewer) throw unauthorized();
        if (req.secondFactorDue && req.secondFactorDue !== "none" && !spec.duringSecondFactor) throw secondFactorRequired(req.secondFactorDue);
        if (spec.roles !== "authenticated" && !spec.roles.includes(req.viewer.role)) throw forbidden();
      }
      const params = parse(spec.params, req.params, "params");
      const query = parse(spec.query, req.query, "query");
      const body = parse(spec.body, req.body ?? {}, "body");
      const out = await spec.handler({ req, res, deps, viewer: req.viewer!, body, query, params, now: deps.clock.now() });
      if (res.headersSent) return;
      if (spec.list) {
        const { rows, total, resource, start } = out as { rows: unknown[]; total: number; resource: string; start: number };
        const end = rows.length ? start + rows.length - 1 : start;
        res.setHeader("Content-Range", `${resource} ${start}-${end}/${total}`);
        res.json(rows);
        return;
      }
      res.status(spec.created ? 201 : 200).json(out ?? { ok: true });
    } catch (err) {
      next(err);
    }
  });
}
