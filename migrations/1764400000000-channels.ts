import { Table, TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from "typeorm";
import { col } from "./columns.js";

/**
 * Channels: channel accounts (an SMS number, a bot, a mailbox) with their config encrypted at rest,
 * inbound receipts (idempotency of webhooks and session events on (account, provider id)), the
 * outbox every outbound message goes through, editable reply templates (seeded in Bahasa Indonesia
 * and English), and the message / attachment fields delivery and attachment fetching need.
 */
export class Channels1764400000000 implements MigrationInterface {
  name = "Channels1764400000000";

  async up(qr: QueryRunner): Promise<void> {
    const c = col(qr);
    await qr.createTable(
      new Table({
        name: "channel_accounts",
        columns: [
          c.id(),
          c.varchar("connector", 32),
          c.varchar("kind", 16),
          c.varchar("name", 200),
          c.longText("config_encrypted"),
          c.bool("active", true),
          c.varchar("last_error", 500, true),
          c.time("created_at"),
          c.time("updated_at"),
        ],
        indices: [{ name: "ix_channel_accounts_connector", columnNames: ["connector", "active"] }],
      }),
    );
    await qr.createTable(
      new Table({
        name: "inbound_receipts",
        columns: [
          c.id(),
          c.int("channel_account_id"),
          c.varchar("external_id", 191),
          c.varchar("outcome", 16),
          c.int("ticket_id", true),
          c.int("message_id", true),
          c.time("created_at"),
        ],
        indices: [{ name: "uq_inbound_receipts_account_external", columnNames: ["channel_account_id", "external_id"], isUnique: true }],
        foreignKeys: [{ columnNames: ["channel_account_id"], referencedTableName: "channel_accounts", referencedColumnNames: ["id"], onDelete: "CASCADE" }],
      }),
    );
    await qr.createTable(
      new Table({
        name: "outbox",
        columns: [
          c.id(),
          c.int("channel_account_id"),
          c.int("message_id", true),
          c.int("ticket_id", true),
          c.varchar("to_address", 254),
          c.varchar("subject", 300, true),
          c.longText("body"),
          c.varchar("ticket_number", 20, true),
          c.varchar("in_reply_to", 191, true),
          c.text("references_json", true),
          c.bool("automated", false),
          c.varchar("state", 12),
          c.int("attempts", false, "0"),
          c.time("next_attempt_at"),
          c.time("locked_until", true),
          c.varchar("last_error", 1000, true),
          c.varchar("external_id", 191, true),
          c.time("sent_at", true),
          c.time("created_at"),
          c.time("updated_at"),
        ],
        indices: [
          { name: "ix_outbox_state_next", columnNames: ["state", "next_attempt_at"] },
          { name: "ix_outbox_message", columnNames: ["message_id"] },
        ],
        foreignKeys: [{ columnNames: ["channel_account_id"], referencedTableName: "channel_accounts", referencedColumnNames: ["id"], onDelete: "CASCADE" }],
      }),
    );
    await qr.createTable(
      new Table({
        name: "reply_templates",
        columns: [c.id(), c.varchar("template_key", 64), c.varchar("locale", 8), c.varchar("subject", 300, true), c.text("body"), c.time("created_at"), c.time("updated_at")],
        indices: [{ name: "uq_reply_templates_key_locale", columnNames: ["template_key", "locale"], isUnique: true }],
      }),
    );
    await qr.addColumns("messages", [
      new TableColumn(c.varchar("external_thread_id", 191, true)),
      new TableColumn(c.varchar("external_address", 254, true)),
      new TableColumn(c.varchar("delivery_error", 500, true)),
      new TableColumn(c.time("delivered_at", true)),
    ]);
    await qr.addColumns("attachments", [
      new TableColumn(c.longText("source_ref", true)),
      new TableColumn(c.varchar("fetch_state", 12, true)),
      new TableColumn(c.int("fetch_attempts", false, "0")),
      new TableColumn(c.varchar("fetch_error", 500, true)),
    ]);
    await qr.createIndex("attachments", new TableIndex({ name: "ix_attachments_fetch_state", columnNames: ["fetch_state"] }));

    const at = "2026-11-23 00:00:00.000";
    for (const t of DEFAULT_TEMPLATES) {
      await qr.query("INSERT INTO reply_templates (template_key, locale, subject, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)", [t.key, t.locale, t.subject ?? null, t.body, at, at]);
    }
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropIndex("attachments", "ix_attachments_fetch_state");
    await qr.dropColumns("attachments", ["source_ref", "fetch_state", "fetch_attempts", "fetch_error"]);
    await qr.dropColumns("messages", ["external_thread_id", "external_address", "delivery_error", "delivered_at"]);
    for (const t of ["reply_templates", "outbox", "inbound_receipts", "channel_accounts"]) await qr.dropTable(t, true);
  }
}

/** The defaults as landed; admins edit them through /api/reply-templates afterwards. */
const DEFAULT_TEMPLATES: { key: string; locale: string; subject?: string; body: string }[] = [
  {
    key: "acknowledgement",
    locale: "id",
    subject: "Pengaduan diterima",
    body: "Terima kasih, pengaduan Anda telah kami terima dengan nomor {{number}}. Pantau perkembangannya di {{link}}",
  },
  {
    key: "acknowledgement",
    locale: "en",
    subject: "Complaint received",
    body: "Thank you, we have received your complaint as number {{number}}. Follow its progress at {{link}}",
  },
  { key: "status_reply", locale: "id", body: "Status pengaduan {{number}}: {{status}} (diperbarui {{updated}})." },
  { key: "status_reply", locale: "en", body: "Status of complaint {{number}}: {{status}} (updated {{updated}})." },
  { key: "status_unknown", locale: "id", body: "Pengaduan {{number}} tidak ditemukan untuk nomor Anda. Periksa kembali nomor pengaduan." },
  { key: "status_unknown", locale: "en", body: "No complaint {{number}} was found for your number. Please check the complaint number." },
  {
    key: "greeting",
    locale: "id",
    body: "Selamat datang di layanan pengaduan pemerintah provinsi. Tuliskan pengaduan Anda (apa, di mana, kapan); foto boleh dilampirkan. Ketik STATUS diikuti nomor pengaduan (mis. STATUS ADU-2611-00042) untuk melihat statusnya.",
  },
  {
    key: "greeting",
    locale: "en",
    body: "Welcome to the provincial government's complaint service. Write your complaint (what, where, when); photos are welcome. Send STATUS followed by the complaint number (e.g. STATUS ADU-2611-00042) to see its status.",
  },
  { key: "forwarded", locale: "id", subject: "Pengaduan diteruskan", body: "Pengaduan {{number}} telah diteruskan kepada {{agency}} untuk ditindaklanjuti." },
  { key: "forwarded", locale: "en", subject: "Complaint forwarded", body: "Complaint {{number}} has been forwarded to {{agency}} for follow-up." },
  { key: "answered", locale: "id", subject: "Tanggapan atas pengaduan", body: "Pengaduan {{number}} telah ditanggapi: {{answer}}" },
  { key: "answered", locale: "en", subject: "Response to your complaint", body: "Complaint {{number}} has been answered: {{answer}}" },
  {
    key: "resolved",
    locale: "id",
    subject: "Pengaduan selesai",
    body: "Pengaduan {{number}} dinyatakan selesai. Bila masalah belum tuntas, balas pesan ini dalam 10 hari.",
  },
  { key: "resolved", locale: "en", subject: "Complaint resolved", body: "Complaint {{number}} has been resolved. If the problem remains, reply to this message within 10 days." },
];
