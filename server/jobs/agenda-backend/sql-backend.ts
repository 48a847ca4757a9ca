import type { AgendaBackend } from "agenda";
import type { Db } from "../../lib/db.js";
import { SqlJobLogger } from "./job-logger.js";
import { SqlJobRepository } from "./job-repository.js";
import { SqlRunner } from "./sql.js";

/**
 * An agenda v6 backend on the app's own database (SQLite or MySQL 8 / MariaDB), through the
 * TypeORM DataSource the app already has; the tables come from migration 1764100000000-jobs.
 *
 * Storage and the job event log only: there is no notification channel (SQL has no portable
 * LISTEN/NOTIFY), so workers find new jobs by polling every `processEvery` ms.
 * The backend never owns the connection: agenda.stop() leaves the DataSource open, and
 * jobs still running after a stop can record their end.
 *
 * Only `import type` from agenda here: scheduler.ts is the one module that loads agenda.
 */
export class SqlBackend implements AgendaBackend {
  readonly name: string;
  readonly repository: SqlJobRepository;
  readonly logger: SqlJobLogger;
  readonly ownsConnection = false;

  /** prefetch: due jobs per lock transaction (see SqlJobRepository); 1 by default. */
  constructor(db: Db, opts: { expiredLockCheckMs?: number; prefetch?: number } = {}) {
    const sql = new SqlRunner(db);
    this.name = db.dialect === "mysql" ? "SQL (MySQL/MariaDB)" : "SQL (SQLite)";
    this.repository = new SqlJobRepository(sql, opts.expiredLockCheckMs, opts.prefetch);
    this.logger = new SqlJobLogger(sql);
  }

  connect(): Promise<void> {
    return this.repository.connect();
  }

  async disconnect(): Promise<void> {
    // The DataSource belongs to the app.
  }
}
