// What an operator may send to the citizen of a ticket right now: the route (account, address),
// the channel's limits, and — for providers with a customer-service window (WhatsApp Cloud: 24
// hours since the citizen's last message) — whether free text is allowed or only the account's
// approved templates. The console shows this; the reply route and the deliver job enforce it.
import type { EntityManager } from "typeorm";
import { templateParameterCount, type AnyConnector, type MessageTemplate } from "../../channels/connector.js";
import { findConnector, openConfig } from "../ingest/connectors.js";
import { findReplyRoute, type ReplyRoute } from "../commands/queue-outbound.js";
import { Message } from "../entities/message.entity.js";
import type { Ticket } from "../entities/ticket.entity.js";

export interface WindowState {
  hours: number;
  open: boolean;
  lastInboundAt: Date | null;
  closesAt: Date | null;
}

/**
 * The reply window of (account, address): open while the citizen's last inbound message on this
 * account is younger than `hours`. Null when the connector has no window or it does not concern
 * this address (comment replies).
 */
export async function replyWindowState(m: EntityManager, connector: AnyConnector, accountId: number, to: string, now: Date): Promise<WindowState | null> {
  const w = connector.limits.replyWindow;
  if (!w || !w.appliesTo.test(to)) return null;
  const last = await m.getRepository(Message).findOne({
    select: { id: true, createdAt: true, sentAt: true },
    where: { channelAccountId: accountId, externalAddress: to, direction: "inbound" },
    order: { id: "DESC" },
  });
  // The provider counts from when the citizen wrote; we only know when it reached us (no later).
  const lastInboundAt = last ? last.createdAt : null;
  const closesAt = lastInboundAt ? new Date(lastInboundAt.getTime() + w.hours * 3_600_000) : null;
  return { hours: w.hours, open: closesAt !== null && closesAt.getTime() > now.getTime(), lastInboundAt, closesAt };
}

export interface TemplateOption extends MessageTemplate {
  /** How many {{n}} values the operator must fill in. */
  parameters: number;
}

export type ReplyOptions =
  | { reachable: false; reason: string }
  | {
      reachable: true;
      route: ReplyRoute;
      connector: AnyConnector;
      /** Free text may be sent now. False: only `templates`. */
      freeText: boolean;
      window: WindowState | null;
      templates: TemplateOption[];
    };

export async function replyOptions(m: EntityManager, encryptionKey: Buffer, ticket: Ticket, now: Date): Promise<ReplyOptions> {
  const route = await findReplyRoute(m, ticket);
  if (!route) return { reachable: false, reason: "no channel account reaches this citizen (no channel message, no phone/e-mail account)" };
  const connector = findConnector(route.account.connector);
  if (!connector) return { reachable: false, reason: `connector ${route.account.connector} is not in this build` };
  const window = await replyWindowState(m, connector, route.account.id, route.to, now);
  let templates: TemplateOption[] = [];
  if (window && connector.limits.replyWindow) {
    const cfg = openConfig(encryptionKey, connector, route.account);
    if (cfg.ok) templates = connector.limits.replyWindow.templatesOf(cfg.config as never).map((t) => ({ ...t, parameters: templateParameterCount(t.body) }));
  }
  return { reachable: true, route, connector, freeText: window === null || window.open, window, templates };
}
