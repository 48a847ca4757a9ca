/**
 * What the live stream (GET /api/events) says, and to whom. A LiveEvent carries ids, statuses and
 * counts only: never a complaint's subject, text, location or a reporter's name. Who receives an
 * event follows the access gate's row rule (queries/tickets.ts scopeTickets): the command center
 * and the wall roles every ticket's events, an OPD the events of tickets forwarded to it, a user
 * their own notifications.
 */
import { isCenterRole, isOpdRole, WALL_ROLES } from "../domain/access/roles.js";
import type { Viewer } from "../queries/viewer.js";

export interface LiveEvent {
  type: string;
  /** When it happened (ISO). */
  at: string;
  ticketId?: number;
  agencyIds?: number[];
  userId?: number;
  data?: Record<string, unknown>;
}

export type Audience =
  /** The ticket's viewers by the row rule; agencyIds = its OPDs (forwards not withdrawn). */
  | { kind: "ticket"; agencyIds: number[] }
  /** One user (their notification). */
  | { kind: "user"; userId: number }
  /** Screens of the wall (WALL_ROLES). */
  | { kind: "wall" };

/** One event with a key unique in its source ("a<audit id>", "n<notification id>", "p<seq>"…). */
export interface LiveEntry {
  key: string;
  event: LiveEvent;
  audience: Audience;
}

/** May this viewer receive this entry? The access gate's row rule, on ids only. */
export function mayReceive(viewer: Viewer, entry: LiveEntry): boolean {
  const a = entry.audience;
  if (a.kind === "user") return a.userId === viewer.id;
  if (a.kind === "wall") return WALL_ROLES.includes(viewer.role);
  // Presence names staff at work on a ticket: for the staff who work tickets, not for screens.
  if (entry.event.type === "presence" && !isCenterRole(viewer.role) && !isOpdRole(viewer.role)) return false;
  if (isCenterRole(viewer.role) || WALL_ROLES.includes(viewer.role)) return true;
  if (isOpdRole(viewer.role)) return viewer.agencyId != null && a.agencyIds.includes(viewer.agencyId);
  return false;
}

/** Audit event types that are not news for anybody's screen. */
const QUIET = new Set(["ticket.read_rahasia", "ticket.tracking_code_used", "ticket.tracking_code_issued", "message.tracking_code_queued"]);

/**
 * The live type of an audit event of a ticket: "ticket.created", "ticket.changed", "sla.warned",
 * "sla.breached", or null (not shown live).
 */
export function liveTypeOfAudit(type: string): string | null {
  if (QUIET.has(type)) return null;
  if (type === "ticket.received") return "ticket.created";
  if (type === "sla.warning") return "sla.warned";
  if (type === "sla.breach") return "sla.breached";
  if (/^(ticket|forward|message|attachment)\./.test(type)) return "ticket.changed";
  return null;
}
