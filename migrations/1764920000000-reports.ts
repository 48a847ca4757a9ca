import { Table, TableIndex, type MigrationInterface, type QueryRunner } from "typeorm";
import { col } from "./columns.js";

/**
 * Reports per OPD and period (issue 16, item 4): one OPD's month is an indexed range read of its
 * forwards (agency_id, created_at), and /kinerja reads one small precomputed row per OPD and
 * month (report_month_rollups), refreshed by the worker's report-rollups job.
 */
export class Reports1764920000000 implements MigrationInterface {
  name = "Reports1764920000000";

  async up(qr: QueryRunner): Promise<void> {
    const c = col(qr);
    await qr.createIndex("forwards", new TableIndex({ name: "ix_forwards_agency_created", columnNames: ["agency_id", "created_at"] }));
    await qr.createTable(
      new Table({
        name: "report_month_rollups",
        columns: [c.id(), c.varchar("month", 7), c.int("agency_id"), c.text("figures"), c.time("computed_at")],
        indices: [{ name: "uq_report_month_rollups", columnNames: ["month", "agency_id"], isUnique: true }],
      }),
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable("report_month_rollups");
    await qr.dropIndex("forwards", "ix_forwards_agency_created");
  }
}
