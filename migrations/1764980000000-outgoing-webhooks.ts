import { Table, TableIndex, type MigrationInterface, type QueryRunner } from "typeorm";
import { col } from "./columns.js";

/**
 * Outgoing webhooks (issue 19, item 7): the endpoints admins register (secret encrypted), the
 * webhook outbox (one row per event and endpoint) and its delivery log (one row per attempt).
 */
export class OutgoingWebhooks1764980000000 implements MigrationInterface {
  name = "OutgoingWebhooks1764980000000";

  async up(qr: QueryRunner): Promise<void> {
    const c = col(qr);
    await qr.createTable(
      new Table({
        name: "webhook_endpoints",
        columns: [
          c.id(),
          c.varchar("name", 200),
          c.varchar("url", 1000),
          c.text("events_json"),
          c.varchar("scope", 12),
          c.int("agency_id", true),
          c.text("secret_encrypted"),
          c.varchar("secret_prefix", 16),
          c.bool("active", true),
          c.int("created_by_user_id", true),
          c.time("created_at"),
          c.time("updated_at"),
        ],
      }),
    );
    await qr.createTable(
      new Table({
        name: "webhook_deliveries",
        columns: [
          c.id(),
          c.int("endpoint_id"),
          c.varchar("event_id", 40),
          c.varchar("event_type", 40),
          c.int("ticket_id", true),
          c.text("details_json", true),
          c.time("occurred_at"),
          c.varchar("state", 12),
          c.int("attempts", false, "0"),
          c.time("next_attempt_at"),
          c.time("give_up_at"),
          c.time("locked_until", true),
          c.int("last_status", true),
          c.varchar("last_error", 1000, true),
          c.time("delivered_at", true),
          c.time("created_at"),
          c.time("updated_at"),
        ],
      }),
    );
    await qr.createIndex("webhook_deliveries", new TableIndex({ name: "ix_webhook_deliveries_due", columnNames: ["state", "next_attempt_at"] }));
    await qr.createIndex("webhook_deliveries", new TableIndex({ name: "ix_webhook_deliveries_endpoint", columnNames: ["endpoint_id", "id"] }));
    await qr.createIndex("webhook_deliveries", new TableIndex({ name: "ux_webhook_deliveries_event", columnNames: ["endpoint_id", "event_id"], isUnique: true }));
    await qr.createTable(
      new Table({
        name: "webhook_attempts",
        columns: [c.id(), c.int("delivery_id"), c.int("attempt"), c.int("status_code", true), c.varchar("error", 1000, true), c.int("duration_ms"), c.time("attempted_at")],
      }),
    );
    await qr.createIndex("webhook_attempts", new TableIndex({ name: "ix_webhook_attempts_delivery", columnNames: ["delivery_id", "id"] }));
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable("webhook_attempts", true);
    await qr.dropTable("webhook_deliveries", true);
    await qr.dropTable("webhook_endpoints", true);
  }
}
