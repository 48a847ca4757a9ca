import { Table, type MigrationInterface, type QueryRunner } from "typeorm";
import { col } from "./columns.js";

/**
 * Session leases: which sessions process owns the long-lived connection of a session account
 * (WhatsApp Web, IMAP) until when, and the session's state for the console (connected, needs
 * login with the current QR code, disconnected). A lease not renewed in time may be taken over.
 */
export class SessionLeases1764720000000 implements MigrationInterface {
  name = "SessionLeases1764720000000";

  async up(qr: QueryRunner): Promise<void> {
    const c = col(qr);
    await qr.createTable(
      new Table({
        name: "session_leases",
        columns: [
          { ...c.int("channel_account_id"), isPrimary: true },
          c.varchar("owner", 100),
          c.time("expires_at"),
          c.varchar("state", 16),
          c.varchar("detail", 500, true),
          c.text("qr", true),
          c.time("state_at"),
          c.time("updated_at"),
        ],
        foreignKeys: [{ columnNames: ["channel_account_id"], referencedTableName: "channel_accounts", referencedColumnNames: ["id"], onDelete: "CASCADE" }],
      }),
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable("session_leases");
  }
}
