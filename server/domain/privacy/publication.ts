/**
 * Which tickets the public may see. One rule for every public surface (report pages, feeds, open
 * data, Open311, accountability counts of texts): a forgotten toggle must never expose anyone, so
 * everything not explicitly allowed stays hidden.
 */
import type { Privacy } from "./levels.js";
import type { TicketStatus } from "../ticket/lifecycle.js";

/** Privacy levels whose report text may be published (the reporter is never shown on either). */
export const PUBLISHABLE_PRIVACY: readonly Privacy[] = ["publik", "anonim"];
/** Statuses that never reach public pages: spam and duplicates. */
export const UNPUBLISHED_STATUSES: readonly TicketStatus[] = ["rejected", "merged"];

export interface PublicationFacts {
  privacy: Privacy;
  status: TicketStatus;
  /** An operator checked the report: unverified texts are not published. */
  verified: boolean;
  /** The ticket's category may be public (null: no category yet). */
  categoryIsPublic: boolean | null;
}

export function isPublishable(t: PublicationFacts): boolean {
  return PUBLISHABLE_PRIVACY.includes(t.privacy) && t.verified && !UNPUBLISHED_STATUSES.includes(t.status) && t.categoryIsPublic !== false;
}

/**
 * Audit events that cannot change what the public side shows of their ticket, so they do not
 * recompute its public row (server/commands/queue-public-report-refresh.ts): the intake path and
 * the reads stay cheap. Every other event of a ticket recomputes it: when unsure, leave it out.
 * A point shared with an inbound message, and a known citizen's new name or channel identity, are
 * queued by the code that stores them (set-ticket-location.ts, ingest-batch.ts).
 */
const PUBLIC_NEUTRAL_TICKET_EVENTS: ReadonlySet<string> = new Set([
  // A new ticket is never verified yet (entities/rows.ts); its verification is an event of its own.
  "ticket.received",
  // A citizen's message and the delivery of ours are not on the public page.
  "message.received",
  "message.acknowledgement_queued",
  "message.delivery_updated",
  "message.resend_requested",
  // Reads and internal work.
  "ticket.read_rahasia",
  "ticket.noted",
  "ticket.tracking_code_issued",
  "ticket.tracking_code_used",
  "ticket.rated",
  "forward.assigned",
  "export.downloaded",
  // Photos are public only once approved (attachment.public_approved recomputes).
  "attachment.added",
  "attachment.wall_shown",
  "attachment.wall_hidden",
]);
/** SLA warnings, breaches and escalations move no due time (an auto-close is a transition of its own). */
const PUBLIC_NEUTRAL_PREFIXES = ["sla."];

/** Contact events that change no name the masking uses (a new contact has no published ticket yet). */
const NAME_NEUTRAL_CONTACT_EVENTS: ReadonlySet<string> = new Set(["contact.created", "contact.link_requested", "contact.link_code_wrong"]);

/** Whether an audit event on a ticket may change its public row. */
export function ticketEventMayChangePublicRow(type: string): boolean {
  return !PUBLIC_NEUTRAL_TICKET_EVENTS.has(type) && !PUBLIC_NEUTRAL_PREFIXES.some((p) => type.startsWith(p));
}

/** Whether an audit event on a contact may change the names its tickets' public rows are masked with. */
export function contactEventMayChangeNames(type: string): boolean {
  return type.startsWith("contact.") && !NAME_NEUTRAL_CONTACT_EVENTS.has(type);
}
