import { createHash } from "node:crypto";
import type { EntityManager } from "typeorm";

/**
 * The database as plain rows, the same on SQLite and MySQL/MariaDB: what backup, restore and the
 * open-format export read and write. Tables and columns come from the database itself (every table
 * the migrations made, the job tables included), so a new migration needs no change here.
 *
 * Values are normalized so that one row reads the same from either engine: times as ISO-8601 UTC
 * strings with milliseconds, decimals as numbers, booleans as 0/1, binary as { $base64 }.
 */
export type ColumnKind = "time" | "decimal" | "integer" | "float" | "text" | "binary";
export interface ColumnInfo {
  name: string;
  kind: ColumnKind;
  nullable: boolean;
}
export interface TableInfo {
  name: string;
  columns: ColumnInfo[];
  /** Primary key columns, in key order (every table has one: Galera requires it). */
  primaryKey: string[];
}
export type Row = Record<string, unknown>;

/** Tables that belong to the schema, not to the data: the migrations' own bookkeeping and their lock. */
const NOT_DATA = new Set(["migrations", "migration_lock", "typeorm_metadata", "sqlite_sequence"]);

function kindOf(type: string): ColumnKind {
  const t = type.toLowerCase();
  if (/^(datetime|timestamp|date)/.test(t)) return "time";
  if (/^(decimal|numeric)/.test(t)) return "decimal";
  if (/^(double|float|real)/.test(t)) return "float";
  if (/(int|boolean|bool)/.test(t)) return "integer";
  if (/(blob|binary)/.test(t)) return "binary";
  return "text";
}

const isMysql = (m: EntityManager) => m.connection.options.type === "mysql";

/** Every data table with its columns and primary key, in name order. */
export async function listTables(m: EntityManager): Promise<TableInfo[]> {
  const out: TableInfo[] = [];
  if (isMysql(m)) {
    const cols: { t: string; c: string; type: string; nullable: string; key: string; pos: number }[] = await m.query(
      `SELECT TABLE_NAME AS t, COLUMN_NAME AS c, COLUMN_TYPE AS type, IS_NULLABLE AS nullable, ORDINAL_POSITION AS pos
         FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, ORDINAL_POSITION`,
    );
    const keys: { t: string; c: string }[] = await m.query(
      `SELECT TABLE_NAME AS t, COLUMN_NAME AS c FROM information_schema.KEY_COLUMN_USAGE
        WHERE TABLE_SCHEMA = DATABASE() AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY TABLE_NAME, ORDINAL_POSITION`,
    );
    const byTable = new Map<string, TableInfo>();
    for (const c of cols) {
      if (NOT_DATA.has(c.t)) continue;
      const t = byTable.get(c.t) ?? byTable.set(c.t, { name: c.t, columns: [], primaryKey: [] }).get(c.t)!;
      t.columns.push({ name: c.c, kind: kindOf(c.type), nullable: c.nullable === "YES" });
    }
    for (const k of keys) byTable.get(k.t)?.primaryKey.push(k.c);
    out.push(...byTable.values());
  } else {
    const tables: { name: string; sql: string | null }[] = await m.query("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name");
    // Full-text indexes (FTS5 virtual tables and their shadow tables) are derived from the data
    // tables and kept by triggers: not backed up, refilled by those triggers on restore.
    const virtual = tables.filter((t) => /^CREATE VIRTUAL TABLE/i.test(t.sql ?? "")).map((t) => t.name);
    const derived = (name: string) => virtual.some((v) => name === v || name.startsWith(`${v}_`));
    for (const { name } of tables) {
      if (NOT_DATA.has(name) || derived(name)) continue;
      const info: { name: string; type: string; notnull: number; pk: number }[] = await m.query(`PRAGMA table_info("${name}")`);
      out.push({
        name,
        columns: info.map((c) => ({ name: c.name, kind: kindOf(c.type), nullable: !c.notnull && !c.pk })),
        primaryKey: info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name),
      });
    }
  }
  for (const t of out) if (t.primaryKey.length === 0) throw new Error(`table ${t.name} has no primary key`);
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

const SQLITE_TIME = /^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)(\.\d+)?Z?$/;

/** One stored value as the engine-neutral form (see the module comment). */
export function normalizeValue(kind: ColumnKind, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (kind) {
    case "time": {
      if (v instanceof Date) return v.toISOString();
      const s = String(v);
      const mt = SQLITE_TIME.exec(s);
      if (mt) return new Date(`${mt[1]}T${mt[2]}${(mt[3] ?? ".000").slice(0, 4).padEnd(4, "0")}Z`).toISOString();
      return s;
    }
    case "decimal":
    case "float":
      return typeof v === "number" ? v : Number(v);
    case "integer":
      return typeof v === "boolean" ? Number(v) : typeof v === "bigint" ? Number(v) : typeof v === "number" ? v : Number(v);
    case "binary":
      return { $base64: Buffer.isBuffer(v) ? v.toString("base64") : Buffer.from(String(v)).toString("base64") };
    default:
      return Buffer.isBuffer(v) ? v.toString("utf8") : typeof v === "object" ? JSON.stringify(v) : String(v);
  }
}

/** A normalized value as the target engine stores it. */
export function storedValue(mysql: boolean, kind: ColumnKind, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (kind === "time" && typeof v === "string" && /^\d{4}-\d\d-\d\dT/.test(v)) {
    const d = new Date(v);
    return mysql ? d : d.toISOString().replace("T", " ").replace("Z", "");
  }
  if (kind === "binary" && typeof v === "object" && v && "$base64" in v) return Buffer.from(String((v as { $base64: string }).$base64), "base64");
  return v;
}

const quote = (m: EntityManager, name: string) => (isMysql(m) ? `\`${name}\`` : `"${name}"`);

/**
 * A table's rows in primary-key order, normalized, a page at a time (keyset pagination on a single
 * key column; composite keys page by offset, they are the small tables). Memory stays at one page.
 */
export async function* readRows(m: EntityManager, table: TableInfo, pageSize = 2000): AsyncGenerator<Row[]> {
  const cols = table.columns.map((c) => quote(m, c.name)).join(", ");
  const order = table.primaryKey.map((k) => quote(m, k)).join(", ");
  const single = table.primaryKey.length === 1 ? table.columns.find((c) => c.name === table.primaryKey[0])! : null;
  let last: unknown = undefined;
  for (let offset = 0; ; offset += pageSize) {
    let raw: Row[];
    if (single) {
      const where = last === undefined ? "" : `WHERE ${quote(m, single.name)} > ?`;
      raw = await m.query(`SELECT ${cols} FROM ${quote(m, table.name)} ${where} ORDER BY ${order} LIMIT ${pageSize}`, last === undefined ? [] : [last]);
      if (raw.length) last = raw[raw.length - 1][single.name];
    } else {
      raw = await m.query(`SELECT ${cols} FROM ${quote(m, table.name)} ORDER BY ${order} LIMIT ${pageSize} OFFSET ${offset}`);
    }
    if (raw.length === 0) return;
    yield raw.map((r) => {
      const o: Row = {};
      for (const c of table.columns) o[c.name] = normalizeValue(c.kind, r[c.name]);
      return o;
    });
    if (raw.length < pageSize) return;
  }
}

/** Running content hash of a table: SHA-256 over its normalized rows in key order, one JSON line each. */
export class TableDigest {
  private hash = createHash("sha256");
  rows = 0;
  add(row: Row): string {
    const line = JSON.stringify(row);
    this.hash.update(line).update("\n");
    this.rows++;
    return line;
  }
  hex(): string {
    return this.hash.digest("hex");
  }
}

/** Row count and content hash of every data table, as read now. */
export async function digestTables(m: EntityManager, tables?: TableInfo[]): Promise<Map<string, { rows: number; sha256: string }>> {
  const out = new Map<string, { rows: number; sha256: string }>();
  for (const t of tables ?? (await listTables(m))) {
    const d = new TableDigest();
    for await (const page of readRows(m, t)) for (const r of page) d.add(r);
    out.set(t.name, { rows: d.rows, sha256: d.hex() });
  }
  return out;
}

/** Inserts normalized rows (only the columns the target table has), a few hundred per statement. */
export async function insertRows(m: EntityManager, table: TableInfo, rows: Row[]): Promise<void> {
  if (rows.length === 0) return;
  const mysql = isMysql(m);
  const present = table.columns.filter((c) => c.name in rows[0]);
  const cols = present.map((c) => quote(m, c.name)).join(", ");
  const per = Math.max(1, Math.floor(900 / Math.max(present.length, 1)));
  for (let i = 0; i < rows.length; i += per) {
    const chunk = rows.slice(i, i + per);
    const params: unknown[] = [];
    const tuples = chunk.map((r) => {
      for (const c of present) params.push(storedValue(mysql, c.kind, r[c.name]));
      return `(${present.map(() => "?").join(", ")})`;
    });
    await m.query(`INSERT INTO ${quote(m, table.name)} (${cols}) VALUES ${tuples.join(", ")}`, params);
  }
}
