import type { EntityManager } from "typeorm";
import { Agency } from "../entities/agency.entity.js";
import { WebhookEndpoint, type WebhookScope } from "../entities/webhook.entity.js";
import { encryptSecret, randomToken } from "../lib/crypto.js";
import type { WebhookEvent } from "../webhooks/events.js";
import { appendAuditEvent } from "./append-audit-event.js";
import type { CommandContext } from "./context.js";

export interface WebhookEndpointInput {
  name: string;
  url: string;
  events: WebhookEvent[];
  scope: WebhookScope;
  agencyId?: number | null;
  active?: boolean;
}

export type SaveWebhookEndpointOutcome =
  | { kind: "created"; endpoint: WebhookEndpoint; secret: string }
  | { kind: "ok"; endpoint: WebhookEndpoint }
  | { kind: "not_found"; what: string }
  | { kind: "invalid"; reason: string };

const auditView = (e: WebhookEndpoint) => ({ name: e.name, url: e.url, events: JSON.parse(e.eventsJson) as string[], scope: e.scope, agencyId: e.agencyId, active: e.active, secretPrefix: e.secretPrefix });

async function checkScope(m: EntityManager, input: Pick<WebhookEndpointInput, "scope" | "agencyId">): Promise<string | null> {
  if (input.scope === "public") return input.agencyId != null ? "agencyId is only for scope opd (hanya untuk cakupan opd)" : null;
  if (input.agencyId == null) return "scope opd needs agencyId (cakupan opd memerlukan OPD)";
  return (await m.getRepository(Agency).findOneBy({ id: input.agencyId })) ? null : `OPD ${input.agencyId} does not exist`;
}

/**
 * Registers a receiver: a new signing secret is drawn, kept encrypted with ENCRYPTION_KEY (it is
 * needed to sign) and returned in this answer only.
 */
export async function createWebhookEndpoint(m: EntityManager, ctx: CommandContext, encryptionKey: Buffer, input: WebhookEndpointInput): Promise<SaveWebhookEndpointOutcome> {
  const bad = await checkScope(m, input);
  if (bad) return { kind: "invalid", reason: bad };
  const secret = `whsec_${randomToken(32)}`;
  const repo = m.getRepository(WebhookEndpoint);
  const endpoint = await repo.save(
    repo.create({
      name: input.name.trim(),
      url: input.url,
      eventsJson: JSON.stringify([...new Set(input.events)]),
      scope: input.scope,
      agencyId: input.agencyId ?? null,
      secretEncrypted: encryptSecret(encryptionKey, secret),
      secretPrefix: secret.slice(0, 12),
      active: input.active ?? true,
      createdByUserId: ctx.actor.userId,
      createdAt: ctx.at,
      updatedAt: ctx.at,
    }),
  );
  await appendAuditEvent(m, { actor: ctx.actor, type: "webhook.endpoint_created", entityType: "webhook_endpoint", entityId: endpoint.id, after: auditView(endpoint), at: ctx.at });
  return { kind: "created", endpoint, secret };
}

/** Changes an endpoint (the secret stays; deliveries already queued keep going to the new URL). */
export async function updateWebhookEndpoint(m: EntityManager, ctx: CommandContext, id: number, input: Partial<WebhookEndpointInput>): Promise<SaveWebhookEndpointOutcome> {
  const repo = m.getRepository(WebhookEndpoint);
  const endpoint = await repo.findOneBy({ id });
  if (!endpoint) return { kind: "not_found", what: `webhook endpoint ${id}` };
  const before = auditView(endpoint);
  const scope = input.scope ?? endpoint.scope;
  const agencyId = input.agencyId !== undefined ? input.agencyId : scope === "public" ? null : endpoint.agencyId;
  const bad = await checkScope(m, { scope, agencyId });
  if (bad) return { kind: "invalid", reason: bad };
  Object.assign(endpoint, {
    ...(input.name !== undefined ? { name: input.name.trim() } : {}),
    ...(input.url !== undefined ? { url: input.url } : {}),
    ...(input.events !== undefined ? { eventsJson: JSON.stringify([...new Set(input.events)]) } : {}),
    ...(input.active !== undefined ? { active: input.active } : {}),
    scope,
    agencyId,
    updatedAt: ctx.at,
  });
  await repo.save(endpoint);
  await appendAuditEvent(m, { actor: ctx.actor, type: "webhook.endpoint_updated", entityType: "webhook_endpoint", entityId: endpoint.id, before, after: auditView(endpoint), at: ctx.at });
  return { kind: "ok", endpoint };
}
