import { TableIndex, type MigrationInterface, type QueryRunner } from "typeorm";

/**
 * Found by `npm run bench -- queue` at 1M tickets: the ticket detail looks up tickets merged into
 * the one shown (GET /messages), which scanned the whole tickets table without this index.
 */
export class QueueIndexes1764300000000 implements MigrationInterface {
  name = "QueueIndexes1764300000000";

  async up(qr: QueryRunner): Promise<void> {
    await qr.createIndex("tickets", new TableIndex({ name: "ix_tickets_merged_into", columnNames: ["merged_into_id"] }));
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropIndex("tickets", "ix_tickets_merged_into");
  }
}
