import { Table, TableIndex, type MigrationInterface, type QueryRunner } from "typeorm";
import { col } from "./columns.js";

/** Delivery receipts that arrive before the send they report is recorded; applied once it is. */
export class EarlyDeliveryUpdates1764740000000 implements MigrationInterface {
  name = "EarlyDeliveryUpdates1764740000000";

  async up(qr: QueryRunner): Promise<void> {
    const c = col(qr);
    await qr.createTable(
      new Table({
        name: "early_delivery_updates",
        columns: [c.id(), c.int("channel_account_id"), c.varchar("external_id", 191), c.varchar("status", 16), c.varchar("error_code", 64, true), c.varchar("error_message", 500, true), c.time("at"), c.time("created_at")],
        foreignKeys: [{ columnNames: ["channel_account_id"], referencedTableName: "channel_accounts", referencedColumnNames: ["id"], onDelete: "CASCADE" }],
      }),
    );
    await qr.createIndex("early_delivery_updates", new TableIndex({ name: "idx_early_delivery_account_external", columnNames: ["channel_account_id", "external_id"] }));
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable("early_delivery_updates");
  }
}
