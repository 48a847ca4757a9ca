// Thin job modules of outgoing webhooks: deliver-webhooks (the sweep of due deliveries, also run at
// once after a commit that queued some). The HTTP request is the only thing that talks to a receiver.
import { claimWebhookDelivery, completeWebhookDelivery, dueWebhookDeliveryIds, type WebhookAttemptResult, type WebhookCompleteOutcome } from "../commands/deliver-webhook.js";
import { WEBHOOK_POLICY } from "../commands/queue-webhook-events.js";
import type { Config } from "../config/env.js";
import { WebhookEndpoint, type WebhookDelivery } from "../entities/webhook.entity.js";
import type { Clock } from "../lib/clock.js";
import { decryptSecret } from "../lib/crypto.js";
import type { Db } from "../lib/db.js";
import type { Logger } from "../lib/logger.js";
import { buildWebhookPayload } from "../webhooks/payload.js";
import { SIGNATURE_HEADER, signWebhook } from "../webhooks/signature.js";

export interface WebhookJobDeps {
  db: Db;
  config: Pick<Config, "encryptionKey">;
  clock: Clock;
  logger: Logger;
  fetch?: typeof globalThis.fetch;
}

async function attempt(deps: WebhookJobDeps, d: WebhookDelivery): Promise<WebhookAttemptResult> {
  const started = performance.now();
  const took = () => performance.now() - started;
  const endpoint = await deps.db.manager.getRepository(WebhookEndpoint).findOneBy({ id: d.endpointId });
  if (!endpoint || !endpoint.active) return { statusCode: null, error: "endpoint removed or inactive (nonaktif)", durationMs: took(), retryable: false };
  const payload = await buildWebhookPayload({ db: deps.db, clock: deps.clock }, endpoint, d);
  if (!payload) return { statusCode: null, error: "the ticket is no longer in this endpoint's scope (di luar cakupan)", durationMs: took(), retryable: false };
  const body = JSON.stringify(payload);
  const secret = decryptSecret(deps.config.encryptionKey, endpoint.secretEncrypted);
  try {
    const res = await (deps.fetch ?? globalThis.fetch)(endpoint.url, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "User-Agent": "Aduan-Webhooks/1",
        "X-Aduan-Event": d.eventType,
        "X-Aduan-Event-Id": d.eventId,
        [SIGNATURE_HEADER]: signWebhook(secret, body, deps.clock.now()),
      },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(WEBHOOK_POLICY.timeoutMs),
    });
    // The answer's body is not kept (it is the receiver's); it is read so the connection is freed.
    await res.arrayBuffer().catch(() => undefined);
    return { statusCode: res.status, error: res.ok ? null : `HTTP ${res.status} ${res.statusText}`.trim(), durationMs: took() };
  } catch (err) {
    const cause = err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err);
    return { statusCode: null, error: cause, durationMs: took() };
  }
}

/** One delivery: claim, one POST, record. Safe on any number of workers (only the claimer sends). */
export async function runDeliverWebhook(deps: WebhookJobDeps, id: number): Promise<WebhookCompleteOutcome | { state: "skipped" }> {
  const d = await claimWebhookDelivery(deps.db, id, deps.clock.now());
  if (!d) return { state: "skipped" };
  let result: WebhookAttemptResult;
  try {
    result = await attempt(deps, d);
  } catch (err) {
    // A fault of ours (database, a secret that no longer decrypts): logged, retried like a refused request.
    deps.logger.error({ err, deliveryId: id }, "webhook attempt failed before sending");
    result = { statusCode: null, error: err instanceof Error ? err.message : String(err), durationMs: 0 };
  }
  const out = await completeWebhookDelivery(deps.db, d, result, deps.clock.now());
  if (out.state !== "delivered") deps.logger.warn({ deliveryId: id, endpointId: d.endpointId, attempt: d.attempts, status: result.statusCode, error: result.error, next: out.state }, "webhook not delivered");
  return out;
}

/** deliver-webhooks: every due delivery (new, retry time reached, or claim lost), in batches. */
export async function runWebhookSweep(deps: WebhookJobDeps): Promise<{ delivered: number; retry: number; failed: number }> {
  const counts = { delivered: 0, retry: 0, failed: 0 };
  for (;;) {
    const ids = await dueWebhookDeliveryIds(deps.db, deps.clock.now(), 50);
    let progressed = 0;
    for (const id of ids) {
      const r = await runDeliverWebhook(deps, id);
      if (r.state === "delivered") counts.delivered++;
      else if (r.state === "failed") counts.failed++;
      else if (r.state === "pending") counts.retry++;
      if (r.state !== "skipped" && r.state !== "lost") progressed++;
    }
    if (ids.length < 50 || progressed === 0) break;
  }
  return counts;
}
