import type { Router } from "express";
import { z } from "zod";
import { routesOf, type RouteSpec } from "../route.js";
import type { AppDeps } from "../types.js";

const toSchema = (s: z.ZodType, io: "input" | "output" = "input") => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io, unrepresentable: "any" }) as Record<string, unknown>;
  return rest;
};

/** OpenAPI 3.1 generated from the same zod schemas that validate requests. */
export function openApiDocument(routes: RouteSpec[], publicUrl: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = `/api${r.path.replace(/:(\w+)/g, "{$1}")}`;
    const parameters: unknown[] = [];
    for (const m of r.path.matchAll(/:(\w+)/g)) parameters.push({ name: m[1], in: "path", required: true, schema: { type: "integer" } });
    if (r.query) {
      const shape = toSchema(r.query) as { properties?: Record<string, unknown> };
      for (const [name, schema] of Object.entries(shape.properties ?? {})) {
        parameters.push({
          name,
          in: "query",
          required: false,
          description: r.list ? `react-admin ${name} as JSON (${name === "sort" ? '["field","ASC"]' : name === "range" ? "[0,24]" : "{…}"})` : undefined,
          schema,
        });
      }
    }
    const op: Record<string, unknown> = {
      summary: r.summary,
      tags: [r.tag],
      parameters,
      security: r.roles === "public" ? [] : [{ session: [] }],
      "x-roles": r.roles,
      responses: {
        [r.created ? "201" : "200"]: {
          description: r.list ? "A page of rows; the Content-Range header carries the total" : "OK",
          ...(r.response ? { content: { "application/json": { schema: toSchema(r.response, "output") } } } : {}),
          ...(r.list ? { headers: { "Content-Range": { schema: { type: "string" }, description: "e.g. tickets 0-24/319" } } } : {}),
        },
        "400": { description: "Invalid input; the message names the problem" },
        "401": { description: "No or expired session" },
        "403": { description: "Role may not do this" },
        "404": { description: "Unknown id, or a row the caller may not see" },
        "409": { description: "Not allowed in the ticket's current state" },
      },
    };
    if (r.body) op.requestBody = { required: true, content: { "application/json": { schema: toSchema(r.body) } } };
    (paths[path] ??= {})[r.method] = op;
  }
  return {
    openapi: "3.1.0",
    info: { title: "Aduan API", version: "0.1.0", description: "Console API in the react-admin simple-REST dialect. Cookie sessions from POST /api/auth/login." },
    servers: [{ url: publicUrl }],
    components: { securitySchemes: { session: { type: "apiKey", in: "cookie", name: "aduan_session" } } },
    paths,
  };
}

export function openApiRoutes(router: Router, deps: AppDeps) {
  let cached: unknown;
  router.get("/openapi.json", (_req, res) => {
    cached ??= openApiDocument(routesOf(deps), deps.config.publicUrl);
    res.json(cached);
  });
}
