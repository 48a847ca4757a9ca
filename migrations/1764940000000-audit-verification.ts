import { Table, TableIndex, type MigrationInterface, type QueryRunner } from "typeorm";
import { col } from "./columns.js";

/**
 * The audit viewer and the scheduled chain verification: indexes for "a user's actions" and "events
 * of a type" (newest first; a ticket's history and time ranges already have ix_audit_ticket and
 * ix_audit_created), and the results of the scheduled verification (one row per run).
 */
export class AuditVerification1764940000000 implements MigrationInterface {
  name = "AuditVerification1764940000000";

  async up(qr: QueryRunner): Promise<void> {
    const c = col(qr);
    await qr.createIndex("audit_events", new TableIndex({ name: "ix_audit_actor", columnNames: ["actor_user_id", "id"] }));
    await qr.createIndex("audit_events", new TableIndex({ name: "ix_audit_type", columnNames: ["type", "id"] }));
    await qr.createTable(
      new Table({
        name: "audit_verifications",
        columns: [
          c.id(),
          c.time("ran_at"),
          c.int("duration_ms"),
          c.bool("ok"),
          c.int("events_checked"),
          c.int("chains_checked"),
          c.int("anchors_checked"),
          c.int("texts_verified"),
          c.int("problem_count"),
          // The first problems (chain key, seq, event id, reason), bounded: see record-audit-verification.ts.
          c.longText("problems_json"),
        ],
        indices: [{ name: "ix_audit_verifications_ran", columnNames: ["ran_at"] }],
      }),
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable("audit_verifications", true);
    await qr.dropIndex("audit_events", "ix_audit_type");
    await qr.dropIndex("audit_events", "ix_audit_actor");
  }
}
