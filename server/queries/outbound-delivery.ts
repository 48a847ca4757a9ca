import { In, type EntityManager } from "typeorm";
import { classifyFailure, type FailureReason } from "../domain/delivery/failure-reason.js";
import { AuditEvent } from "../entities/audit-event.entity.js";
import { ChannelAccount } from "../entities/channel-account.entity.js";
import { Message } from "../entities/message.entity.js";
import { OutboxItem } from "../entities/outbox.entity.js";
import { Ticket } from "../entities/ticket.entity.js";
import { sqlTime } from "../lib/db.js";

/**
 * The real state of a message to a citizen, from its outbox row and the provider's receipts:
 * queued (waiting for its first attempt), sending (an attempt is under way), retrying (an attempt
 * failed and another is scheduled), sent (the provider took it), delivered / read (the provider's
 * receipt says so), failed (given up, or the provider reported it undeliverable).
 */
export type DeliveryState = "queued" | "sending" | "retrying" | "sent" | "delivered" | "read" | "failed";

export interface DeliveryView {
  state: DeliveryState;
  attempts: number;
  /** When retrying: the time of the next attempt. */
  nextAttemptAt: Date | null;
  /** The provider's own words (failed, or the last failed attempt while retrying). */
  reason: string | null;
  /** What the reason means, worded by the console in the user's language. */
  reasonKey: FailureReason | null;
  /** Sent by the system (acknowledgement, status notices), not typed by an operator. */
  automated: boolean;
  /** Which automatic notice it is (acknowledgement, forwarded, answered, resolved, …); null for an operator's reply. */
  notice: string | null;
  /** An operator may queue it again (POST /messages/:id/resend). */
  resendable: boolean;
}

/** Outbox audit types are `message.<notice>_queued` (queueTicketNotice) or one of these. */
const NOTICE_OF_TYPE: Record<string, string | null> = { "message.reply_outbox": null, "message.greeting_queued": "greeting", "message.tracking_code_queued": "tracking_code" };
function noticeOf(type: string | undefined): string | null {
  if (!type) return null;
  if (type in NOTICE_OF_TYPE) return NOTICE_OF_TYPE[type]!;
  return /^message\.(\w+)_queued$/.exec(type)?.[1] ?? null;
}

export function deliveryStateOf(msg: Pick<Message, "deliveryStatus" | "deliveryError">, item: OutboxItem | undefined): Pick<DeliveryView, "state" | "reason"> {
  if (!item) return { state: msg.deliveryStatus === "failed" ? "failed" : (msg.deliveryStatus ?? "queued"), reason: msg.deliveryStatus === "failed" ? (msg.deliveryError ?? null) : null };
  switch (item.state) {
    case "pending":
      return item.attempts > 0 ? { state: "retrying", reason: item.lastError } : { state: "queued", reason: null };
    case "sending":
      return { state: "sending", reason: item.attempts > 1 ? item.lastError : null };
    case "failed":
      return { state: "failed", reason: msg.deliveryError ?? item.lastError };
    case "sent": {
      const s = msg.deliveryStatus;
      if (s === "failed") return { state: "failed", reason: msg.deliveryError ?? null };
      return { state: s === "delivered" || s === "read" ? s : "sent", reason: null };
    }
  }
}

/** The delivery view of each outbound message (keyed by message id); other directions are absent. */
export async function deliveryViews(m: EntityManager, messages: Message[]): Promise<Map<number, DeliveryView>> {
  const out = new Map<number, DeliveryView>();
  const outbound = messages.filter((x) => x.direction === "outbound");
  if (!outbound.length) return out;
  const items = await m.getRepository(OutboxItem).find({ where: { messageId: In(outbound.map((x) => x.id)) }, order: { id: "ASC" } });
  const itemOf = new Map<number, OutboxItem>();
  for (const i of items) itemOf.set(i.messageId!, i); // the latest row wins
  const ticketIds = [...new Set(outbound.map((x) => x.ticketId))];
  const events = items.length
    ? await m
        .getRepository(AuditEvent)
        .createQueryBuilder("a")
        .select(["a.entityId", "a.type"])
        .where("a.ticket_id IN (:...tids)", { tids: ticketIds })
        .andWhere("a.entity_type = 'outbox'")
        .andWhere("a.entity_id IN (:...oids)", { oids: items.map((i) => String(i.id)) })
        .orderBy("a.id", "ASC")
        .getMany()
    : [];
  const queuedType = new Map<string, string>();
  for (const e of events) if (!queuedType.has(e.entityId!) && /_queued$|_outbox$/.test(e.type)) queuedType.set(e.entityId!, e.type);
  for (const msg of outbound) {
    const item = itemOf.get(msg.id);
    const { state, reason } = deliveryStateOf(msg, item);
    out.set(msg.id, {
      state,
      attempts: item?.attempts ?? 0,
      nextAttemptAt: state === "retrying" ? item!.nextAttemptAt : null,
      reason,
      reasonKey: reason ? classifyFailure(reason) : null,
      automated: item?.automated ?? msg.authorUserId == null,
      notice: item ? noticeOf(queuedType.get(String(item.id))) : null,
      resendable: state === "failed",
    });
  }
  return out;
}

/** A queued message whose first attempt has not happened this long after it was due is stuck (the worker is not sending). */
export const STUCK_AFTER_MS = 5 * 60_000;
/** Failures older than this no longer count on the supervisor's screen (they stay on their tickets). */
export const FAILED_WINDOW_MS = 7 * 24 * 3600_000;

export interface AccountDeliveryHealth {
  channelAccountId: number;
  name: string;
  kind: string;
  connector: string;
  active: boolean;
  failed: number;
  retrying: number;
  stuck: number;
  /** The oldest problem still open (created time of its outbox row). */
  oldestAt: Date | null;
  lastReason: string | null;
  lastReasonKey: FailureReason | null;
}
export interface DeliveryProblem {
  outboxId: number;
  messageId: number | null;
  ticketId: number | null;
  ticketNumber: string | null;
  channelAccountId: number;
  problem: "failed" | "retrying" | "stuck";
  attempts: number;
  nextAttemptAt: Date | null;
  reason: string | null;
  reasonKey: FailureReason | null;
  automated: boolean;
  createdAt: Date;
}

/**
 * Outbound messages that did not get through, per channel account: failed (given up, or reported
 * undeliverable by the provider) within FAILED_WINDOW_MS, retrying, and stuck (queued and not tried
 * STUCK_AFTER_MS after it was due, or an attempt whose worker died). Every account is listed, so a
 * healthy one shows zeros.
 */
export async function outboundProblems(m: EntityManager, now: Date, limit = 200): Promise<{ accounts: AccountDeliveryHealth[]; problems: DeliveryProblem[] }> {
  const t = (d: Date) => sqlTime(m, d);
  const items = await m
    .getRepository(OutboxItem)
    .createQueryBuilder("o")
    .leftJoin(Message, "msg", "msg.id = o.message_id")
    .where("(o.state = 'failed' AND o.updated_at >= :since)", { since: t(new Date(now.getTime() - FAILED_WINDOW_MS)) })
    .orWhere("(o.state = 'sent' AND msg.delivery_status = 'failed' AND o.updated_at >= :since)")
    .orWhere("(o.state = 'pending' AND o.attempts > 0)")
    .orWhere("(o.state = 'pending' AND o.next_attempt_at < :stuck)", { stuck: t(new Date(now.getTime() - STUCK_AFTER_MS)) })
    .orWhere("(o.state = 'sending' AND o.locked_until < :now)", { now: t(now) })
    .orderBy("o.id", "DESC")
    .getMany();
  const messageIds = items.map((i) => i.messageId).filter((x): x is number => x != null);
  const messageOf = new Map(
    (messageIds.length ? await m.getRepository(Message).find({ select: { id: true, deliveryStatus: true, deliveryError: true }, where: { id: In(messageIds) } }) : []).map((x) => [x.id, x]),
  );
  const problems: DeliveryProblem[] = items.map((i) => {
    const msg = i.messageId ? messageOf.get(i.messageId) : undefined;
    const { state, reason } = deliveryStateOf(msg ?? { deliveryStatus: null, deliveryError: null }, i);
    const problem: DeliveryProblem["problem"] = state === "failed" ? "failed" : state === "retrying" ? "retrying" : "stuck";
    return {
      outboxId: i.id,
      messageId: i.messageId,
      ticketId: i.ticketId,
      ticketNumber: i.ticketNumber,
      channelAccountId: i.channelAccountId,
      problem,
      attempts: i.attempts,
      nextAttemptAt: problem === "retrying" ? i.nextAttemptAt : null,
      reason,
      reasonKey: reason ? classifyFailure(reason) : null,
      automated: i.automated,
      createdAt: i.createdAt,
    };
  });
  const accounts = await m.getRepository(ChannelAccount).find({ order: { id: "ASC" } });
  const health = accounts.map<AccountDeliveryHealth>((a) => {
    const mine = problems.filter((p) => p.channelAccountId === a.id);
    const latest = mine.find((p) => p.reason);
    return {
      channelAccountId: a.id,
      name: a.name,
      kind: a.kind,
      connector: a.connector,
      active: a.active,
      failed: mine.filter((p) => p.problem === "failed").length,
      retrying: mine.filter((p) => p.problem === "retrying").length,
      stuck: mine.filter((p) => p.problem === "stuck").length,
      oldestAt: mine.length ? new Date(Math.min(...mine.map((p) => p.createdAt.getTime()))) : null,
      lastReason: latest?.reason ?? null,
      lastReasonKey: latest?.reasonKey ?? null,
    };
  });
  // Tickets the rows name without a frozen number (rare: rows queued before numbering) get theirs.
  const missing = [...new Set(problems.filter((p) => p.ticketId && !p.ticketNumber).map((p) => p.ticketId!))];
  if (missing.length) {
    const numbers = new Map((await m.getRepository(Ticket).find({ select: { id: true, number: true }, where: { id: In(missing) } })).map((x) => [x.id, x.number]));
    for (const p of problems) if (p.ticketId && !p.ticketNumber) p.ticketNumber = numbers.get(p.ticketId) ?? null;
  }
  return { accounts: health, problems: problems.slice(0, limit) };
}


export interface AccountOutboxGauges {
  channelAccountId: number;
  kind: string;
  /** Rows waiting to go out or being sent (pending + sending). */
  depth: number;
  /** Same meanings as outboundProblems(), from the outbox rows alone (see below). */
  failed: number;
  retrying: number;
  stuck: number;
}

/**
 * Outbox depth and problems per channel account for /metrics, counted in SQL on each scrape. Only
 * the rows not yet sent are read (index ranges of (state, next_attempt_at)); a provider's receipt
 * that a sent message was undeliverable counts on the supervisor's screen (outboundProblems) but
 * not here, because finding those would read every sent row.
 */
export async function outboxGauges(m: EntityManager, now: Date): Promise<AccountOutboxGauges[]> {
  const t = (d: Date) => sqlTime(m, d);
  const rows: { account: number; state: string; problem: string; n: number | string }[] = await m
    .getRepository(OutboxItem)
    .createQueryBuilder("o")
    .select("o.channel_account_id", "account")
    .addSelect("o.state", "state")
    .addSelect(
      `CASE WHEN o.state = 'failed' THEN 'failed' WHEN o.state = 'pending' AND o.attempts > 0 THEN 'retrying'
            WHEN (o.state = 'pending' AND o.next_attempt_at < :stuck) OR (o.state = 'sending' AND o.locked_until < :now) THEN 'stuck' ELSE 'none' END`,
      "problem",
    )
    .addSelect("COUNT(*)", "n")
    .where("(o.state = 'failed' AND o.updated_at >= :since) OR o.state IN ('pending', 'sending')", {
      since: t(new Date(now.getTime() - FAILED_WINDOW_MS)),
      stuck: t(new Date(now.getTime() - STUCK_AFTER_MS)),
      now: t(now),
    })
    .groupBy("o.channel_account_id")
    .addGroupBy("o.state")
    .addGroupBy("problem")
    .getRawMany();
  const accounts = await m.getRepository(ChannelAccount).find({ select: { id: true, kind: true }, order: { id: "ASC" } });
  return accounts.map((a) => {
    const mine = rows.filter((r) => Number(r.account) === a.id);
    const sum = (f: (r: (typeof rows)[number]) => boolean) => mine.filter(f).reduce((s, r) => s + Number(r.n), 0);
    return {
      channelAccountId: a.id,
      kind: a.kind,
      depth: sum((r) => r.state === "pending" || r.state === "sending"),
      failed: sum((r) => r.problem === "failed"),
      retrying: sum((r) => r.problem === "retrying"),
      stuck: sum((r) => r.problem === "stuck"),
    };
  });
}
