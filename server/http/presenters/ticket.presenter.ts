import { STATUS_LABELS } from "../../domain/ticket/lifecycle.js";
import { opdMaySeeReporterName } from "../../domain/privacy/levels.js";
import type { Contact } from "../../entities/contact.entity.js";
import type { Forward } from "../../entities/forward.entity.js";
import type { Ticket } from "../../entities/ticket.entity.js";
import { seesContactDetails, type Viewer } from "../../queries/viewer.js";

export function presentForward(f: Forward) {
  return {
    id: f.id,
    ticketId: f.ticketId,
    agencyId: f.agencyId,
    forwardedByUserId: f.forwardedByUserId,
    instruction: f.instruction,
    status: f.status,
    isOpen: f.isOpen,
    dueAt: f.dueAt,
    assigneeUserId: f.assigneeUserId,
    acknowledgedByUserId: f.acknowledgedByUserId,
    acknowledgedAt: f.acknowledgedAt,
    answeredByUserId: f.answeredByUserId,
    answeredAt: f.answeredAt,
    response: f.response,
    returnReason: f.returnReason,
    returnedByUserId: f.returnedByUserId,
    returnedAt: f.returnedAt,
    createdAt: f.createdAt,
    updatedAt: f.updatedAt,
  };
}

/**
 * What a viewer may know of the reporter: the command center sees contact details; an OPD sees
 * the name on publik tickets only and nothing on anonim/rahasia ones (no id, so no lookups either).
 */
export function presentReporter(viewer: Viewer, ticket: Ticket, contact: Contact | null | undefined) {
  if (seesContactDetails(viewer)) {
    return contact ? { contactId: contact.id, name: contact.name, phone: contact.phone, email: contact.email } : null;
  }
  if (contact && opdMaySeeReporterName(ticket.privacy)) return { name: contact.name };
  return null;
}

export function presentTicket(viewer: Viewer, t: Ticket, extra: { contact?: Contact | null; forwards?: Forward[]; forward?: Forward | null }) {
  const center = seesContactDetails(viewer);
  return {
    id: t.id,
    number: t.number,
    subject: t.subject,
    description: t.description,
    channel: t.channel,
    categoryId: t.categoryId,
    privacy: t.privacy,
    status: t.status,
    statusLabel: STATUS_LABELS[t.status],
    complaintClass: t.complaintClass,
    priority: t.priority,
    assigneeUserId: t.assigneeUserId,
    mergedIntoId: t.mergedIntoId,
    locationText: t.locationText,
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
    reporter: extra.contact === undefined ? undefined : presentReporter(viewer, t, extra.contact),
    forward: extra.forward ? presentForward(extra.forward) : undefined,
    forwards: extra.forwards?.filter((f) => center || f.agencyId === viewer.agencyId).map(presentForward),
  };
}
