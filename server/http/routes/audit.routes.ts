import type { Router } from "express";
import { AuditEvent } from "../../entities/audit-event.entity.js";
import { auditVerificationStatus } from "../../queries/audit-verification.js";
import { addRoute } from "../route.js";
import type { AppDeps } from "../types.js";

/** The audit viewer's own reads (the events themselves are GET /api/audit-events, through the gate). */
const VIEWERS = ["admin", "supervisor"] as const;

export function auditRoutes(router: Router, deps: AppDeps) {
  addRoute(router, deps, {
    method: "get", path: "/audit/verification", summary: "The last scheduled verification of the audit chains: when, what it checked, and each broken event (chain, position, reason)", tag: "audit", roles: VIEWERS,
    async handler({ now }) {
      return auditVerificationStatus(deps.db, deps.config.auditVerifySeconds, now);
    },
  });
  addRoute(router, deps, {
    method: "get", path: "/audit/event-types", summary: "The event types in the audit log (the viewer's type filter)", tag: "audit", roles: VIEWERS,
    async handler() {
      // DISTINCT over ix_audit_type (type, id): an index-only read.
      const rows = (await deps.db.manager.getRepository(AuditEvent).createQueryBuilder("e").select("DISTINCT e.type", "type").orderBy("type", "ASC").limit(1000).getRawMany()) as { type: string }[];
      return rows.map((r) => r.type);
    },
  });
}
