import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from "typeorm";
import { col } from "./columns.js";

/**
 * Channels II: an outbox row may carry a provider-approved template instead of free text
 * (WhatsApp outside its 24-hour window), and the window is read from the citizen's last inbound
 * message on an account, so that lookup gets an index.
 */
export class ChannelsTwo1764700000000 implements MigrationInterface {
  name = "ChannelsTwo1764700000000";

  async up(qr: QueryRunner): Promise<void> {
    const c = col(qr);
    await qr.addColumn("outbox", new TableColumn(c.text("template_json", true)));
    await qr.createIndex("messages", new TableIndex({ name: "ix_messages_account_address", columnNames: ["channel_account_id", "external_address", "direction"] }));
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropIndex("messages", "ix_messages_account_address");
    await qr.dropColumn("outbox", "template_json");
  }
}
