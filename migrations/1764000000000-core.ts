import { Table, type MigrationInterface, type QueryRunner } from "typeorm";
import { col } from "./columns.js";

/**
 * The core schema: agencies (OPD), categories, users and sessions, citizens and their channel
 * identities, tickets, forwards (disposisi), messages, attachments and the hash-chained audit log.
 * Written with the QueryRunner schema API so the same class runs on SQLite and MySQL/MariaDB.
 */
export class Core1764000000000 implements MigrationInterface {
  name = "Core1764000000000";

  async up(qr: QueryRunner): Promise<void> {
    const c = col(qr);
    await qr.createTable(
      new Table({
        name: "agencies",
        columns: [
          c.id(),
          c.varchar("code", 32),
          c.varchar("name", 200),
          c.varchar("short_name", 80),
          c.int("head_user_id", true),
          c.varchar("email", 254, true),
          c.bool("active", true),
          c.time("created_at"),
          c.time("updated_at"),
        ],
        indices: [{ name: "uq_agencies_code", columnNames: ["code"], isUnique: true }],
      }),
    );
    await qr.createTable(
      new Table({
        name: "categories",
        columns: [
          c.id(),
          c.varchar("code", 64),
          c.varchar("name", 200),
          c.varchar("name_en", 200, true),
          c.text("description", true),
          c.int("default_agency_id", true),
          c.varchar("complaint_class", 32, false, "'general'"),
          c.bool("is_public", true),
          c.bool("active", true),
          c.time("created_at"),
          c.time("updated_at"),
        ],
        indices: [{ name: "uq_categories_code", columnNames: ["code"], isUnique: true }],
        foreignKeys: [{ columnNames: ["default_agency_id"], referencedTableName: "agencies", referencedColumnNames: ["id"], onDelete: "SET NULL" }],
      }),
    );
    await qr.createTable(
      new Table({
        name: "users",
        columns: [
          c.id(),
          c.varchar("email", 254),
          c.varchar("name", 200),
          c.varchar("password_hash", 255),
          c.varchar("role", 16),
          c.int("agency_id", true),
          c.varchar("phone", 32, true),
          c.varchar("locale", 8, false, "'id'"),
          c.bool("active", true),
          c.time("last_login_at", true),
          c.time("created_at"),
          c.time("updated_at"),
        ],
        indices: [
          { name: "uq_users_email", columnNames: ["email"], isUnique: true },
          { name: "ix_users_agency", columnNames: ["agency_id"] },
        ],
        foreignKeys: [{ columnNames: ["agency_id"], referencedTableName: "agencies", referencedColumnNames: ["id"], onDelete: "RESTRICT" }],
      }),
    );
    await qr.createTable(
      new Table({
        name: "sessions",
        columns: [
          c.varchar("id", 64, false, undefined, true),
          c.int("user_id"),
          c.time("created_at"),
          c.time("last_seen_at"),
          c.time("idle_expires_at"),
          c.time("absolute_expires_at"),
          c.varchar("ip", 64, true),
          c.varchar("user_agent", 255, true),
        ],
        indices: [
          { name: "ix_sessions_user", columnNames: ["user_id"] },
          { name: "ix_sessions_idle", columnNames: ["idle_expires_at"] },
        ],
        foreignKeys: [{ columnNames: ["user_id"], referencedTableName: "users", referencedColumnNames: ["id"], onDelete: "CASCADE" }],
      }),
    );
    await qr.createTable(
      new Table({
        name: "login_throttles",
        columns: [
          c.varchar("key", 300, false, undefined, true),
          c.int("failures", false, "0"),
          c.time("last_failure_at"),
          c.time("locked_until", true),
        ],
      }),
    );
    await qr.createTable(
      new Table({
        name: "contacts",
        columns: [
          c.id(),
          c.varchar("name", 200, true),
          c.varchar("phone", 32, true),
          c.varchar("email", 254, true),
          c.int("merged_into_id", true),
          c.time("created_at"),
          c.time("updated_at"),
        ],
        indices: [
          { name: "ix_contacts_phone", columnNames: ["phone"] },
          { name: "ix_contacts_email", columnNames: ["email"] },
        ],
      }),
    );
    await qr.createTable(
      new Table({
        name: "contact_identities",
        columns: [
          c.id(),
          c.int("contact_id"),
          c.varchar("channel", 16),
          c.varchar("address", 254),
          c.varchar("display_name", 200, true),
          c.time("created_at"),
        ],
        indices: [
          { name: "uq_identities_channel_address", columnNames: ["channel", "address"], isUnique: true },
          { name: "ix_identities_contact", columnNames: ["contact_id"] },
        ],
        foreignKeys: [{ columnNames: ["contact_id"], referencedTableName: "contacts", referencedColumnNames: ["id"], onDelete: "CASCADE" }],
      }),
    );
    await qr.createTable(
      new Table({
        name: "tickets",
        columns: [
          c.id(),
          c.varchar("number", 20),
          c.varchar("tracking_secret_hash", 64),
          c.varchar("subject", 300),
          c.text("description"),
          c.varchar("channel", 16),
          c.int("contact_id", true),
          c.int("category_id", true),
          c.varchar("privacy", 8),
          c.varchar("status", 24),
          c.varchar("previous_status", 24, true),
          c.varchar("complaint_class", 32, false, "'general'"),
          c.varchar("priority", 8, false, "'normal'"),
          c.int("assignee_user_id", true),
          c.int("merged_into_id", true),
          c.int("created_by_user_id", true),
          c.varchar("location_text", 300, true),
          c.decimal("latitude", true),
          c.decimal("longitude", true),
          c.bool("is_open", true),
          c.time("due_at", true),
          c.time("received_at"),
          c.time("verified_at", true),
          c.time("forwarded_at", true),
          c.time("first_response_at", true),
          c.time("answered_at", true),
          c.time("resolved_at", true),
          c.time("closed_at", true),
          c.time("waiting_since", true),
          c.time("reopened_at", true),
          c.time("created_at"),
          c.time("updated_at"),
        ],
        indices: [
          { name: "uq_tickets_number", columnNames: ["number"], isUnique: true },
          { name: "ix_tickets_open_due", columnNames: ["is_open", "due_at"] },
          { name: "ix_tickets_status_due", columnNames: ["status", "due_at"] },
          { name: "ix_tickets_contact", columnNames: ["contact_id"] },
          { name: "ix_tickets_category", columnNames: ["category_id"] },
          { name: "ix_tickets_received", columnNames: ["received_at"] },
        ],
        foreignKeys: [
          { columnNames: ["contact_id"], referencedTableName: "contacts", referencedColumnNames: ["id"], onDelete: "SET NULL" },
          { columnNames: ["category_id"], referencedTableName: "categories", referencedColumnNames: ["id"], onDelete: "SET NULL" },
        ],
      }),
    );
    await qr.createTable(
      new Table({
        name: "ticket_counters",
        columns: [c.varchar("period", 8, false, undefined, true), c.int("last_value", false, "0")],
      }),
    );
    await qr.createTable(
      new Table({
        name: "forwards",
        columns: [
          c.id(),
          c.int("ticket_id"),
          c.int("agency_id"),
          c.int("forwarded_by_user_id", true),
          c.text("instruction"),
          c.varchar("status", 16),
          c.bool("is_open", true),
          c.time("due_at", true),
          c.int("assignee_user_id", true),
          c.int("acknowledged_by_user_id", true),
          c.time("acknowledged_at", true),
          c.int("answered_by_user_id", true),
          c.time("answered_at", true),
          c.text("response", true),
          c.text("return_reason", true),
          c.int("returned_by_user_id", true),
          c.time("returned_at", true),
          c.time("created_at"),
          c.time("updated_at"),
        ],
        indices: [
          { name: "ix_forwards_agency_open_due", columnNames: ["agency_id", "is_open", "due_at"] },
          { name: "ix_forwards_ticket", columnNames: ["ticket_id"] },
        ],
        foreignKeys: [
          { columnNames: ["ticket_id"], referencedTableName: "tickets", referencedColumnNames: ["id"], onDelete: "CASCADE" },
          { columnNames: ["agency_id"], referencedTableName: "agencies", referencedColumnNames: ["id"], onDelete: "RESTRICT" },
        ],
      }),
    );
    await qr.createTable(
      new Table({
        name: "messages",
        columns: [
          c.id(),
          c.int("ticket_id"),
          c.varchar("direction", 12),
          c.varchar("channel", 16),
          c.int("contact_id", true),
          c.int("author_user_id", true),
          c.int("forward_id", true),
          c.varchar("subject", 300, true),
          c.text("body"),
          c.text("body_html", true),
          c.int("channel_account_id", true),
          c.varchar("external_id", 191, true),
          c.varchar("delivery_status", 12, true),
          c.time("sent_at", true),
          c.time("created_at"),
        ],
        indices: [
          { name: "ix_messages_ticket_created", columnNames: ["ticket_id", "created_at"] },
          { name: "uq_messages_account_external", columnNames: ["channel_account_id", "external_id"], isUnique: true },
        ],
        foreignKeys: [{ columnNames: ["ticket_id"], referencedTableName: "tickets", referencedColumnNames: ["id"], onDelete: "CASCADE" }],
      }),
    );
    await qr.createTable(
      new Table({
        name: "attachments",
        columns: [
          c.id(),
          c.int("ticket_id"),
          c.int("message_id", true),
          c.varchar("file_name", 255),
          c.varchar("mime_type", 127),
          c.int("size_bytes", false, "0"),
          c.varchar("storage_key", 255),
          c.varchar("sha256", 64, true),
          c.int("uploaded_by_user_id", true),
          c.time("created_at"),
        ],
        indices: [{ name: "ix_attachments_ticket", columnNames: ["ticket_id"] }],
        foreignKeys: [{ columnNames: ["ticket_id"], referencedTableName: "tickets", referencedColumnNames: ["id"], onDelete: "CASCADE" }],
      }),
    );
    await qr.createTable(
      new Table({
        name: "audit_events",
        columns: [
          c.id(),
          c.varchar("chain_key", 64),
          c.int("seq"),
          c.int("ticket_id", true),
          c.int("actor_user_id", true),
          c.varchar("actor_label", 200, true),
          c.varchar("type", 64),
          c.varchar("entity_type", 32),
          c.varchar("entity_id", 64, true),
          c.longText("before_json", true),
          c.longText("after_json", true),
          c.time("created_at"),
          c.varchar("prev_hash", 64, true),
          c.varchar("hash", 64),
        ],
        indices: [
          { name: "uq_audit_chain_seq", columnNames: ["chain_key", "seq"], isUnique: true },
          { name: "ix_audit_ticket", columnNames: ["ticket_id", "id"] },
          { name: "ix_audit_created", columnNames: ["created_at"] },
        ],
      }),
    );
    await qr.createTable(
      new Table({
        name: "audit_chain_heads",
        columns: [c.varchar("chain_key", 64, false, undefined, true), c.int("seq"), c.varchar("hash", 64), c.time("updated_at")],
      }),
    );
    await qr.createTable(
      new Table({
        name: "audit_anchors",
        columns: [c.id(), c.time("created_at"), c.int("chain_count"), c.varchar("heads_hash", 64), c.longText("heads_json")],
      }),
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    for (const t of [
      "audit_anchors",
      "audit_chain_heads",
      "audit_events",
      "attachments",
      "messages",
      "forwards",
      "ticket_counters",
      "tickets",
      "contact_identities",
      "contacts",
      "login_throttles",
      "sessions",
      "users",
      "categories",
      "agencies",
    ]) {
      await qr.dropTable(t, true);
    }
  }
}
