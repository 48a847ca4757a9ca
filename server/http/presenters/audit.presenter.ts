import type { AuditEvent } from "../../entities/audit-event.entity.js";

const parse = (s: string | null) => (s == null ? null : (JSON.parse(s) as unknown));

export function presentAuditEvent(e: AuditEvent) {
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
    before: parse(e.beforeJson),
    after: parse(e.afterJson),
    createdAt: e.createdAt,
    hash: e.hash,
    prevHash: e.prevHash,
  };
}
