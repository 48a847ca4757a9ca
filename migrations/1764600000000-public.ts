import { Table, TableIndex, type MigrationInterface, type QueryRunner } from "typeorm";
import { col } from "./columns.js";

/**
 * The public side: one-time tracking codes (hashed), a throttle table shared by every API process
 * (enumeration of ticket numbers must be slow everywhere, not per process), citizens' ratings of
 * answers, Open311 API keys (hashed), the template of the code message, and the indexes the public
 * report list and the per-OPD accountability page read by.
 */
export class Public1764600000000 implements MigrationInterface {
  name = "Public1764600000000";

  async up(qr: QueryRunner): Promise<void> {
    const c = col(qr);
    await qr.createTable(
      new Table({
        name: "tracking_codes",
        columns: [c.id(), c.int("ticket_id"), c.varchar("code_hash", 64), c.int("attempts", false, "0"), c.time("expires_at"), c.time("used_at", true), c.time("created_at")],
        indices: [{ name: "ix_tracking_codes_ticket", columnNames: ["ticket_id", "created_at"] }],
        foreignKeys: [{ columnNames: ["ticket_id"], referencedTableName: "tickets", referencedColumnNames: ["id"], onDelete: "CASCADE" }],
      }),
    );
    await qr.createTable(
      new Table({
        name: "public_throttles",
        columns: [c.varchar("throttle_key", 191, false, undefined, true), c.int("hits", false, "0"), c.time("window_start"), c.time("blocked_until", true)],
      }),
    );
    await qr.createTable(
      new Table({
        name: "ticket_ratings",
        columns: [c.id(), c.int("ticket_id"), c.int("rating"), c.text("comment", true), c.time("created_at"), c.time("updated_at")],
        indices: [{ name: "uq_ticket_ratings_ticket", columnNames: ["ticket_id"], isUnique: true }],
        foreignKeys: [{ columnNames: ["ticket_id"], referencedTableName: "tickets", referencedColumnNames: ["id"], onDelete: "CASCADE" }],
      }),
    );
    await qr.createTable(
      new Table({
        name: "open311_keys",
        columns: [
          c.id(),
          c.varchar("name", 200),
          c.varchar("key_prefix", 12),
          c.varchar("key_hash", 64),
          c.bool("active", true),
          c.int("created_by_user_id", true),
          c.time("last_used_at", true),
          c.time("created_at"),
          c.time("updated_at"),
        ],
        indices: [{ name: "uq_open311_keys_hash", columnNames: ["key_hash"], isUnique: true }],
      }),
    );
    await qr.createIndex("forwards", new TableIndex({ name: "ix_forwards_created", columnNames: ["created_at"] }));
    await qr.createIndex("tickets", new TableIndex({ name: "ix_tickets_status_id", columnNames: ["status", "id"] }));
    const at = "2026-12-01 00:00:00.000";
    for (const t of TEMPLATES) {
      await qr.query("INSERT INTO reply_templates (template_key, locale, subject, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)", [t.key, t.locale, t.subject ?? null, t.body, at, at]);
    }
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.query("DELETE FROM reply_templates WHERE template_key = ?", ["tracking_code"]);
    await qr.dropIndex("tickets", "ix_tickets_status_id");
    await qr.dropIndex("forwards", "ix_forwards_created");
    await qr.dropTable("open311_keys");
    await qr.dropTable("ticket_ratings");
    await qr.dropTable("public_throttles");
    await qr.dropTable("tracking_codes");
  }
}

const TEMPLATES: { key: string; locale: string; subject?: string; body: string }[] = [
  {
    key: "tracking_code",
    locale: "id",
    subject: "Kode pelacakan pengaduan {{number}}",
    body: "Kode untuk melihat pengaduan {{number}}: {{code}}. Berlaku {{minutes}} menit. Jangan berikan kode ini kepada siapa pun.",
  },
  {
    key: "tracking_code",
    locale: "en",
    subject: "Tracking code for complaint {{number}}",
    body: "Your code to view complaint {{number}}: {{code}}. Valid for {{minutes}} minutes. Do not share this code with anyone.",
  },
];
