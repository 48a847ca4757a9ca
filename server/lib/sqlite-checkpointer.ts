// SQLite's WAL checkpoints on a thread of their own, off the thread that serves HTTP.
//
// In WAL mode a commit appends pages to the log; now and then the log is copied back into the
// database file and both are flushed to disk (a checkpoint). By default the connection that commits
// does that itself, whenever the log has grown past 1,000 pages: on our single connection, the
// HTTP thread. Measured under the ingest benchmark it was about half of each COMMIT's time (0.36 of
// 0.68 ms per batch, an fsync included), while every request waited.
//
// Here a worker thread holds a second connection and runs passive checkpoints every
// CHECKPOINT_EVERY_MS. A passive checkpoint never blocks the writer nor waits for it: it copies
// what has been committed and no reader still needs. The main connection keeps its own automatic
// checkpoint only as a backstop (BACKSTOP_PAGES), should the thread fall behind or fail.
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type { DataSource } from "typeorm";
import type { Logger } from "./logger.js";

/** How often the thread checkpoints. At 3,000 messages/s that is about 20 batches' pages. */
export const CHECKPOINT_EVERY_MS = 100;
/** The main connection's automatic checkpoint, kept as a backstop: about 40 MB of log (4 kB pages). */
export const BACKSTOP_PAGES = 10_000;
/** SQLite's default, restored when the thread fails. */
const DEFAULT_AUTOCHECKPOINT_PAGES = 1_000;

// Plain CommonJS, evaluated as the worker's source: the same code whether the server runs from
// TypeScript (tsx) or compiled, with no second file to ship.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
let timer;
const tick = () => {
  try {
    const [r] = db.pragma("wal_checkpoint(PASSIVE)");
    parentPort.postMessage({ kind: "checkpoint", log: r.log, checkpointed: r.checkpointed });
  } catch (err) {
    parentPort.postMessage({ kind: "error", message: String(err && err.message || err) });
  }
  timer = setTimeout(tick, workerData.everyMs);
};
parentPort.on("message", (m) => {
  if (m !== "stop") return;
  clearTimeout(timer);
  db.close();
  parentPort.close();
});
tick();
`;

interface SqliteConnection {
  pragma(sql: string): unknown;
  readonly name: string;
  readonly memory: boolean;
}

export interface SqliteCheckpointer {
  /** Checkpoints run so far by the thread, and the last one's log size and pages copied. */
  readonly stats: { runs: number; errors: number; lastLogPages: number; lastCheckpointed: number };
  stop(): Promise<void>;
}

/**
 * Starts the checkpoint thread for a SQLite DataSource on a file (null for MySQL/MariaDB and for an
 * in-memory database, which has no log). Stop it before the process exits; the DataSource may be
 * closed before or after.
 */
export function startSqliteCheckpointer(ds: DataSource, logger: Logger, everyMs = CHECKPOINT_EVERY_MS): SqliteCheckpointer | null {
  if (ds.options.type !== "better-sqlite3") return null;
  const conn = (ds.driver as unknown as { databaseConnection?: SqliteConnection }).databaseConnection;
  if (!conn || conn.memory) return null;
  const driver = createRequire(import.meta.url).resolve("better-sqlite3");
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, path: conn.name, everyMs } });
  const stats = { runs: 0, errors: 0, lastLogPages: 0, lastCheckpointed: 0 };
  conn.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
  let failed = false;
  const fail = (err: unknown) => {
    if (failed) return;
    failed = true;
    // Back to SQLite's own checkpoints on the main connection: slower commits, nothing lost.
    if (ds.isInitialized) conn.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`);
    logger.warn({ err }, "SQLite checkpoint thread failed; the main connection checkpoints again");
  };
  worker.on("message", (m: { kind: "checkpoint"; log: number; checkpointed: number } | { kind: "error"; message: string }) => {
    if (m.kind === "checkpoint") {
      stats.runs++;
      stats.lastLogPages = m.log;
      stats.lastCheckpointed = m.checkpointed;
    } else {
      stats.errors++;
      // A busy database is a normal passing state; anything else repeated means the thread is useless.
      if (stats.errors >= 10 && stats.errors > stats.runs) fail(new Error(m.message));
    }
  });
  worker.on("error", fail);
  const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
  worker.unref();
  return {
    stats,
    async stop() {
      worker.postMessage("stop");
      const timeout = setTimeout(() => void worker.terminate(), 5_000);
      await exited;
      clearTimeout(timeout);
    },
  };
}
