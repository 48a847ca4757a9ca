// POST|GET /webhooks/:connector/:account — where providers call us.
//   raw body kept (express.raw, WEBHOOK_BODY_LIMIT) -> account lookup (404) -> connector.verify over
//   the raw bytes and the URL the provider called (401, nothing stored) -> parse (400 if it throws)
//   -> ingest (concurrent deliveries share one transaction: IngestBatcher), delivery receipts, call
//   reports -> the connector's reply (TwiML…) or 200, only after commit. A "status-question" (the
//   IVR's ticket lookup) is answered at once from a read, only to the ticket's own reporter.
//   The web form's connector also passes the per-address limit it shares with /lapor (web-intake.ts): 429, nothing stored.
import express, { type Request, type Response, type Router } from "express";
import type { WebhookConnector, WebhookRequest } from "../../channels/connector.js";
import { connectorContext, findConnector, openConfig } from "../ingest/connectors.js";
import { applyDeliveryUpdate } from "../commands/apply-delivery-update.js";
import { IngestBatcher } from "../ingest/ingest-batcher.js";
import { ingestWebSubmission, WebSubmissionLimit } from "../ingest/web-intake.js";
import { ChannelAccount } from "../entities/channel-account.entity.js";
import { logCall } from "../commands/log-call.js";
import { normalizePhone } from "../domain/contacts/identity.js";
import { STATUS_LABELS } from "../domain/ticket/lifecycle.js";
import { contactIdOfPhone, ownTicketByNumber } from "../queries/own-ticket.js";
import { closedDaysOf } from "../clocks/sla-settings.js";
import type { CommitEvent } from "../lib/db.js";
import type { AppDeps } from "./types.js";

export const WEBHOOK_BODY_LIMIT = "1mb";
export const ACCOUNT_CACHE_MS = 5_000;

const fail = (res: Response, status: number, error: string, message: string) => res.status(status).json({ error, message });

/**
 * The URLs the provider may have signed: PUBLIC_URL + the path it called (right behind a proxy
 * that rewrites Host), and the URL as the request says it arrived (scheme and host from
 * X-Forwarded-Proto / X-Forwarded-Host when TRUST_PROXY trusts the proxy).
 */
export function candidateUrls(req: Request, publicUrl: string): string[] {
  const configured = `${publicUrl}${req.originalUrl}`;
  const host = req.host;
  const seen = host ? `${req.protocol}://${host}${req.originalUrl}` : configured;
  return [...new Set([configured, seen])];
}

function webhookRequest(req: Request, url: string): WebhookRequest {
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of new URL(url).searchParams) {
    const prev = query[k];
    query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return { method: req.method, url, headers: req.headers, rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0), query };
}

export function webhookRoutes(deps: AppDeps, batcher = new IngestBatcher(deps), webLimit = new WebSubmissionLimit(() => deps.clock.now().getTime())): Router {
  // Concurrent deliveries commit together (group commit); each is answered once its batch committed.
  const router = express.Router();
  // Accounts and their decrypted configs, kept briefly: a burst of deliveries to one number would
  // otherwise read and decrypt the same row per request. An edit or a deactivation reaches the
  // webhooks within ACCOUNT_CACHE_MS.
  const accounts = new Map<string, { until: number; value: Promise<{ account: ChannelAccount; opened: ReturnType<typeof openConfig> } | null> }>();
  const accountOf = (connector: WebhookConnector<unknown>, id: number) => {
    const k = `${connector.id}:${id}`;
    const hit = accounts.get(k);
    if (hit && hit.until > Date.now()) return hit.value;
    const value = deps.db.manager
      .getRepository(ChannelAccount)
      .findOneBy({ id, connector: connector.id, active: true })
      .then((account) => (account ? { account, opened: openConfig(deps.config.encryptionKey, connector, account) } : null));
    if (accounts.size > 1000) accounts.clear();
    accounts.set(k, { until: Date.now() + ACCOUNT_CACHE_MS, value });
    value.catch(() => accounts.delete(k));
    return value;
  };
  // Edits made through this process apply at once; other processes' within ACCOUNT_CACHE_MS.
  deps.db.events.on("commit", (e: CommitEvent) => {
    if (e.type === "channel-account") for (const k of accounts.keys()) if (k.endsWith(`:${e.accountId}`)) accounts.delete(k);
  });
  router.use(express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT }));
  router.all("/:connector/:account", async (req: Request, res: Response, next) => {
    try {
      res.setHeader("Cache-Control", "no-store");
      const connectorId = String(req.params.connector);
      const accountParam = String(req.params.account);
      const found = findConnector(connectorId);
      if (!found || found.inbound !== "webhook") return fail(res, 404, "not_found", `no webhook connector ${connectorId}`);
      const connector = found as WebhookConnector<unknown>;
      const known = /^\d{1,9}$/.test(accountParam) ? await accountOf(connector, Number(accountParam)) : null;
      if (!known) return fail(res, 404, "not_found", "no such channel account");
      const { account, opened } = known;
      if (!opened.ok) {
        deps.logger.error({ channelAccountId: account.id, reason: opened.reason }, "webhook for an account whose config cannot be used");
        return fail(res, 503, "account_unusable", "this channel account is misconfigured");
      }
      const ctx = connectorContext({ publicUrl: deps.config.publicUrl, logger: deps.logger, now: () => deps.clock.now() }, account, opened.config);
      // Office hours (the IVR) follow the province's holiday calendar.
      if (connector.kind === "voice") ctx.closedDays = await closedDaysOf(deps.db.manager);

      let verified: WebhookRequest | undefined;
      for (const url of candidateUrls(req, deps.config.publicUrl)) {
        const candidate = webhookRequest(req, url);
        let ok = false;
        try {
          ok = connector.verify(ctx, candidate);
        } catch {
          ok = false;
        }
        if (ok) {
          verified = candidate;
          break;
        }
      }
      if (!verified) {
        deps.logger.warn({ channelAccountId: account.id, ip: req.ip }, "webhook refused: signature does not verify");
        return fail(res, 401, "invalid_signature", "the request is not signed for this account");
      }

      let outcome;
      try {
        outcome = connector.parse(ctx, verified);
      } catch (err) {
        deps.logger.warn({ channelAccountId: account.id, err }, "webhook body could not be parsed");
        return fail(res, 400, "malformed", "the request body could not be understood");
      }
      if (outcome.kind === "handshake") return sendReply(res, outcome.reply);
      if (outcome.kind === "status-question") {
        // Read only: the provider waits on the answer (the IVR speaks it).
        const m = deps.db.manager;
        const phone = normalizePhone(outcome.askerPhone ?? "");
        const own = outcome.ticketNumber && phone ? await ownTicketByNumber(m, outcome.ticketNumber, await contactIdOfPhone(m, phone)) : null;
        return sendReply(res, outcome.answer(own ? STATUS_LABELS[own.status] : null));
      }
      if (outcome.kind === "ignored") {
        deps.logger.info({ channelAccountId: account.id, reason: outcome.reason }, "webhook ignored");
        return res.status(200).json({ ok: true, ignored: outcome.reason });
      }
      const results: string[] = [];
      for (const message of outcome.messages) {
        if (connector.kind !== "web") {
          results.push((await batcher.ingest(account, message)).kind);
          continue;
        }
        // A web form: the same per-address limit as /lapor; refused tries do not count.
        const r = await ingestWebSubmission(webLimit, req.ip ?? "", () => batcher.ingest(account, message));
        if (r.kind === "limited") {
          deps.logger.info({ channelAccountId: account.id, ip: req.ip }, "web form refused: too many submissions from this address");
          res.setHeader("Retry-After", String(r.retryAfterSeconds));
          return fail(res, 429, "too_many_submissions", "too many submissions from this address; try again later");
        }
        results.push(r.kind);
      }
      for (const delivery of outcome.deliveries) {
        const at = deps.clock.now();
        const r = await deps.db.tx((m) => applyDeliveryUpdate(m, { actor: { userId: null, label: `${connectorId} receipt` }, at, secretKey: deps.config.sessionSecret }, account.id, delivery));
        results.push(`delivery:${r.kind}`);
      }
      for (const report of outcome.calls ?? []) {
        const at = deps.clock.now();
        await deps.db.tx((m) => logCall(m, { actor: { userId: null, label: `${connectorId} call status` }, at, secretKey: deps.config.sessionSecret }, { account, report }));
        results.push("call");
      }
      // Everything above has committed: only now may the provider consider it delivered.
      if (outcome.reply) return sendReply(res, outcome.reply);
      return res.status(200).json({ ok: true, results });
    } catch (err) {
      next(err);
    }
  });
  return router;
}

/**
 * The connector's answer as is (TwiML, a challenge echo…). Written with end(), not express's
 * send(): providers never revalidate, so an ETag (a hash of every body) would be wasted work.
 */
function sendReply(res: Response, reply: { status: number; headers: Record<string, string>; body: string }) {
  res.statusCode = reply.status;
  for (const [k, v] of Object.entries(reply.headers)) res.setHeader(k, v);
  res.setHeader("Content-Length", Buffer.byteLength(reply.body));
  res.end(reply.body);
}
