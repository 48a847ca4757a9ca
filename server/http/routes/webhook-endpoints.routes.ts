import type { Router } from "express";
import { z } from "zod";
import { redeliverWebhook } from "../../commands/deliver-webhook.js";
import { createWebhookEndpoint, updateWebhookEndpoint } from "../../commands/save-webhook-endpoint.js";
import { WEBHOOK_SCOPES, WebhookAttempt, WebhookDelivery, WebhookEndpoint } from "../../entities/webhook.entity.js";
import { notFound } from "../../lib/errors.js";
import { simpleList } from "../../queries/simple-list.js";
import { WEBHOOK_EVENTS } from "../../webhooks/events.js";
import { commandContext, unwrap } from "../command-context.js";
import { idList, raListQuery } from "../middleware/ra-list.js";
import { presentWebhookDelivery, presentWebhookEndpoint } from "../presenters/webhook.presenter.js";
import { addRoute, idParams } from "../route.js";
import type { AppDeps } from "../types.js";

const ADMIN = ["admin"] as const;

const endpointFields = {
  name: z.string().trim().min(2).max(200),
  url: z
    .url("must be a URL")
    .max(1000)
    .refine((u) => /^https?:\/\//i.test(u), "must be an http(s) URL"),
  events: z.array(z.enum(WEBHOOK_EVENTS)).min(1, "choose at least one event").max(WEBHOOK_EVENTS.length),
  scope: z.enum(WEBHOOK_SCOPES),
  agencyId: z.number().int().positive().nullable().optional(),
  active: z.boolean().optional(),
};

/**
 * Outgoing webhooks (docs/webhooks.md): admins register receivers of integrations and read the
 * delivery log; the signing secret is shown only in the answer that created the endpoint.
 */
export function webhookEndpointRoutes(router: Router, deps: AppDeps) {
  addRoute(router, deps, {
    method: "get", path: "/webhook-endpoints", summary: "Outgoing webhook endpoints (without secrets)", tag: "webhooks", roles: ADMIN, list: true,
    query: raListQuery(z.object({ id: idList.optional(), q: z.string().max(200).optional(), active: z.boolean().optional() }).strict(), ["id", "name", "url"] as const, ["id", "ASC"]),
    async handler({ query }) {
      const { rows, total } = await simpleList(deps.db.manager.getRepository(WebhookEndpoint), query, { id: "id", name: "name", url: "url", active: "active" }, ["name", "url"]);
      return { resource: "webhook-endpoints", start: query.range.start, total, rows: rows.map(presentWebhookEndpoint) };
    },
  });
  addRoute(router, deps, {
    method: "get", path: "/webhook-endpoints/:id", summary: "One outgoing webhook endpoint (without its secret)", tag: "webhooks", roles: ADMIN, params: idParams,
    async handler({ params }) {
      const e = await deps.db.manager.getRepository(WebhookEndpoint).findOneBy({ id: params.id });
      if (!e) throw notFound(`webhook endpoint ${params.id}`);
      return presentWebhookEndpoint(e);
    },
  });
  addRoute(router, deps, {
    method: "post", created: true, path: "/webhook-endpoints", summary: "Register a webhook endpoint; the signing `secret` is shown only in this answer", tag: "webhooks", roles: ADMIN,
    body: z.object(endpointFields).strict(),
    async handler({ body, viewer, now }) {
      const out = unwrap(await deps.db.tx((m) => createWebhookEndpoint(m, commandContext(deps, viewer, now), deps.config.encryptionKey, body)));
      return { ...presentWebhookEndpoint(out.endpoint), secret: (out as { secret: string }).secret };
    },
  });
  addRoute(router, deps, {
    method: "put", path: "/webhook-endpoints/:id", summary: "Change a webhook endpoint (URL, events, scope, active)", tag: "webhooks", roles: ADMIN, params: idParams,
    body: z.object(endpointFields).partial().strict(),
    async handler({ params, body, viewer, now }) {
      return presentWebhookEndpoint(unwrap(await deps.db.tx((m) => updateWebhookEndpoint(m, commandContext(deps, viewer, now), params.id, body))).endpoint);
    },
  });
  addRoute(router, deps, {
    method: "get", path: "/webhook-deliveries", summary: "The webhook delivery log (states and response codes; no payloads)", tag: "webhooks", roles: ADMIN, list: true,
    query: raListQuery(
      z.object({ id: idList.optional(), endpointId: z.number().int().positive().optional(), state: z.enum(["pending", "sending", "delivered", "failed"]).optional(), eventType: z.enum(WEBHOOK_EVENTS).optional() }).strict(),
      ["id", "occurredAt", "state"] as const,
      ["id", "DESC"],
    ),
    async handler({ query }) {
      const { rows, total } = await simpleList(
        deps.db.manager.getRepository(WebhookDelivery),
        query,
        { id: "id", endpointId: "endpoint_id", state: "state", eventType: "event_type", occurredAt: "occurred_at" },
        ["event_id"],
      );
      return { resource: "webhook-deliveries", start: query.range.start, total, rows: rows.map((d) => presentWebhookDelivery(d)) };
    },
  });
  addRoute(router, deps, {
    method: "get", path: "/webhook-deliveries/:id", summary: "One webhook delivery with every attempt's response code", tag: "webhooks", roles: ADMIN, params: idParams,
    async handler({ params }) {
      const d = await deps.db.manager.getRepository(WebhookDelivery).findOneBy({ id: params.id });
      if (!d) throw notFound(`webhook delivery ${params.id}`);
      const attempts = await deps.db.manager.getRepository(WebhookAttempt).find({ where: { deliveryId: d.id }, order: { id: "ASC" } });
      return presentWebhookDelivery(d, attempts);
    },
  });
  addRoute(router, deps, {
    method: "post", path: "/webhook-deliveries/:id/redeliver", summary: "Send a webhook delivery again now (same event id)", tag: "webhooks", roles: ADMIN, params: idParams,
    async handler({ params, viewer, now }) {
      return presentWebhookDelivery(unwrap(await deps.db.tx((m) => redeliverWebhook(m, commandContext(deps, viewer, now), params.id))).delivery);
    },
  });
}
