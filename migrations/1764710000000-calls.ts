import { Table, type MigrationInterface, type QueryRunner } from "typeorm";
import { col } from "./columns.js";

/**
 * The call log: every phone call to a voice account, answered or missed, with its duration and
 * recording, on the citizen's history (contact) and, when it led to one, the ticket.
 */
export class Calls1764710000000 implements MigrationInterface {
  name = "Calls1764710000000";

  async up(qr: QueryRunner): Promise<void> {
    const c = col(qr);
    await qr.createTable(
      new Table({
        name: "calls",
        columns: [
          c.id(),
          c.int("channel_account_id"),
          c.varchar("call_sid", 64),
          c.int("contact_id", true),
          c.int("ticket_id", true),
          c.varchar("direction", 16),
          c.varchar("from_address", 64),
          c.varchar("to_address", 64),
          c.varchar("status", 16),
          c.bool("answered", false),
          c.int("duration_seconds", false, "0"),
          c.varchar("recording_ref", 500, true),
          c.time("ended_at", true),
          c.time("created_at"),
          c.time("updated_at"),
        ],
        indices: [
          { name: "uq_calls_account_sid", columnNames: ["channel_account_id", "call_sid"], isUnique: true },
          { name: "ix_calls_contact", columnNames: ["contact_id", "created_at"] },
        ],
        foreignKeys: [{ columnNames: ["channel_account_id"], referencedTableName: "channel_accounts", referencedColumnNames: ["id"], onDelete: "CASCADE" }],
      }),
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable("calls");
  }
}
