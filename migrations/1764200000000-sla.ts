import { Table, type MigrationInterface, type QueryRunner } from "typeorm";
import { col } from "./columns.js";

/**
 * SLA: business calendars with their holidays, policies (per category / complaint class), the
 * clocks running on tickets and forwards, warnings and breaches recorded once (unique key), and
 * in-app notifications (once per recipient and event).
 * sla_clocks.next_event_at is indexed so the sweep reads only what is due.
 */
export class Sla1764200000000 implements MigrationInterface {
  name = "Sla1764200000000";

  async up(qr: QueryRunner): Promise<void> {
    const c = col(qr);
    await qr.createTable(
      new Table({
        name: "calendars",
        columns: [c.id(), c.varchar("name", 100), c.varchar("time_zone", 40), c.text("working_hours"), c.bool("is_default", false), c.time("created_at"), c.time("updated_at")],
      }),
    );
    await qr.createTable(
      new Table({
        name: "calendar_holidays",
        columns: [c.id(), c.int("calendar_id"), c.varchar("date", 10), c.varchar("name", 200), c.varchar("kind", 16), c.time("created_at")],
        indices: [{ name: "uq_calendar_holidays_date", columnNames: ["calendar_id", "date"], isUnique: true }],
        foreignKeys: [{ columnNames: ["calendar_id"], referencedTableName: "calendars", referencedColumnNames: ["id"], onDelete: "CASCADE" }],
      }),
    );
    await qr.createTable(
      new Table({
        name: "sla_policies",
        columns: [
          c.id(),
          c.varchar("name", 200),
          c.int("category_id", true),
          c.varchar("complaint_class", 32, true),
          c.int("calendar_id", true),
          c.longText("definition"),
          c.bool("active", true),
          c.time("created_at"),
          c.time("updated_at"),
        ],
        indices: [
          { name: "ix_sla_policies_category", columnNames: ["category_id"] },
          { name: "ix_sla_policies_class", columnNames: ["complaint_class"] },
        ],
        foreignKeys: [
          { columnNames: ["category_id"], referencedTableName: "categories", referencedColumnNames: ["id"], onDelete: "CASCADE" },
          { columnNames: ["calendar_id"], referencedTableName: "calendars", referencedColumnNames: ["id"], onDelete: "SET NULL" },
        ],
      }),
    );
    await qr.createTable(
      new Table({
        name: "sla_clocks",
        columns: [
          c.id(),
          c.int("ticket_id"),
          c.int("forward_id", true),
          c.varchar("kind", 32),
          c.int("policy_id", true),
          c.varchar("state", 12),
          c.time("started_at"),
          c.text("pauses_json", true),
          c.time("warn_at", true),
          c.time("due_at", true),
          c.time("stopped_at", true),
          c.time("breached_at", true),
          c.time("next_event_at", true),
          c.time("created_at"),
          c.time("updated_at"),
        ],
        indices: [
          { name: "ix_sla_clocks_next_event", columnNames: ["next_event_at"] },
          { name: "ix_sla_clocks_ticket", columnNames: ["ticket_id", "state"] },
          { name: "ix_sla_clocks_forward", columnNames: ["forward_id"] },
        ],
        foreignKeys: [{ columnNames: ["ticket_id"], referencedTableName: "tickets", referencedColumnNames: ["id"], onDelete: "CASCADE" }],
      }),
    );
    await qr.createTable(
      new Table({
        name: "sla_events",
        columns: [
          c.id(),
          c.int("clock_id"),
          c.int("ticket_id"),
          c.int("forward_id", true),
          c.varchar("clock_kind", 32),
          c.varchar("kind", 16),
          c.int("level", false, "0"),
          c.time("due_at"),
          c.time("recorded_at"),
        ],
        indices: [
          { name: "uq_sla_events_once", columnNames: ["clock_id", "kind", "level"], isUnique: true },
          { name: "ix_sla_events_ticket", columnNames: ["ticket_id"] },
          { name: "ix_sla_events_recorded", columnNames: ["recorded_at"] },
        ],
        foreignKeys: [{ columnNames: ["clock_id"], referencedTableName: "sla_clocks", referencedColumnNames: ["id"], onDelete: "CASCADE" }],
      }),
    );
    await qr.createTable(
      new Table({
        name: "notifications",
        columns: [
          c.id(),
          c.int("user_id"),
          c.int("ticket_id", true),
          c.int("sla_event_id", true),
          c.varchar("type", 32),
          c.varchar("title", 300),
          c.text("body"),
          c.time("read_at", true),
          c.time("emailed_at", true),
          c.time("created_at"),
        ],
        indices: [
          { name: "uq_notifications_once", columnNames: ["user_id", "sla_event_id"], isUnique: true },
          { name: "ix_notifications_user_read", columnNames: ["user_id", "read_at"] },
        ],
        foreignKeys: [{ columnNames: ["user_id"], referencedTableName: "users", referencedColumnNames: ["id"], onDelete: "CASCADE" }],
      }),
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    for (const t of ["notifications", "sla_events", "sla_clocks", "sla_policies", "calendar_holidays", "calendars"]) await qr.dropTable(t, true);
  }
}
