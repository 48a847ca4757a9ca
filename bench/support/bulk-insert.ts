import type { DataSource, QueryRunner } from "typeorm";

/** A value as written: strings (times already formatted), numbers, booleans (stored 0/1) or NULL. */
export type SqlValue = string | number | boolean | null;

export interface BulkInserterOptions {
  /** Rows per INSERT statement (SQLite also stays under its 32,766 bound parameters). */
  rowsPerStatement?: number;
  /** MySQL: statement size cap in bytes, under max_allowed_packet (16 MiB by default). */
  maxStatementBytes?: number;
  /** Rows written between commits. */
  rowsPerTransaction?: number;
  /** MySQL: statements in flight on the connection while the next one is built. */
  pipeline?: number;
  /** SQLite: page cache while seeding (KiB); the previous setting is restored by finish(). */
  sqliteCacheKiB?: number;
  /**
   * MySQL: skip foreign key and unique checks in this session while loading (as mysqldump files do).
   * Only for generators that produce consistent rows by construction. Default false.
   */
  mysqlSkipChecks?: boolean;
}

const SQLITE_MAX_PARAMS = 32766;

/**
 * Multi-row INSERTs in big batches inside transactions, on one connection of the DataSource.
 * MySQL/MariaDB gets literal SQL (escaped here) and keeps a few statements in flight so building the
 * next batch overlaps the server's work; SQLite gets bound parameters through TypeORM's statement
 * cache (full batches reuse one prepared statement). Callers insert parents before children, so
 * foreign keys stay checked and consistent.
 */
export class BulkInserter {
  readonly mysql: boolean;
  private inflight: Promise<unknown>[] = [];
  private failure: unknown = null;
  private rowsInTx = 0;
  private inTx = false;
  private previousCacheSize: number | null = null;
  private readonly opts: Required<BulkInserterOptions>;

  private constructor(
    private readonly qr: QueryRunner,
    mysql: boolean,
    opts: BulkInserterOptions,
  ) {
    this.mysql = mysql;
    this.opts = {
      rowsPerStatement: opts.rowsPerStatement ?? 2000,
      maxStatementBytes: opts.maxStatementBytes ?? 4 * 1024 * 1024,
      rowsPerTransaction: opts.rowsPerTransaction ?? 50_000,
      pipeline: opts.pipeline ?? 2,
      sqliteCacheKiB: opts.sqliteCacheKiB ?? 256 * 1024,
      mysqlSkipChecks: opts.mysqlSkipChecks ?? false,
    };
  }

  static async open(ds: DataSource, opts: BulkInserterOptions = {}): Promise<BulkInserter> {
    const qr = ds.createQueryRunner("master");
    await qr.connect();
    const ins = new BulkInserter(qr, ds.options.type === "mysql", opts);
    if (!ins.mysql) {
      const rows = (await qr.query("PRAGMA cache_size")) as { cache_size: number }[];
      ins.previousCacheSize = rows[0]?.cache_size ?? null;
      await qr.query(`PRAGMA cache_size = -${ins.opts.sqliteCacheKiB}`);
    } else if (ins.opts.mysqlSkipChecks) {
      await qr.query("SET SESSION foreign_key_checks = 0, unique_checks = 0");
    }
    return ins;
  }

  /** Plain query on the inserter's connection (after everything queued so far). */
  async query<T = unknown>(sql: string, params: unknown[] = []): Promise<T> {
    await this.drain();
    return (await this.qr.query(sql, params)) as T;
  }

  async insert(table: string, columns: readonly string[], rows: readonly (readonly SqlValue[])[]): Promise<void> {
    if (rows.length === 0) return;
    if (!this.inTx) await this.begin();
    if (this.mysql) await this.insertMysql(table, columns, rows);
    else await this.insertSqlite(table, columns, rows);
    this.rowsInTx += rows.length;
  }

  /** Commits when enough rows were written since the last commit. Call between consistent chunks. */
  async checkpoint(): Promise<void> {
    if (this.inTx && this.rowsInTx >= this.opts.rowsPerTransaction) await this.commit();
  }

  /** Commits what is left, restores settings and releases the connection. */
  async finish(): Promise<void> {
    try {
      if (this.inTx) await this.commit();
      await this.restore();
    } finally {
      await this.abort();
    }
  }

  /** Rolls back the open transaction (if any) and releases the connection. Safe to call twice. */
  async abort(): Promise<void> {
    if (this.qr.isReleased) return;
    await Promise.allSettled(this.inflight);
    this.inflight = [];
    if (this.inTx) await this.qr.query("ROLLBACK").catch(() => undefined);
    this.inTx = false;
    await this.restore().catch(() => undefined);
    await this.qr.release();
  }

  private async restore(): Promise<void> {
    if (this.mysql && this.opts.mysqlSkipChecks) await this.qr.query("SET SESSION foreign_key_checks = 1, unique_checks = 1");
    if (!this.mysql && this.previousCacheSize != null) {
      await this.qr.query(`PRAGMA cache_size = ${this.previousCacheSize}`);
      this.previousCacheSize = null;
    }
  }

  private async begin(): Promise<void> {
    await this.drain();
    await this.qr.query(this.mysql ? "START TRANSACTION" : "BEGIN");
    this.inTx = true;
    this.rowsInTx = 0;
  }

  private async commit(): Promise<void> {
    await this.drain();
    await this.qr.query("COMMIT");
    this.inTx = false;
    this.rowsInTx = 0;
  }

  private async drain(): Promise<void> {
    await Promise.all(this.inflight);
    this.inflight = [];
    if (this.failure) throw this.failure;
  }

  private async send(sql: string): Promise<void> {
    if (this.failure) throw this.failure;
    const p = this.qr.query(sql).catch((err: unknown) => {
      this.failure ??= err;
    });
    this.inflight.push(p);
    while (this.inflight.length > this.opts.pipeline) await this.inflight.shift();
    if (this.failure) throw this.failure;
  }

  private async insertMysql(table: string, columns: readonly string[], rows: readonly (readonly SqlValue[])[]): Promise<void> {
    const head = `INSERT INTO \`${table}\` (${columns.map((c) => `\`${c}\``).join(",")}) VALUES `;
    let parts: string[] = [];
    let bytes = head.length;
    for (const row of rows) {
      let s = "(";
      for (let i = 0; i < row.length; i++) s += (i ? "," : "") + mysqlLiteral(row[i]!);
      s += ")";
      if (parts.length > 0 && (parts.length >= this.opts.rowsPerStatement || bytes + s.length + 1 > this.opts.maxStatementBytes)) {
        await this.send(head + parts.join(","));
        parts = [];
        bytes = head.length;
      }
      parts.push(s);
      bytes += s.length + 1;
    }
    if (parts.length) await this.send(head + parts.join(","));
  }

  private async insertSqlite(table: string, columns: readonly string[], rows: readonly (readonly SqlValue[])[]): Promise<void> {
    const per = Math.max(1, Math.min(this.opts.rowsPerStatement, Math.floor(SQLITE_MAX_PARAMS / columns.length)));
    const head = `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(",")}) VALUES `;
    const tuple = `(${columns.map(() => "?").join(",")})`;
    for (let start = 0; start < rows.length; start += per) {
      const batch = rows.slice(start, start + per);
      const params: SqlValue[] = [];
      for (const row of batch) for (const v of row) params.push(typeof v === "boolean" ? (v ? 1 : 0) : v);
      await this.qr.query(head + new Array(batch.length).fill(tuple).join(","), params);
    }
  }
}

const NEEDS_ESCAPE = /[\0\b\t\n\r\x1a"'\\]/;
const ESCAPES: Record<string, string> = { "\0": "\\0", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\x1a": "\\Z", '"': '\\"', "'": "\\'", "\\": "\\\\" };

export function mysqlLiteral(v: SqlValue): string {
  if (v === null) return "NULL";
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new Error(`not a finite number: ${v}`);
    return String(v);
  }
  if (typeof v === "boolean") return v ? "1" : "0";
  if (!NEEDS_ESCAPE.test(v)) return `'${v}'`;
  return `'${v.replace(/[\0\b\t\n\r\x1a"'\\]/g, (c) => ESCAPES[c]!)}'`;
}

const DAY_MS = 86_400_000;
const pad2 = (n: number) => (n < 10 ? "0" : "") + n;

/** UTC time as TypeORM writes datetime(3) on both engines: "YYYY-MM-DD HH:MM:SS.mmm" (arithmetic only: millions of calls). */
export function sqlTime(ms: number): string {
  const t = Math.floor(ms);
  const days = Math.floor(t / DAY_MS);
  // civil_from_days (H. Hinnant), proleptic Gregorian calendar
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const mo = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (mo <= 2 ? 1 : 0);
  let rest = t - days * DAY_MS;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const sec = Math.floor(rest / 1000);
  const milli = rest - sec * 1000;
  return `${y}-${pad2(mo)}-${pad2(d)} ${pad2(h)}:${pad2(m)}:${pad2(sec)}.${milli < 10 ? "00" : milli < 100 ? "0" : ""}${milli}`;
}
