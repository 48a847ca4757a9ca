/**
 * The body of one webhook event for one endpoint, built when it is sent (so a later erasure or
 * unpublishing is respected by every retry), by the endpoint's scope:
 *
 * - "public": the public presenter's report (masked subject, description, answers, location;
 *   never the reporter) when the ticket is published on the public pages, else `report: null`
 *   (no number, no status): exactly what the public pages and Open311 show of it.
 * - "opd": the ticket as the head of that OPD sees it through the access gate (row rule: only
 *   tickets forwarded to the OPD; field rule: no reporter of anonim/rahasia tickets, masked text;
 *   rahasia reads recorded in the audit log as read by the webhook). Never tracking secrets.
 */
import { Forward } from "../entities/forward.entity.js";
import type { WebhookDelivery, WebhookEndpoint } from "../entities/webhook.entity.js";
import { presentPublicReport } from "../http/presenters/public-report.presenter.js";
import { presentTicket } from "../http/presenters/ticket.presenter.js";
import { openTicketFor, type GateDeps } from "../queries/access-gate.js";
import { getPublicReport } from "../queries/public-reports.js";
import type { Viewer } from "../queries/viewer.js";
import { Ticket } from "../entities/ticket.entity.js";

export interface WebhookPayload {
  id: string;
  type: string;
  occurredAt: string;
  scope: string;
  data: Record<string, unknown>;
}

/** The viewer an "opd" endpoint reads as: the OPD's head, on behalf of the admin who registered it. */
export const webhookViewer = (e: WebhookEndpoint): Viewer => ({
  id: e.createdByUserId ?? 0,
  email: `webhook #${e.id} (${e.name})`.slice(0, 200),
  name: e.name,
  role: "opd_head",
  agencyId: e.agencyId,
  sessionId: null,
});

/** The payload, or null when the ticket is no longer the endpoint's to see (gone, forward withdrawn). */
export async function buildWebhookPayload(deps: GateDeps, e: WebhookEndpoint, d: WebhookDelivery): Promise<WebhookPayload | null> {
  const details = d.detailsJson ? (JSON.parse(d.detailsJson) as Record<string, unknown>) : {};
  const head = { id: d.eventId, type: d.eventType, occurredAt: d.occurredAt.toISOString(), scope: e.scope };
  if (d.ticketId == null) return { ...head, data: details };
  const m = deps.db.manager;
  if (e.scope === "public") {
    const number = (await m.getRepository(Ticket).findOne({ select: { id: true, number: true }, where: { id: d.ticketId } }))?.number;
    const row = number ? await getPublicReport(m, number) : null;
    return { ...head, data: { ...details, report: row ? presentPublicReport(row, "id") : null } };
  }
  const viewer = webhookViewer(e);
  const opened = await openTicketFor(deps, viewer, d.ticketId, "webhook", { detail: d.eventId });
  if (!opened) return null;
  const forward = await m.getRepository(Forward).findOne({ where: { ticketId: d.ticketId, agencyId: e.agencyId ?? -1 }, order: { id: "DESC" } });
  return { ...head, data: { ...details, ticket: presentTicket(viewer, opened, { forward }) } };
}
