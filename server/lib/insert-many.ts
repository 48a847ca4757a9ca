import type { EntityManager, EntityTarget, ObjectLiteral, QueryDeepPartialEntity } from "typeorm";

const autoincModes = new WeakMap<object, Promise<number>>();

/**
 * InnoDB hands a multi-row INSERT consecutive ids unless innodb_autoinc_lock_mode is 2
 * ("interleaved"); then rows go one statement each. Read once per DataSource.
 */
function consecutiveIds(m: EntityManager): Promise<boolean> {
  let mode = autoincModes.get(m.connection);
  if (!mode) {
    mode = m.connection
      .query("SELECT @@innodb_autoinc_lock_mode AS mode")
      .then((r: { mode: number | string }[]) => Number(r[0]?.mode ?? 2))
      .catch(() => 2);
    autoincModes.set(m.connection, mode);
  }
  return mode.then((x) => x !== 2);
}

/**
 * Inserts rows in one statement (per 500) without reading them back, and returns their ids in
 * order: what TypeORM's insert() costs in one statement instead of two (it re-selects columns
 * that have database defaults). SQLite reports the last rowid of the statement (a single writer:
 * the rows before it are consecutive); MySQL/MariaDB the first.
 */
export async function insertMany<T extends ObjectLiteral>(m: EntityManager, target: EntityTarget<T>, rows: QueryDeepPartialEntity<T>[]): Promise<number[]> {
  if (rows.length === 0) return [];
  const mysql = m.connection.options.type === "mysql";
  const chunk = mysql && !(await consecutiveIds(m)) ? 1 : 500;
  const ids: number[] = [];
  for (let i = 0; i < rows.length; i += chunk) {
    const part = rows.slice(i, i + chunk);
    const res = await m.createQueryBuilder().insert().into(target).values(part).updateEntity(false).execute();
    if (mysql) {
      const raw = res.raw as { insertId: number; affectedRows: number };
      if (raw.affectedRows !== part.length) throw new Error(`insertMany: ${raw.affectedRows} of ${part.length} rows inserted`);
      for (let j = 0; j < part.length; j++) ids.push(Number(raw.insertId) + j);
    } else {
      const last = Number(res.raw);
      for (let j = 0; j < part.length; j++) ids.push(last - part.length + 1 + j);
    }
  }
  return ids;
}
