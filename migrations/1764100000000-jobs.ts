import { Table, type MigrationInterface, type QueryRunner } from "typeorm";
import { col } from "./columns.js";

/**
 * The job table of our agenda backend (server/jobs/agenda-backend) and its event log.
 * One row per agenda job; the columns follow agenda's JobParameters, plus what locking and
 * uniqueness need on SQL:
 * - neg_priority = -priority, so "next_run_at ASC, priority DESC" is one ascending index scan
 *   (neither the Table API nor MariaDB < 10.8 has descending index keys);
 * - lock_token names the lock holder, so a worker that lost its (expired) lock cannot clear
 *   the lock of the worker that took the job over;
 * - unique_key is a hash of the job name and agenda's `unique` object (or of the name alone for
 *   `single` jobs, e.g. every()): the unique index is what makes concurrent saves collapse into
 *   one row;
 * - schedule_rev counts saves that changed next_run_at, so a worker finishing a run does not
 *   overwrite a reschedule made while it ran.
 * Indexes: (name, next_run_at) for queries by name; (name, disabled, locked_at, next_run_at,
 * neg_priority) is the lock path: "due and unlocked" and "lock expired" are both range scans
 * of it in the order jobs are taken, so `FOR UPDATE SKIP LOCKED … LIMIT 1` reads and locks only
 * the rows it takes.
 */
export class Jobs1764100000000 implements MigrationInterface {
  name = "Jobs1764100000000";

  async up(qr: QueryRunner): Promise<void> {
    const c = col(qr);
    await qr.createTable(
      new Table({
        name: "jobs",
        columns: [
          c.id(),
          c.varchar("name", 200),
          c.int("priority", false, "0"),
          c.int("neg_priority", false, "0"),
          c.time("next_run_at", true),
          c.varchar("type", 10, false, "'normal'"),
          c.time("locked_at", true),
          c.varchar("lock_token", 32, true),
          c.time("last_run_at", true),
          c.time("last_finished_at", true),
          c.time("failed_at", true),
          c.int("fail_count", true),
          c.text("fail_reason", true),
          c.varchar("repeat_interval", 255, true),
          c.varchar("repeat_timezone", 100, true),
          c.varchar("repeat_at", 255, true),
          c.longText("data", true),
          c.bool("disabled", false),
          { name: "progress", type: "double", isNullable: true },
          c.bool("fork", false),
          c.varchar("last_modified_by", 200, true),
          c.time("debounce_started_at", true),
          c.time("start_date", true),
          c.time("end_date", true),
          c.varchar("skip_days", 32, true),
          c.varchar("unique_key", 64, true),
          c.int("schedule_rev", false, "0"),
          c.time("created_at"),
          c.time("updated_at"),
        ],
        indices: [
          { name: "ix_jobs_name_next_run", columnNames: ["name", "next_run_at"] },
          { name: "ix_jobs_lock", columnNames: ["name", "disabled", "locked_at", "next_run_at", "neg_priority"] },
          { name: "uq_jobs_unique_key", columnNames: ["unique_key"], isUnique: true },
        ],
      }),
    );
    await qr.createTable(
      new Table({
        name: "job_logs",
        columns: [
          c.id(),
          c.time("logged_at"),
          c.varchar("level", 8),
          c.varchar("event", 32),
          c.varchar("job_id", 64, true),
          c.varchar("job_name", 200),
          c.text("message"),
          c.int("duration", true),
          c.text("error", true),
          c.int("fail_count", true),
          c.int("retry_delay", true),
          c.int("retry_attempt", true),
          c.varchar("agenda_name", 200, true),
          c.text("meta", true),
        ],
        indices: [
          { name: "ix_job_logs_logged_at", columnNames: ["logged_at"] },
          { name: "ix_job_logs_job_id", columnNames: ["job_id", "logged_at"] },
          { name: "ix_job_logs_job_name", columnNames: ["job_name", "logged_at"] },
        ],
      }),
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable("job_logs", true);
    await qr.dropTable("jobs", true);
  }
}
