// Automatic WhatsApp fail-over (issue 19, item 4; docs/channels.md "Automatic fail-over").
// A WhatsApp Web account and a WhatsApp Cloud API account are paired (channel_accounts
// .failover_account_id on either of them). At delivery time each outbox row is routed:
// - queued on the Web account whose session has been down for WHATSAPP_FAILOVER_MINUTES: through
//   the Cloud account (an approved template when the 24-hour window is closed);
// - queued on the Cloud account whose credentials the provider refused: through the Web account
//   while its session is connected;
// - back to the account it was queued on as soon as that one works again.
// The move is a compare-and-set on the claimed row (same id, `sending`, same attempt): only the
// claimer moves it, once, and the message records the path it took (messages.failover_connector).
import { IsNull, Not, type EntityManager } from "typeorm";
import { renderTemplateBody, templateParameterCount, type AnyConnector, type MessageTemplate, type TemplateMessage } from "../../channels/connector.js";
import { findConnector, openConfig } from "../ingest/connectors.js";
import { ChannelAccount } from "../entities/channel-account.entity.js";
import { Message } from "../entities/message.entity.js";
import { OutboxItem } from "../entities/outbox.entity.js";
import { SessionLease } from "../entities/session-lease.entity.js";
import type { Db } from "../lib/db.js";
import { replyWindowState } from "../queries/reply-options.js";
import { sessionDownSince } from "../sessions/lease.js";
import { appendAuditEvent, SYSTEM_ACTOR } from "./append-audit-event.js";

export type FailoverDecision =
  | { kind: "keep" }
  /** The session is down but not yet for the threshold: try again at `until` (then the row moves). */
  | { kind: "wait"; until: Date; reason: string }
  | { kind: "move"; to: ChannelAccount; origin: ChannelAccount; failover: boolean; reason: string };

const isSession = (a: ChannelAccount) => findConnector(a.connector)?.inbound === "session";

/** The other account of a WhatsApp pairing (set on either side), when it is active and of the other connector. */
export async function failoverPartner(m: EntityManager, account: ChannelAccount): Promise<ChannelAccount | null> {
  if (account.kind !== "whatsapp") return null;
  const repo = m.getRepository(ChannelAccount);
  const partner = account.failoverAccountId
    ? await repo.findOneBy({ id: account.failoverAccountId })
    : await repo.findOne({ where: { failoverAccountId: account.id, active: true }, order: { id: "ASC" } });
  if (!partner || !partner.active || partner.kind !== "whatsapp" || partner.connector === account.connector) return null;
  // One side runs a session (WhatsApp Web), the other takes webhooks (Cloud API).
  if (isSession(partner) === isSession(account)) return null;
  return partner;
}

/** Since when the session of a session account is down (null: connected). */
export async function accountDownSince(m: EntityManager, account: ChannelAccount, now: Date): Promise<Date | null> {
  const lease = await m.getRepository(SessionLease).findOneBy({ channelAccountId: account.id });
  return sessionDownSince(lease, account.createdAt, now);
}

/** Where a claimed outbox row should go now. */
export async function decideFailover(m: EntityManager, item: OutboxItem, now: Date, thresholdMs: number): Promise<FailoverDecision> {
  const repo = m.getRepository(ChannelAccount);
  const originId = item.failoverFromAccountId ?? item.channelAccountId;
  const origin = await repo.findOneBy({ id: originId });
  if (!origin?.active) return { kind: "keep" };
  const partner = await failoverPartner(m, origin);
  if (!partner) return { kind: "keep" };
  const current = item.channelAccountId;
  const back = (reason: string): FailoverDecision => (current === origin.id ? { kind: "keep" } : { kind: "move", to: origin, origin, failover: false, reason });
  const over = (reason: string): FailoverDecision => (current === partner.id ? { kind: "keep" } : { kind: "move", to: partner, origin, failover: true, reason });
  if (isSession(origin)) {
    const down = await accountDownSince(m, origin, now);
    if (!down) return back("the WhatsApp Web session is connected again");
    const at = new Date(down.getTime() + thresholdMs);
    if (now.getTime() < at.getTime()) {
      return current === origin.id ? { kind: "wait", until: at, reason: `the WhatsApp Web session is not connected (down since ${down.toISOString()}); fail-over to "${partner.name}" at ${at.toISOString()}` } : { kind: "keep" };
    }
    if (partner.rejectedAt) return back("the fail-over account's credentials were refused");
    return over(`the WhatsApp Web session is down since ${down.toISOString()}`);
  }
  if (!origin.rejectedAt) return back("the WhatsApp Cloud API account works again");
  if (await accountDownSince(m, partner, now)) return { kind: "keep" };
  return over("the WhatsApp Cloud API account's credentials were refused");
}

/** The failover template of a pairing (named on either account), among the Cloud account's approved templates. */
export function failoverTemplateOf(origin: ChannelAccount, partner: ChannelAccount, templates: MessageTemplate[]): MessageTemplate | null {
  const name = origin.failoverTemplate ?? partner.failoverTemplate;
  if (!name) return null;
  const named = templates.filter((t) => t.name === name);
  return named.find((t) => t.language === "id") ?? named[0] ?? null;
}

/** Longest reply text put into a template value (WhatsApp allows no line breaks there). */
export const FAILOVER_TEXT_MAX = 900;

/** The failover template filled in: {{1}} the ticket number, {{2}} the reply on one line (a single-value template gets the reply). */
export function failoverTemplateMessage(t: MessageTemplate, ticketNumber: string | null, text: string): { template: TemplateMessage; rendered: string } {
  const flat = text.replace(/\s+/g, " ").trim();
  const reply = [...flat].length > FAILOVER_TEXT_MAX ? `${[...flat].slice(0, FAILOVER_TEXT_MAX - 1).join("")}…` : flat;
  const count = templateParameterCount(t.body);
  const values = count <= 1 ? [reply] : [ticketNumber ?? "-", reply];
  const parameters = Array.from({ length: count }, (_, i) => values[i] ?? "-");
  return { template: { name: t.name, language: t.language, parameters }, rendered: renderTemplateBody(t.body, parameters) };
}

/** A Cloud API account's approved templates, and whether free text to `to` is allowed now. */
export async function cloudSendOptions(m: EntityManager, encryptionKey: Buffer, account: ChannelAccount, connector: AnyConnector, to: string, now: Date) {
  const window = await replyWindowState(m, connector, account.id, to, now);
  const cfg = connector.limits.replyWindow ? openConfig(encryptionKey, connector, account) : null;
  const templates = cfg?.ok && connector.limits.replyWindow ? connector.limits.replyWindow.templatesOf(cfg.config as never) : [];
  return { freeText: !window || window.open, templates };
}

/**
 * Moves a claimed row to `to` (compare-and-set on the claim): the outbox row and its ticket
 * message, with an audit event. Null when the claim is no longer ours.
 */
export async function moveOutboxItem(db: Db, item: OutboxItem, d: Extract<FailoverDecision, { kind: "move" }>, now: Date, template: string | null): Promise<OutboxItem | null> {
  return db.tx(async (m) => {
    const failoverFrom = d.failover ? d.origin.id : null;
    const r = await m
      .getRepository(OutboxItem)
      .update({ id: item.id, state: "sending", attempts: item.attempts }, { channelAccountId: d.to.id, failoverFromAccountId: failoverFrom, updatedAt: now });
    if (!r.affected) return null;
    if (item.messageId) await m.getRepository(Message).update({ id: item.messageId }, { channelAccountId: d.to.id, failoverConnector: d.failover ? d.to.connector : null });
    await appendAuditEvent(m, {
      actor: SYSTEM_ACTOR,
      type: d.failover ? "message.failover_routed" : "message.failover_returned",
      entityType: "outbox",
      entityId: item.id,
      ticketId: item.ticketId,
      before: { channelAccountId: item.channelAccountId },
      after: { outboxId: item.id, messageId: item.messageId, channelAccountId: d.to.id, connector: d.to.connector, reason: d.reason, ...(template ? { template } : {}) },
      at: now,
    });
    return Object.assign(item, { channelAccountId: d.to.id, failoverFromAccountId: failoverFrom });
  });
}

/** The provider refused an account's credentials (or accepted them again): kept on the account for routing and for the console. */
export async function markCredentials(db: Db, accountId: number, rejected: { reason: string } | null, now: Date): Promise<void> {
  // The common case (a send went through on an account never refused) costs a read, not a write.
  if (!rejected && !(await db.manager.getRepository(ChannelAccount).existsBy({ id: accountId, rejectedAt: Not(IsNull()) }))) return;
  await db.tx(async (m) => {
    const repo = m.getRepository(ChannelAccount);
    if (rejected) {
      const r = await repo.createQueryBuilder().update(ChannelAccount).set({ rejectedAt: now, lastError: rejected.reason.slice(0, 500) }).where("id = :id AND rejected_at IS NULL", { id: accountId }).execute();
      if (r.affected) {
        await appendAuditEvent(m, { actor: SYSTEM_ACTOR, type: "channel_account.credentials_rejected", entityType: "channel_account", entityId: accountId, after: { reason: rejected.reason.slice(0, 300) }, at: now });
      }
    } else {
      await repo.createQueryBuilder().update(ChannelAccount).set({ rejectedAt: null, lastError: null }).where("id = :id AND rejected_at IS NOT NULL", { id: accountId }).execute();
    }
  });
}
