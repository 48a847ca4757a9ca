// One worker process of the job throughput benchmark (job-throughput.ts starts two of them):
//   node --import tsx bench/support/job-worker.ts
// with BENCH_JOB_WORKER (JSON WorkerConfig) in the environment and an IPC channel.
//
// Modes:
//   agenda  a scheduler (server/jobs/scheduler.ts: agenda over our SQL backend) on its own
//           DataSource; runs the one-off jobs named `jobName`; a job counts once agenda emits
//           "complete" (its end saved and its lock released)
//   bare    a loop claiming one row of bench_claims per transaction, on the backend's own
//           transaction path (SqlRunner.tx: READ COMMITTED, retried on deadlocks):
//             SELECT id FROM bench_claims WHERE done = 0 ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED
//             UPDATE bench_claims SET done = 1, worker = ?, done_at = ? WHERE id = ?
//           until no row is left
// Protocol: sends {type:"ready"}; on {type:"go"} starts and sends {type:"progress", done, lastAt}
// every 50 ms while it has news; on {type:"stop"} (agenda) or when the table is empty (bare) sends
// {type:"result", done, firstAt, lastAt, ids, cpuMs} and exits.
import type { JobWithId } from "agenda";
import { createDataSource, type DataSourceSettings } from "../../server/config/data-source.js";
import { createScheduler } from "../../server/jobs/scheduler.js";
import { SqlRunner, toSqlTime } from "../../server/jobs/agenda-backend/sql.js";
import { Db } from "../../server/lib/db.js";

export interface WorkerConfig {
  mode: "agenda" | "bare";
  name: string;
  settings: DataSourceSettings;
  jobName: string;
  /** agenda: what the handler does: nothing, or UPDATE bench_claims SET done = 1 for its row. */
  handler: "noop" | "update";
  agenda: { processEvery: number; maxConcurrency: number; concurrency: number; lockLimit: number };
}

const send = (msg: unknown) => process.send?.(msg);
const cfg = JSON.parse(process.env.BENCH_JOB_WORKER ?? "null") as WorkerConfig | null;
if (!cfg || !process.send) {
  console.error("job-worker.ts is started by bench/support/job-throughput.ts (BENCH_JOB_WORKER and an IPC channel)");
  process.exit(2);
}

const ds = createDataSource(cfg.settings);
await ds.initialize();
const db = new Db(ds);
const ids: number[] = [];
/** CPU time of this process from "go" to the end. */
let cpuAtGo: NodeJS.CpuUsage | undefined;
let lastAt = 0;
let firstAt = 0;
let reported = 0;
const ticker = setInterval(() => {
  if (ids.length === reported) return;
  reported = ids.length;
  send({ type: "progress", done: ids.length, lastAt });
}, 50);
const finish = async () => {
  clearInterval(ticker);
  const cpu = process.cpuUsage(cpuAtGo);
  send({ type: "result", done: ids.length, firstAt, lastAt, ids, cpuMs: (cpu.user + cpu.system) / 1000 });
  await db.close().catch(() => undefined);
  process.exit(0);
};
const fail = (err: unknown) => {
  send({ type: "error", message: String((err as Error)?.stack ?? err) });
  process.exit(1);
};

if (cfg.mode === "agenda") {
  const a = cfg.agenda;
  const scheduler = createScheduler({
    db,
    name: cfg.name,
    processEvery: a.processEvery,
    maxConcurrency: a.maxConcurrency,
    defaultConcurrency: a.concurrency,
    lockLimit: a.lockLimit,
  });
  const sql = new SqlRunner(db);
  scheduler.define<{ i: number }>(cfg.jobName, async (data) => {
    if (cfg.handler === "update") await sql.run("UPDATE bench_claims SET done = 1, worker = ?, done_at = ? WHERE id = ?", [cfg.name, toSqlTime(new Date()), data.i]);
  });
  scheduler.agenda.on("complete", (job: JobWithId) => {
    ids.push(Number((job.attrs.data as { i?: number } | undefined)?.i ?? -1));
    lastAt = Date.now();
    firstAt ||= lastAt;
  });
  scheduler.agenda.on("error", (err: Error) => console.error(`[${cfg.name}] agenda error: ${err.message}`));
  process.on("message", (msg: { type: string }) => {
    if (msg.type === "go") {
      cpuAtGo = process.cpuUsage();
      scheduler.start().catch(fail);
    }
    if (msg.type === "stop") scheduler.stop({ graceMs: 5000 }).then(finish, fail);
  });
  send({ type: "ready" });
} else {
  const sql = new SqlRunner(db);
  const loop = async () => {
    for (;;) {
      const id = await sql.tx(async (q) => {
        const [row] = await q.rows<{ id: number }>("SELECT id FROM bench_claims WHERE done = 0 ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED");
        if (!row) return null;
        await q.run("UPDATE bench_claims SET done = 1, worker = ?, done_at = ? WHERE id = ?", [cfg.name, toSqlTime(new Date()), row.id]);
        return Number(row.id);
      });
      if (id === null) return;
      ids.push(id);
      lastAt = Date.now();
      firstAt ||= lastAt;
    }
  };
  process.on("message", (msg: { type: string }) => {
    if (msg.type === "go") {
      cpuAtGo = process.cpuUsage();
      loop().then(finish, fail);
    }
  });
  send({ type: "ready" });
}
