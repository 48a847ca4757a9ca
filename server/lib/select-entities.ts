import type { EntityManager, EntityTarget, ObjectLiteral } from "typeorm";

/**
 * `SELECT <every column> FROM <table> WHERE <where> <tail>` in plain SQL, hydrated into entity
 * instances through the driver (dates, booleans and numbers as TypeORM's own reads give them).
 * For hot paths that read by a list of keys: find() with In([...]) builds its SQL through the
 * query builder, whose parameter handling grows with the square of the list (the ingest
 * benchmark's profile), and its result transformer is general-purpose. `where` and `tail` are
 * trusted SQL written by the caller with `?` placeholders; values go in `params`.
 */
export async function selectEntities<T extends ObjectLiteral>(m: EntityManager, target: EntityTarget<T>, where: string, params: unknown[], tail = ""): Promise<T[]> {
  const meta = m.connection.getMetadata(target);
  const driver = m.connection.driver;
  const relationNames = new Set(meta.relations.map((r) => r.propertyName));
  const columns = meta.columns.filter((c) => !relationNames.has(c.propertyName));
  const sql = `SELECT ${columns.map((c) => driver.escape(c.databaseName)).join(", ")} FROM ${driver.escape(meta.tableName)} WHERE ${where}${tail ? ` ${tail}` : ""}`;
  const rows = (await m.query(sql, params)) as Record<string, unknown>[];
  return rows.map((row) => {
    const entity = meta.create() as T;
    for (const c of columns) c.setEntityValue(entity, driver.prepareHydratedValue(row[c.databaseName], c));
    return entity;
  });
}

/** `?, ?, ?` for a list of values. */
export const placeholders = (n: number) => Array.from({ length: n }, () => "?").join(", ");

/**
 * A column compared without its index: `${unindexed("is_open")} = 1`. SQLite plans without
 * statistics (nothing runs ANALYZE) and takes an equality on any indexed column for selective, so
 * `contact_id IN (…) AND is_open = 1` was read through the (is_open, due_at) index, that is every
 * open ticket of the province (8 s for one ingest batch at 1M tickets, 150,000 of them open). The
 * unary plus is SQLite's documented way to keep a term out of the index choice; MySQL and MariaDB
 * parse it away. Use it on flags and statuses beside a selective key (test/e2e/sqlite-plans).
 */
export const unindexed = (column: string) => `+${column}`;
