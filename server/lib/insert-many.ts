import type { EntityManager, EntityTarget, ObjectLiteral, QueryDeepPartialEntity } from "typeorm";

const autoincModes = new WeakMap<object, Promise<number>>();

/**
 * InnoDB hands a multi-row INSERT consecutive ids unless innodb_autoinc_lock_mode is 2
 * ("interleaved"); then rows go one statement each. Read once per DataSource, on the caller's own
 * connection: a read through the pool waited for a free connection while this transaction held
 * its locks, and with every connection taken by writers waiting for those locks the first
 * insert after a start stalled until the lock wait timeout (50 s; append-audit-event.test.ts).
 */
function consecutiveIds(m: EntityManager): Promise<boolean> {
  let mode = autoincModes.get(m.connection);
  if (!mode) {
    mode = m
      .query("SELECT @@innodb_autoinc_lock_mode AS mode")
      .then((r: { mode: number | string }[]) => Number(r[0]?.mode ?? 2))
      .catch(() => {
        autoincModes.delete(m.connection); // asked again next time; one statement per row meanwhile
        return 2;
      });
    autoincModes.set(m.connection, mode);
  }
  return mode.then((x) => x !== 2);
}

/**
 * Inserts rows in one statement (per 500) and returns their ids in order: one statement where
 * TypeORM's insert() needs two (it re-selects columns that have database defaults), and plain SQL
 * built from the entity's metadata, because the query builder's parameter handling grows with
 * the square of the parameters of a multi-row insert (seen in the ingest benchmark's profile).
 * Values go through the driver's preparePersistentValue, as TypeORM's own writes do. The columns
 * are those the first row sets. SQLite reports the last rowid of the statement (a single writer:
 * the rows before it are consecutive); MySQL/MariaDB the first.
 */
export async function insertMany<T extends ObjectLiteral>(m: EntityManager, target: EntityTarget<T>, rows: QueryDeepPartialEntity<T>[]): Promise<number[]> {
  if (rows.length === 0) return [];
  const mysql = m.connection.options.type === "mysql";
  const meta = m.connection.getMetadata(target);
  const first = rows[0] as Record<string, unknown>;
  const columns = meta.columns.filter((c) => !c.isGenerated && first[c.propertyName] !== undefined);
  const driver = m.connection.driver;
  const q = (name: string) => (mysql ? `\`${name}\`` : `"${name}"`);
  const head = `INSERT INTO ${q(meta.tableName)} (${columns.map((c) => q(c.databaseName)).join(", ")}) VALUES `;
  const tuple = `(${columns.map(() => "?").join(", ")})`;
  const chunk = mysql && !(await consecutiveIds(m)) ? 1 : 500;
  const ids: number[] = [];
  for (let i = 0; i < rows.length; i += chunk) {
    const part = rows.slice(i, i + chunk) as Record<string, unknown>[];
    const params: unknown[] = [];
    for (const row of part) for (const c of columns) params.push(driver.preparePersistentValue(row[c.propertyName] ?? null, c));
    const raw = await m.query(head + part.map(() => tuple).join(", "), params);
    if (mysql) {
      const ok = raw as { insertId: number; affectedRows: number };
      if (ok.affectedRows !== part.length) throw new Error(`insertMany: ${ok.affectedRows} of ${part.length} rows inserted`);
      for (let j = 0; j < part.length; j++) ids.push(Number(ok.insertId) + j);
    } else {
      const last = Number(raw);
      for (let j = 0; j < part.length; j++) ids.push(last - part.length + 1 + j);
    }
  }
  return ids;
}
