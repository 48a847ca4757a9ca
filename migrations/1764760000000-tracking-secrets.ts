import { Table, TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from "typeorm";
import { col } from "./columns.js";

/**
 * Tracking secrets nobody can read back (issue 14). Links are minted when a message is handed to the
 * provider, so a ticket may have several valid links: their keyed hashes live in `tracking_links`.
 * An outbox row whose text carries a link or a one-time code says so (`secret_kind`, for which
 * ticket), and its stored text holds only a placeholder. Links written in plain text before this
 * migration sat in staff-readable messages, so they are revoked: those citizens ask for a code.
 */
export class TrackingSecrets1764760000000 implements MigrationInterface {
  name = "TrackingSecrets1764760000000";

  async up(qr: QueryRunner): Promise<void> {
    const c = col(qr);
    await qr.createTable(
      new Table({
        name: "tracking_links",
        columns: [c.id(), c.int("ticket_id"), c.varchar("secret_hash", 64), c.time("created_at")],
        foreignKeys: [{ columnNames: ["ticket_id"], referencedTableName: "tickets", referencedColumnNames: ["id"], onDelete: "CASCADE" }],
      }),
    );
    await qr.createIndex("tracking_links", new TableIndex({ name: "idx_tracking_links_ticket", columnNames: ["ticket_id"] }));
    await qr.addColumns("outbox", [new TableColumn(c.varchar("secret_kind", 8, true)), new TableColumn(c.int("secret_ticket_id", true))]);
    // A hash no secret has: every link sent before now stops working (codes still open the page).
    await qr.query("UPDATE tickets SET tracking_secret_hash = 'revoked-1764760000000'");
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropColumn("outbox", "secret_ticket_id");
    await qr.dropColumn("outbox", "secret_kind");
    await qr.dropTable("tracking_links");
  }
}
