import { Table, TableIndex, type MigrationInterface, type QueryRunner } from "typeorm";
import { col } from "./columns.js";

/**
 * The command center (issue 16, points 1 and 2): the wall's rollups (counts per day × channel ×
 * OPD × category and per hour × channel, maintained incrementally from the audit log by
 * commands/apply-rollups.ts with a cursor), who is looking at which ticket (presence, for the
 * collision notice), and indexes for the wall's per-OPD lights, backlog and oldest open.
 */
export class CommandCenter1764900000000 implements MigrationInterface {
  name = "CommandCenter1764900000000";

  async up(qr: QueryRunner): Promise<void> {
    const c = col(qr);
    const counters = ["received", "verified", "rejected", "forwarded", "answered", "resolved", "closed", "warned", "breached"].map((n) => c.int(n, false, "0"));
    await qr.createTable(
      new Table({
        name: "wall_rollup_days",
        columns: [
          { ...c.varchar("day", 10), isPrimary: true },
          { ...c.varchar("channel", 16), isPrimary: true },
          { ...c.int("agency_id"), isPrimary: true },
          { ...c.int("category_id"), isPrimary: true },
          ...counters,
        ],
      }),
    );
    await qr.createTable(
      new Table({
        name: "wall_rollup_hours",
        columns: [{ ...c.varchar("hour", 13), isPrimary: true }, { ...c.varchar("channel", 16), isPrimary: true }, c.int("received", false, "0")],
      }),
    );
    await qr.createTable(new Table({ name: "rollup_state", columns: [c.varchar("name", 32, false, undefined, true), c.bigint("low_id"), c.time("updated_at")] }));
    await qr.createTable(
      new Table({
        name: "rollup_applied",
        columns: [{ ...c.bigint("event_id"), isPrimary: true }, c.time("applied_at")],
      }),
    );
    await qr.createTable(
      new Table({
        name: "ticket_presence",
        columns: [{ ...c.int("ticket_id"), isPrimary: true }, { ...c.int("user_id"), isPrimary: true }, c.time("seen_at")],
        indices: [{ name: "ix_ticket_presence_seen", columnNames: ["seen_at"] }],
        foreignKeys: [
          { columnNames: ["ticket_id"], referencedTableName: "tickets", referencedColumnNames: ["id"], onDelete: "CASCADE" },
          { columnNames: ["user_id"], referencedTableName: "users", referencedColumnNames: ["id"], onDelete: "CASCADE" },
        ],
      }),
    );
    // The wall's SLA lights: running clocks that breached, or are past their warning.
    await qr.createIndex("sla_clocks", new TableIndex({ name: "ix_sla_clocks_state_breach_warn", columnNames: ["state", "breached_at", "warn_at", "forward_id"] }));
    // The oldest open disposisi per OPD.
    await qr.createIndex("forwards", new TableIndex({ name: "ix_forwards_agency_open_created", columnNames: ["agency_id", "is_open", "created_at"] }));
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropIndex("forwards", "ix_forwards_agency_open_created");
    await qr.dropIndex("sla_clocks", "ix_sla_clocks_state_breach_warn");
    for (const t of ["ticket_presence", "rollup_applied", "rollup_state", "wall_rollup_hours", "wall_rollup_days"]) await qr.dropTable(t);
  }
}
