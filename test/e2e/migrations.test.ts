import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { DataSource } from "typeorm";
import { testTargets } from "../support/databases.js";

/** Tables, their columns and their indexes, as the database reports them. */
async function schemaOf(ds: DataSource): Promise<Record<string, { columns: string[]; indexes: string[] }>> {
  const qr = ds.createQueryRunner();
  try {
    const rows: { name: string }[] = await ds.query(
      ds.options.type === "mysql"
        ? "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()"
        : "SELECT name FROM sqlite_master WHERE type = 'table'",
    );
    const names = rows.map((r) => r.name).filter((n) => !/migrations$|sqlite_sequence$/.test(n));
    if (names.length === 0) return {};
    const tables = await qr.getTables(names);
    const out: Record<string, { columns: string[]; indexes: string[] }> = {};
    for (const t of tables) {
      const name = t.name.split(".").pop()!;
      out[name] = {
        columns: t.columns.map((c) => `${c.name}:${c.type}:${c.isNullable ? "null" : "notnull"}`).sort(),
        indexes: [...t.indices.map((i) => `${i.name}(${i.columnNames.join(",")})${i.isUnique ? "u" : ""}`), ...t.uniques.map((u) => `${u.name}(${u.columnNames.join(",")})u`)].sort(),
      };
    }
    return out;
  } finally {
    await qr.release();
  }
}

for (const target of await testTargets()) {
  describe(`migrations (${target.name})`, () => {
    it("go up, all the way down and up again, leaving the same tables and indexes", async () => {
      const t = await target.open();
      try {
        const ds = t.db.ds;
        const first = await schemaOf(ds);
        assert.ok(first.tickets && first.forwards && first.audit_events, "core tables exist");
        assert.ok(first.tickets.indexes.some((i) => i.startsWith("ix_tickets_open_due(is_open,due_at)")));
        assert.ok(first.forwards.indexes.some((i) => i.startsWith("ix_forwards_agency_open_due(agency_id,is_open,due_at)")));
        const count = ds.migrations.length;
        for (let i = 0; i < count; i++) await ds.undoLastMigration({ transaction: "each" });
        assert.deepEqual(Object.keys(await schemaOf(ds)), [], "down() removes every table");
        const reapplied = await ds.runMigrations({ transaction: "each" });
        assert.equal(reapplied.length, count);
        assert.deepEqual(await schemaOf(ds), first);
      } finally {
        await t.destroy();
      }
    });
  });
}
