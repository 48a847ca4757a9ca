import type { AuditEvent } from "../../entities/audit-event.entity.js";
import { gateJson, openTicketsFor, WITHHELD_NOTICE, type GateDeps, type OpenedTicket, type Withheld } from "../../queries/access-gate.js";
import { seesContactDetails, type Viewer } from "../../queries/viewer.js";

const parse = (s: string | null) => (s == null ? null : (JSON.parse(s) as unknown));

/** Entities whose audit payloads hold a citizen's data even when the event names no ticket. */
const CITIZEN_ENTITIES = new Set(["contact", "contact_identity", "ticket", "message", "forward", "attachment", "call"]);

const NOT_PERMITTED: Withheld = { reason: "not_permitted", reporter: true, masked: true, notice: WITHHELD_NOTICE.not_permitted };

function presentAuditEvent(e: AuditEvent, o: OpenedTicket | null, permitted: boolean) {
  const payload = (s: string | null) => (!permitted ? null : o ? gateJson(o, parse(s)) : parse(s));
  return {
    id: e.id,
    chainKey: e.chainKey,
    seq: e.seq,
    ticketId: e.ticketId,
    actorUserId: e.actorUserId,
    actorLabel: e.actorLabel,
    type: e.type,
    entityType: e.entityType,
    entityId: e.entityId,
    before: payload(e.beforeJson),
    after: payload(e.afterJson),
    withheld: permitted ? (o?.withheld ?? null) : NOT_PERMITTED,
    createdAt: e.createdAt,
    hash: e.hash,
    prevHash: e.prevHash,
  };
}

/**
 * Audit events through the access gate: the payload (before/after) of an event of a ticket is
 * shown only to a viewer who may open that ticket, by its field rule, and a rahasia ticket's
 * events are a rahasia read (audited); a citizen's data without a ticket (contact corrections)
 * only to the command center. Everything else of the event (who, what, when, hashes) stays
 * visible: admins review the log without reading complaints.
 */
export async function presentAuditEvents(deps: GateDeps, viewer: Viewer, rows: AuditEvent[], purpose: "audit-events" | "audit-event" = "audit-events") {
  const opened = await openTicketsFor(deps, viewer, rows.map((e) => e.ticketId).filter((x): x is number => x != null), purpose);
  return rows.map((e) => {
    if (e.ticketId != null) {
      const o = opened.get(e.ticketId) ?? null;
      return presentAuditEvent(e, o, o !== null);
    }
    return presentAuditEvent(e, null, seesContactDetails(viewer) || !CITIZEN_ENTITIES.has(e.entityType));
  });
}
