import { STATUS_LABELS } from "../../domain/ticket/lifecycle.js";
import type { Forward } from "../../entities/forward.entity.js";
import type { OpenedTicket } from "../../queries/access-gate.js";
import { seesContactDetails, type Viewer } from "../../queries/viewer.js";
import type { SearchHit } from "../../queries/ticket-search.js";

const asIs = (s: string) => s;

/** A forward; its free texts (instruction, answer, return reason) through the ticket's field rule (access gate). */
export function presentForward(f: Forward, text: (s: string) => string = asIs) {
  const t = (s: string | null) => (s == null ? null : text(s));
  return {
    id: f.id,
    ticketId: f.ticketId,
    agencyId: f.agencyId,
    forwardedByUserId: f.forwardedByUserId,
    instruction: text(f.instruction),
    status: f.status,
    isOpen: f.isOpen,
    dueAt: f.dueAt,
    assigneeUserId: f.assigneeUserId,
    acknowledgedByUserId: f.acknowledgedByUserId,
    acknowledgedAt: f.acknowledgedAt,
    answeredByUserId: f.answeredByUserId,
    answeredAt: f.answeredAt,
    response: t(f.response),
    returnReason: t(f.returnReason),
    returnedByUserId: f.returnedByUserId,
    returnedAt: f.returnedAt,
    /** The field check of this answer (category setting): awaiting, confirmed, sent_back, or null. */
    fieldCheck: f.fieldCheck ?? null,
    createdAt: f.createdAt,
    updatedAt: f.updatedAt,
  };
}

/**
 * A ticket as the access gate opened it for this viewer: the reporter as the viewer may know them
 * (contact details for the command center; the name on publik tickets for an OPD; nothing on
 * anonim/rahasia), every free text through the field rule, and `withheld` saying what was hidden
 * and why (the console shows its notice).
 */
export function presentTicket(viewer: Viewer, o: OpenedTicket, extra: { forwards?: Forward[]; forward?: Forward | null; withReporter?: boolean; searchHit?: SearchHit | null }) {
  const t = o.ticket;
  const center = seesContactDetails(viewer);
  return {
    id: t.id,
    number: t.number,
    subject: o.text(t.subject),
    description: o.text(t.description),
    channel: t.channel,
    categoryId: t.categoryId,
    privacy: t.privacy,
    status: t.status,
    statusLabel: STATUS_LABELS[t.status],
    complaintClass: t.complaintClass,
    priority: t.priority,
    assigneeUserId: t.assigneeUserId,
    mergedIntoId: t.mergedIntoId,
    locationText: o.textOrNull(t.locationText),
    latitude: t.latitude == null ? null : Number(t.latitude),
    longitude: t.longitude == null ? null : Number(t.longitude),
    isOpen: t.isOpen,
    dueAt: extra.forward?.isOpen ? extra.forward.dueAt : t.dueAt,
    ticketDueAt: t.dueAt,
    receivedAt: t.receivedAt,
    verifiedAt: t.verifiedAt,
    forwardedAt: t.forwardedAt,
    firstResponseAt: t.firstResponseAt,
    answeredAt: t.answeredAt,
    resolvedAt: t.resolvedAt,
    closedAt: t.closedAt,
    waitingSince: t.waitingSince,
    reopenedAt: t.reopenedAt,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
    ...(center ? { contactId: t.contactId, createdByUserId: t.createdByUserId } : {}),
    reporter: extra.withReporter === false ? undefined : o.reporter,
    withheld: o.withheld,
    forward: extra.forward ? presentForward(extra.forward, o.text) : undefined,
    forwards: extra.forwards?.filter((f) => center || f.agencyId === viewer.agencyId).map((f) => presentForward(f, o.text)),
    /** In a search's results: why the ticket matched, an excerpt of text the viewer may read with the words marked. */
    searchHit: extra.searchHit,
  };
}

/** A likely duplicate of a ticket, opened by the access gate (its text through the field rule), with why it matched. */
export function presentDuplicateSuggestion(c: OpenedTicket, s: { score: number; reasons: string[] }) {
  return { id: c.ticket.id, number: c.ticket.number, status: c.ticket.status, description: c.text(c.ticket.description), withheld: c.withheld, score: s.score, reasons: s.reasons };
}
