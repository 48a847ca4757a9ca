import { Table, TableIndex, type MigrationInterface, type QueryRunner } from "typeorm";
import { col } from "./columns.js";

/**
 * UU PDP 27/2022: data subject requests (access/export, correction, erasure) with their 3×24-hour
 * deadline, and the admin-set retention policy (one row) the retention job applies.
 */
export class DataSubject1764780000000 implements MigrationInterface {
  name = "DataSubject1764780000000";

  async up(qr: QueryRunner): Promise<void> {
    const c = col(qr);
    await qr.createTable(
      new Table({
        name: "data_subject_requests",
        columns: [
          c.id(),
          c.varchar("kind", 16),
          c.varchar("status", 16),
          c.text("contact_ids_json"),
          c.text("ticket_ids_json"),
          c.time("received_at"),
          c.time("due_at"),
          c.time("completed_at", true),
          c.int("created_by_user_id", true),
          c.int("completed_by_user_id", true),
          c.text("outcome_json", true),
          c.time("created_at"),
          c.time("updated_at"),
        ],
      }),
    );
    await qr.createIndex("data_subject_requests", new TableIndex({ name: "ix_dsr_status_due", columnNames: ["status", "due_at"] }));
    await qr.createTable(
      new Table({
        name: "retention_settings",
        columns: [c.id(), c.bool("enabled", true), c.int("years_after_closure", false, "5"), c.text("basis", true), c.int("updated_by_user_id", true), c.time("updated_at")],
      }),
    );
    await qr.createTable(
      new Table({
        name: "retention_erasures",
        columns: [c.id(), c.int("ticket_id"), c.time("erased_at")],
        uniques: [{ name: "uq_retention_erasures_ticket", columnNames: ["ticket_id"] }],
      }),
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable("retention_erasures", true);
    await qr.dropTable("retention_settings", true);
    await qr.dropTable("data_subject_requests", true);
  }
}
