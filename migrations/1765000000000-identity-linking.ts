import { Table, TableIndex, type MigrationInterface, type QueryRunner } from "typeorm";
import { col } from "./columns.js";

/**
 * One citizen across channels (issue 19): contact merges (what moved, so an unlink restores both
 * contacts) and a citizen's pending requests to link another identity by a one-time code (only the
 * code's keyed hash is kept). contacts.merged_into_id gets an index: ingest asks "who was merged into
 * this contact" for every message.
 */
export class IdentityLinking1765000000000 implements MigrationInterface {
  name = "IdentityLinking1765000000000";

  async up(qr: QueryRunner): Promise<void> {
    const c = col(qr);
    await qr.createIndex("contacts", new TableIndex({ name: "ix_contacts_merged_into", columnNames: ["merged_into_id"] }));
    await qr.createTable(
      new Table({
        name: "contact_merges",
        columns: [
          c.id(),
          c.int("contact_id"),
          c.int("merged_contact_id"),
          c.varchar("method", 16),
          c.longText("moved_json"),
          c.int("created_by_user_id", true),
          c.time("created_at"),
          c.time("undone_at", true),
          c.int("undone_by_user_id", true),
        ],
        indices: [
          { name: "ix_contact_merges_contact", columnNames: ["contact_id"] },
          { name: "ix_contact_merges_merged", columnNames: ["merged_contact_id"] },
        ],
        foreignKeys: [
          { columnNames: ["contact_id"], referencedTableName: "contacts", referencedColumnNames: ["id"], onDelete: "CASCADE" },
          { columnNames: ["merged_contact_id"], referencedTableName: "contacts", referencedColumnNames: ["id"], onDelete: "CASCADE" },
        ],
      }),
    );
    await qr.createTable(
      new Table({
        name: "contact_link_requests",
        columns: [
          c.id(),
          c.int("contact_id"),
          c.varchar("channel", 16),
          c.varchar("address", 254),
          c.int("outbox_id", true),
          c.varchar("code_hash", 64, true),
          c.int("attempts", false, "0"),
          c.time("expires_at"),
          c.time("used_at", true),
          c.time("created_at"),
        ],
        indices: [
          { name: "ix_contact_link_requests_contact", columnNames: ["contact_id", "id"] },
          { name: "ix_contact_link_requests_outbox", columnNames: ["outbox_id"] },
        ],
        foreignKeys: [{ columnNames: ["contact_id"], referencedTableName: "contacts", referencedColumnNames: ["id"], onDelete: "CASCADE" }],
      }),
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable("contact_link_requests", true, true, true);
    await qr.dropTable("contact_merges", true, true, true);
    await qr.dropIndex("contacts", "ix_contacts_merged_into");
  }
}
