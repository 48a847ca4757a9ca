import { Table, TableIndex, type MigrationInterface, type QueryRunner } from "typeorm";
import { col } from "./columns.js";

/**
 * Public pages from precomputed rows (issue 18, item 4): `public_reports` holds one row per
 * publishable ticket, already masked (server/queries/public-reports.ts `buildPublicRows`), kept
 * in the transaction of every change (server/commands/queue-public-report-refresh.ts), so a
 * report page is one primary-key read and a list page one index range.
 *
 * Existing databases get the table empty: `public_reports_backfill` says which tickets are not
 * covered yet (those with an id below `below_ticket_id`; NULL when every ticket is), the
 * `public-reports-backfill` job fills it in batches, newest first, and until it is done the public
 * side computes its rows as before. Nothing heavy runs at migration time (1M tickets would block
 * startup for minutes).
 */
export class PublicReports1765050000000 implements MigrationInterface {
  name = "PublicReports1765050000000";

  async up(qr: QueryRunner): Promise<void> {
    const c = col(qr);
    await qr.createTable(
      new Table({
        name: "public_reports",
        columns: [
          { name: "ticket_id", type: "integer", isPrimary: true },
          c.varchar("number", 20),
          c.int("category_id", true),
          c.varchar("status", 24),
          c.time("received_at"),
          c.longText("report"),
          c.time("updated_at"),
        ],
        uniques: [{ name: "uq_public_reports_number", columnNames: ["number"] }],
        foreignKeys: [{ columnNames: ["ticket_id"], referencedTableName: "tickets", referencedColumnNames: ["id"], onDelete: "CASCADE" }],
      }),
    );
    // The list's filters, each with the keyset order (ticket_id DESC) behind it.
    await qr.createIndex("public_reports", new TableIndex({ name: "ix_public_reports_category", columnNames: ["category_id", "ticket_id"] }));
    await qr.createIndex("public_reports", new TableIndex({ name: "ix_public_reports_status", columnNames: ["status", "ticket_id"] }));
    await qr.createIndex("public_reports", new TableIndex({ name: "ix_public_reports_received", columnNames: ["received_at"] }));
    await qr.createTable(
      new Table({
        name: "public_reports_backfill",
        columns: [{ name: "id", type: "integer", isPrimary: true }, c.int("below_ticket_id", true), c.time("updated_at")],
      }),
    );
    const max: { n: number | string | null }[] = await qr.query("SELECT MAX(id) AS n FROM tickets");
    const below = max[0]?.n == null ? null : Number(max[0].n) + 1;
    const now = new Date();
    await qr.query("INSERT INTO public_reports_backfill (id, below_ticket_id, updated_at) VALUES (1, ?, ?)", [below, qr.connection.driver.options.type === "mysql" ? now : now.toISOString().replace("T", " ").replace("Z", "")]);
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable("public_reports_backfill");
    await qr.dropTable("public_reports", true);
  }
}
