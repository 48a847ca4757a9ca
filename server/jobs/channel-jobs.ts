// Thin job modules of the channels: deliver-outbound, outbox-sweep and fetch-attachment.
// Each calls commands; the connector is the only thing that talks to a provider.
import { forgetStaleEarlyDeliveryUpdates } from "../commands/apply-delivery-update.js";
import { createHash } from "node:crypto";
import { LessThan } from "typeorm";
import type { SendResult, TemplateMessage } from "../../channels/connector.js";
import { connectorContext, findConnector, openConfig, type ProviderRoute } from "../ingest/connectors.js";
import { claimOutboxItem, completeOutboxItem, dueOutboxIds, type CompleteOutcome } from "../commands/deliver-outbox-item.js";
import { composeForDelivery } from "../commands/tracking-secrets.js";
import { Attachment } from "../entities/attachment.entity.js";
import { attachmentStorageKey, writeAttachmentFile } from "../lib/attachment-files.js";
import { ChannelAccount } from "../entities/channel-account.entity.js";
import { Message } from "../entities/message.entity.js";
import type { OutboxItem } from "../entities/outbox.entity.js";
import type { Config } from "../config/env.js";
import type { Clock } from "../lib/clock.js";
import type { Db } from "../lib/db.js";
import type { Logger } from "../lib/logger.js";
import { replyWindowState } from "../queries/reply-options.js";
import { cloudSendOptions, decideFailover, failoverTemplateOf, failoverTemplateMessage, markCredentials, moveOutboxItem } from "../commands/whatsapp-failover.js";

export interface ChannelJobDeps {
  db: Db;
  config: Config;
  clock: Clock;
  logger: Logger;
  /** HTTP used by connectors (attachment downloads); tests may pass their own. */
  fetch?: typeof globalThis.fetch;
  /** The demo sandbox, when it is on: demo accounts deliver there instead of to the providers. */
  providerRoute?: ProviderRoute | undefined;
}

/** Largest attachment kept; bigger ones are recorded as failed. */
export const MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;
const MAX_FETCH_ATTEMPTS = 5;

async function accountContext(deps: ChannelJobDeps, accountId: number) {
  const account = await deps.db.manager.getRepository(ChannelAccount).findOneBy({ id: accountId });
  if (!account || !account.active) return { error: `channel account ${accountId} is missing or inactive` } as const;
  const registered = findConnector(account.connector);
  if (!registered) return { error: `connector ${account.connector} is not in this build` } as const;
  const connector = deps.providerRoute ? deps.providerRoute.connectorFor(registered) : registered;
  const cfg = openConfig(deps.config.encryptionKey, connector, account);
  if (!cfg.ok) return { error: `channel account ${accountId}: ${cfg.reason}` } as const;
  const ctx = connectorContext({ publicUrl: deps.config.publicUrl, logger: deps.logger, now: () => deps.clock.now(), fetch: deps.fetch, providerRoute: deps.providerRoute }, account, cfg.config);
  return { account, connector, ctx } as const;
}

async function send(deps: ChannelJobDeps, item: OutboxItem): Promise<SendResult> {
  const a = await accountContext(deps, item.channelAccountId);
  if ("error" in a) return { status: "failed", retryable: false, reason: a.error ?? "unusable account" };
  let template = item.templateJson ? (JSON.parse(item.templateJson) as TemplateMessage) : undefined;
  try {
    // A tracking link or code is minted now, for this attempt only; the stored text keeps its placeholder.
    const compose = () => deps.db.tx((m) => composeForDelivery(m, deps.config.sessionSecret, deps.config.publicUrl, item, deps.clock.now()));
    let text: { body: string; subject: string | null } | undefined;
    if (!template) {
      // Queued while the window was open (or automated), sent after it closed: free text must not go out.
      const window = await replyWindowState(deps.db.manager, a.connector, a.account.id, item.toAddress, deps.clock.now());
      if (window && !window.open) {
        // A reply failed over from WhatsApp Web goes out in the pairing's approved template.
        const origin = item.failoverFromAccountId ? await deps.db.manager.getRepository(ChannelAccount).findOneBy({ id: item.failoverFromAccountId }) : null;
        const options = origin ? await cloudSendOptions(deps.db.manager, deps.config.encryptionKey, a.account, a.connector, item.toAddress, deps.clock.now()) : null;
        const t = origin && options ? failoverTemplateOf(origin, a.account, options.templates) : null;
        if (!t) return { status: "failed", retryable: false, reason: `outside the ${window.hours}-hour customer-service window: only an approved template can be sent (di luar jendela ${window.hours} jam; kirim templat)` };
        text = await compose();
        template = failoverTemplateMessage(t, item.ticketNumber, text.body).template;
      }
    }
    text ??= await compose();
    return await a.connector.send(a.ctx, {
      to: item.toAddress,
      text: text.body,
      ...(text.subject ? { subject: text.subject } : {}),
      ...(item.ticketNumber ? { ticketNumber: item.ticketNumber } : {}),
      ...(item.inReplyTo && !item.failoverFromAccountId ? { inReplyToExternalId: item.inReplyTo } : {}),
      ...(item.referencesJson ? { references: JSON.parse(item.referencesJson) as string[] } : {}),
      idempotencyKey: `outbox-${item.id}`,
      automated: item.automated,
      ...(template ? { template } : {}),
    });
  } catch (err) {
    // A connector should answer with a value; an exception is treated as a transient fault.
    return { status: "failed", retryable: true, reason: err instanceof Error ? err.message : String(err) };
  }
}

type Routed = { kind: "go"; item: OutboxItem } | { kind: "hold"; result: SendResult; retryBy?: Date } | { kind: "lost" };

/** WhatsApp fail-over (commands/whatsapp-failover.ts): the claimed row moves to the account that can deliver it now. */
async function routeForFailover(deps: ChannelJobDeps, item: OutboxItem): Promise<Routed> {
  const now = deps.clock.now();
  const m = deps.db.manager;
  const d = await decideFailover(m, item, now, deps.config.whatsappFailoverMinutes * 60_000);
  if (d.kind === "keep") return { kind: "go", item };
  if (d.kind === "wait") return { kind: "hold", result: { status: "failed", retryable: true, reason: d.reason }, retryBy: d.until };
  let template: string | null = null;
  const connector = findConnector(d.to.connector);
  if (d.failover && connector?.limits.replyWindow && !item.templateJson) {
    const options = await cloudSendOptions(m, deps.config.encryptionKey, d.to, connector, item.toAddress, now);
    if (!options.freeText) {
      const t = failoverTemplateOf(d.origin, d.to, options.templates);
      if (!t) return { kind: "hold", result: { status: "failed", retryable: true, reason: `${d.reason}; fail-over to "${d.to.name}" is not possible: the 24-hour window is closed and the pairing names no approved template` } };
      template = t.name;
    }
  }
  const moved = await moveOutboxItem(deps.db, item, d, now, template);
  if (!moved) return { kind: "lost" };
  deps.logger.info({ outboxId: item.id, to: d.to.id, failover: d.failover, reason: d.reason }, d.failover ? "outbound message failed over" : "outbound message back on its own account");
  return { kind: "go", item: moved };
}

/**
 * deliver-outbound {outboxId}: claim, send once, record. Safe to run any number of times and on
 * any number of workers: only the claimer sends. Returns what happened (retryAt when it failed
 * transiently: the caller schedules the next attempt, the sweep is the safety net).
 */
export async function runDeliverOutbound(deps: ChannelJobDeps, outboxId: number): Promise<CompleteOutcome | { state: "skipped" }> {
  let item = await claimOutboxItem(deps.db, outboxId, deps.clock.now());
  if (!item) return { state: "skipped" };
  let result: SendResult | undefined;
  let retryBy: Date | undefined;
  // At most twice: an account whose credentials were just refused may hand the row to its fail-over partner.
  for (let round = 0; round < 2 && !result; round++) {
    const routed = await routeForFailover(deps, item);
    if (routed.kind === "lost") return { state: "lost" };
    if (routed.kind === "hold") {
      result = routed.result;
      retryBy = routed.retryBy;
      break;
    }
    item = routed.item;
    const r = await send(deps, item);
    if (r.status === "failed" && r.credentialsRejected) {
      await markCredentials(deps.db, item.channelAccountId, { reason: r.reason }, deps.clock.now());
      if (round === 0 && (await decideFailover(deps.db.manager, item, deps.clock.now(), deps.config.whatsappFailoverMinutes * 60_000)).kind === "move") continue;
    } else if (r.status === "sent") {
      await markCredentials(deps.db, item.channelAccountId, null, deps.clock.now());
    }
    result = r;
  }
  const out = await completeOutboxItem(deps.db, item, result!, deps.clock.now(), retryBy);
  if (result!.status === "failed") deps.logger.warn({ outboxId, attempt: item.attempts, reason: result!.reason, next: out.state }, "outbound message not delivered");
  return out;
}

/** outbox-sweep: every due row (new, retry time reached, or claim lost), plus pending attachment fetches. */
export async function runOutboxSweep(deps: ChannelJobDeps, onRetry?: (outboxId: number, at: Date) => void): Promise<{ sent: number; retry: number; failed: number; attachments: number }> {
  const counts = { sent: 0, retry: 0, failed: 0, attachments: 0 };
  for (;;) {
    const ids = await dueOutboxIds(deps.db, deps.clock.now(), 50);
    let progressed = 0;
    for (const id of ids) {
      const r = await runDeliverOutbound(deps, id);
      if (r.state === "sent") counts.sent++;
      else if (r.state === "failed") counts.failed++;
      else if (r.state === "pending") {
        counts.retry++;
        onRetry?.(id, r.retryAt);
      }
      if (r.state !== "skipped" && r.state !== "lost") progressed++;
    }
    if (ids.length < 50 || progressed === 0) break;
  }
  await deps.db.tx((m) => forgetStaleEarlyDeliveryUpdates(m, deps.clock.now()));
  const pending = await deps.db.manager.getRepository(Attachment).find({ select: { id: true }, where: { fetchState: "pending", fetchAttempts: LessThan(MAX_FETCH_ATTEMPTS) }, take: 50 });
  for (const a of pending) if ((await runFetchAttachment(deps, a.id)).state === "fetched") counts.attachments++;
  return counts;
}

/**
 * fetch-attachment {attachmentId}: asks the account's connector for the bytes and keeps them under
 * DATA_DIR/attachments/<ticket>/. Idempotent: a fetched attachment is left alone.
 */
export async function runFetchAttachment(deps: ChannelJobDeps, attachmentId: number): Promise<{ state: "fetched" | "failed" | "pending" | "skipped" }> {
  const repo = deps.db.manager.getRepository(Attachment);
  const att = await repo.findOneBy({ id: attachmentId });
  if (!att || att.fetchState !== "pending" || !att.sourceRef) return { state: "skipped" };
  const message = att.messageId ? await deps.db.manager.getRepository(Message).findOneBy({ id: att.messageId }) : null;
  const fail = async (reason: string, retryable: boolean) => {
    const attempts = (att.fetchAttempts ?? 0) + 1;
    const state = retryable && attempts < MAX_FETCH_ATTEMPTS ? "pending" : "failed";
    await deps.db.tx((m) => m.getRepository(Attachment).update({ id: att.id, fetchState: "pending" }, { fetchState: state, fetchAttempts: attempts, fetchError: reason.slice(0, 500) }));
    deps.logger.warn({ attachmentId, reason, state }, "attachment not fetched");
    return { state } as const;
  };
  if (!message?.channelAccountId) return fail("attachment without a channel message", false);
  const a = await accountContext(deps, message.channelAccountId);
  if ("error" in a) return fail(a.error ?? "unusable account", false);
  let r;
  try {
    r = await a.connector.fetchAttachment(a.ctx, att.sourceRef);
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err), true);
  }
  if (r.status === "failed") return fail(r.reason, r.retryable);
  if (r.content.length > MAX_ATTACHMENT_BYTES) return fail(`larger than ${MAX_ATTACHMENT_BYTES} bytes`, false);
  const storageKey = attachmentStorageKey(att.ticketId, att.id, r.fileName ?? att.fileName);
  await writeAttachmentFile(deps.config.dataDir, storageKey, r.content);
  await deps.db.tx((m) =>
    m.getRepository(Attachment).update(
      { id: att.id, fetchState: "pending" },
      {
        storageKey,
        sizeBytes: r.content.length,
        sha256: createHash("sha256").update(r.content).digest("hex"),
        mimeType: (att.mimeType === "application/octet-stream" && r.mimeType ? r.mimeType : att.mimeType).slice(0, 127),
        fetchState: "fetched",
        fetchError: null,
        // The bytes are ours now; a data: ref would only duplicate them.
        sourceRef: att.sourceRef!.startsWith("data:") ? null : att.sourceRef,
      },
    ),
  );
  return { state: "fetched" };
}
