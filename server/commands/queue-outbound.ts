import { In, IsNull, Not, type EntityManager } from "typeorm";
import type { TemplateMessage } from "../../channels/connector.js";
import { ChannelAccount } from "../entities/channel-account.entity.js";
import { Contact } from "../entities/contact.entity.js";
import { Message } from "../entities/message.entity.js";
import { newMessageRow } from "../entities/rows.js";
import { OutboxItem } from "../entities/outbox.entity.js";
import { ReplyTemplate } from "../entities/reply-template.entity.js";
import type { Ticket } from "../entities/ticket.entity.js";
import { afterCommit } from "../lib/db.js";
import { caseTextDigests } from "../audit/case-texts.js";
import { appendAuditEvent } from "./append-audit-event.js";
import { TRACKING_LINK_SENT } from "./tracking-secrets.js";
import type { CommandContext } from "./context.js";

export const DEFAULT_LOCALE = "id";

/** Where a message to the citizen of a ticket goes: an account and the citizen's address on it. */
export interface ReplyRoute {
  account: ChannelAccount;
  to: string;
  inReplyTo: string | null;
  references: string[];
}

/** Fills {{name}} placeholders; unknown names become empty. */
export function fillTemplate(text: string, vars: Record<string, string | number | null | undefined>): string {
  return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => String(vars[name] ?? ""));
}

/** A template in the wanted locale, falling back to Bahasa Indonesia; null when none exists. */
export async function renderTemplate(
  m: EntityManager,
  key: string,
  locale: string,
  vars: Record<string, string | number | null | undefined>,
): Promise<{ subject: string | null; body: string } | null> {
  const t = await loadTemplate(m, key, locale);
  return t ? t(vars) : null;
}

export type TemplateRenderer = (vars: Record<string, string | number | null | undefined>) => { subject: string | null; body: string };

/** A template read once and filled many times (a batch of acknowledgements); null when none exists. */
export async function loadTemplate(m: EntityManager, key: string, locale: string): Promise<TemplateRenderer | null> {
  const rows = await m.getRepository(ReplyTemplate).findBy({ key, locale: In([...new Set([locale, DEFAULT_LOCALE])]) });
  const t = rows.find((r) => r.locale === locale) ?? rows.find((r) => r.locale === DEFAULT_LOCALE);
  if (!t) return null;
  return (vars) => ({ subject: t.subject ? fillTemplate(t.subject, vars) : null, body: fillTemplate(t.body, vars) });
}

/**
 * The channel the citizen last wrote on (the latest inbound channel message of the ticket from its citizen), so a
 * reply lands in the same SMS conversation, Telegram chat or e-mail thread. Tickets typed in by
 * operators or sent through the web form fall back to an active account of the ticket's channel,
 * else e-mail, else SMS, using the contact's address.
 */
export async function findReplyRoute(m: EntityManager, ticket: Ticket): Promise<ReplyRoute | null> {
  const accounts = m.getRepository(ChannelAccount);
  // The ticket's own citizen's messages only: in a case cluster, other reporters write on the primary too.
  const inbound = { ticketId: ticket.id, direction: "inbound" as const, channelAccountId: Not(IsNull()) };
  const last = await m.getRepository(Message).findOne({
    where: ticket.contactId != null ? [{ ...inbound, contactId: ticket.contactId }, { ...inbound, contactId: IsNull() }] : inbound,
    order: { id: "DESC" },
  });
  if (last?.channelAccountId && last.externalAddress) {
    const account = await accounts.findOneBy({ id: last.channelAccountId, active: true });
    // The web form cannot be written back to: its reporters hear from us by e-mail or SMS (below).
    if (account && account.kind !== "web") {
      const email = account.kind === "email";
      return {
        account,
        to: last.externalAddress,
        inReplyTo: email ? last.externalId : null,
        references: email ? [...new Set([last.externalThreadId, last.externalId].filter((x): x is string => !!x))] : [],
      };
    }
  }
  if (!ticket.contactId) return null;
  const contact = await m.getRepository(Contact).findOneBy({ id: ticket.contactId });
  if (!contact) return null;
  const active = await accounts.find({ where: { active: true }, order: { id: "ASC" } });
  const byKind = (kind: string) => active.find((a) => a.kind === kind);
  const addressFor = (kind: string) => (kind === "email" ? contact.email : kind === "sms" || kind === "whatsapp" ? contact.phone : null);
  for (const kind of [ticket.channel, "email", "sms"].filter((k) => k !== "web")) {
    const account = byKind(kind);
    const to = addressFor(kind);
    if (account && to) return { account, to, inReplyTo: null, references: [] };
  }
  return null;
}

export interface QueueOutboundInput {
  route: ReplyRoute;
  body: string;
  subject?: string | null;
  ticket?: Ticket | null;
  /** The ticket message this delivers; when absent and a ticket is given, one is created. */
  message?: Message | null;
  automated: boolean;
  /** Audit type, e.g. "message.acknowledgement_queued". */
  auditType: string;
  /** A provider-approved template to send instead of free text; `body` is its rendered text. */
  template?: TemplateMessage | null;
  /** The text holds the placeholder of this ticket's tracking link or of a one-time code, minted at delivery (tracking-secrets.ts). */
  secret?: { kind: "link" | "code"; ticketId: number } | { kind: "identity" } | null;
}

/**
 * Queues one message to a citizen: the outbound ticket message (queued) and its outbox row, in the
 * caller's transaction. The deliver-outbound job is scheduled once this commits.
 */
export async function queueOutbound(m: EntityManager, ctx: CommandContext, input: QueueOutboundInput): Promise<{ item: OutboxItem; message: Message | null }> {
  const { route, ticket } = input;
  let message = input.message ?? null;
  const messages = m.getRepository(Message);
  // A message written here has its texts recorded in this event; a given one was recorded by its writer.
  const created = !message && !!ticket;
  if (!message && ticket) {
    message = await messages.save(
      messages.create(
        newMessageRow({
          ticketId: ticket.id,
          direction: "outbound",
          channel: route.account.kind,
          contactId: ticket.contactId,
          authorUserId: ctx.actor.userId,
          subject: input.subject ?? null,
          body: input.body,
          channelAccountId: route.account.id,
          externalAddress: route.to,
          at: ctx.at,
        }),
      ),
    );
  } else if (message) {
    await messages.update({ id: message.id }, { channelAccountId: route.account.id, externalAddress: route.to, channel: route.account.kind, deliveryStatus: "queued" });
    Object.assign(message, { channelAccountId: route.account.id, externalAddress: route.to, channel: route.account.kind, deliveryStatus: "queued" });
  }
  const outbox = m.getRepository(OutboxItem);
  const item = outbox.create({
      channelAccountId: route.account.id,
      messageId: message?.id ?? null,
      ticketId: ticket?.id ?? null,
      toAddress: route.to,
      subject: input.subject ?? null,
      body: input.body,
      ticketNumber: ticket?.number ?? null,
      inReplyTo: route.inReplyTo,
      referencesJson: route.references.length ? JSON.stringify(route.references) : null,
      templateJson: input.template ? JSON.stringify(input.template) : null,
      secretKind: input.secret?.kind ?? null,
      secretTicketId: input.secret && "ticketId" in input.secret ? input.secret.ticketId : null,
      automated: input.automated,
      state: "pending",
      attempts: 0,
      nextAttemptAt: ctx.at,
      lockedUntil: null,
      lastError: null,
      externalId: null,
      sentAt: null,
      createdAt: ctx.at,
      updatedAt: ctx.at,
    });
  // insert, not save: save reads the row back for its defaults, which are all given here.
  item.id = Number((await outbox.insert(item)).identifiers[0]?.id);
  await appendAuditEvent(m, {
    actor: ctx.actor,
    type: input.auditType,
    entityType: "outbox",
    entityId: item.id,
    ticketId: ticket?.id ?? null,
    after: {
      outboxId: item.id,
      messageId: message?.id ?? null,
      channelAccountId: route.account.id,
      automated: input.automated,
      length: input.body.length,
      ...(input.template ? { template: input.template.name } : {}),
      ...(created && message ? { texts: caseTextDigests("messages", message.id, message) } : {}),
    },
    at: ctx.at,
  });
  afterCommit(m, { type: "outbox", outboxId: item.id, at: ctx.at });
  return { item, message };
}

/**
 * A templated notice to the citizen of a ticket (acknowledgement, forwarded, answered, resolved),
 * on the channel they used. Does nothing when the citizen cannot be reached or the template is gone.
 */
export async function queueTicketNotice(
  m: EntityManager,
  ctx: CommandContext,
  ticket: Ticket,
  key: string,
  vars: Record<string, string | number | null | undefined>,
  locale = DEFAULT_LOCALE,
  knownRoute?: ReplyRoute,
): Promise<OutboxItem | null> {
  const route = knownRoute ?? (await findReplyRoute(m, ticket));
  if (!route) return null;
  const text = await renderTemplate(m, key, locale, { number: ticket.number, subject: ticket.subject, ...vars });
  if (!text) return null;
  // The link is minted when the message is handed to the provider: the stored text keeps the placeholder.
  const secret = vars.link === TRACKING_LINK_SENT ? ({ kind: "link", ticketId: ticket.id } as const) : null;
  const { item } = await queueOutbound(m, ctx, { route, ticket, body: text.body, subject: text.subject, automated: true, auditType: `message.${key}_queued`, secret });
  return item;
}
