// A second worker process for scale.test.ts: the test spawns it with
//   node --import tsx server/jobs/agenda-backend/testing/worker.ts <mode> …
// and ADUAN_TEST_DB (JSON DataSourceSettings of an already migrated database), and talks to it
// over the IPC channel.
//
// Modes:
//   hang <jobName> <lockLifetimeMs>   starts a scheduler that runs <jobName>; the handler reports
//                                     {type:"started", id, data} and never returns (the test
//                                     SIGKILLs the process while the job runs)
//   run <jobName> <maxConcurrency>    defines <jobName> as worker "C"; on {type:"go"} starts and
//                                     reports {type:"ran", id, i} for every run; on {type:"stop"}
//                                     stops and reports {type:"stopped"}
//   save                              opens its own connection, reports {type:"ready"}, then on
//                                     {type:"go", count} fires `count` concurrent saves of each
//                                     kind of unique job at once and reports {type:"saved", ids}
import { createDataSource, type DataSourceSettings } from "../../../config/data-source.js";
import { Db } from "../../../lib/db.js";
import { createScheduler } from "../../scheduler.js";
import { concurrentSaves, type SaveMessage } from "./saves.js";

const send = (msg: unknown) => process.send?.(msg);
const settings = JSON.parse(process.env.ADUAN_TEST_DB ?? "null") as DataSourceSettings | null;
if (!settings || !process.send) {
  console.error("worker.ts is started by scale.test.ts (ADUAN_TEST_DB and an IPC channel)");
  process.exit(2);
}

const ds = createDataSource(settings);
await ds.initialize();
const db = new Db(ds);
const [mode, ...args] = process.argv.slice(2);

if (mode === "hang") {
  const [jobName, lockLifetime] = args;
  const scheduler = createScheduler({ db, name: `child:${process.pid}`, processEvery: 50 });
  scheduler.define(
    jobName,
    async (data, ctx) => {
      send({ type: "started", id: ctx.id, data });
      await new Promise(() => {}); // hangs until the test kills this process
    },
    { lockLifetime: Number(lockLifetime) },
  );
  await scheduler.start();
  send({ type: "ready" });
} else if (mode === "run") {
  const [jobName, maxConcurrency] = args;
  const scheduler = createScheduler({ db, name: "C", processEvery: 100, maxConcurrency: Number(maxConcurrency), defaultConcurrency: Number(maxConcurrency) });
  scheduler.define<{ i: number }>(jobName, async (data, ctx) => {
    send({ type: "ran", id: ctx.id, i: data.i });
    await new Promise((r) => setTimeout(r, data.i % 3));
  });
  process.on("message", (msg: { type: string }) => {
    if (msg.type === "go") void scheduler.start().then(() => send({ type: "started" }));
    if (msg.type === "stop") void scheduler.stop().then(() => send({ type: "stopped" }));
  });
  send({ type: "ready" });
} else if (mode === "save") {
  const scheduler = createScheduler({ db, name: `child:${process.pid}` });
  process.on("message", (msg: SaveMessage) => {
    if (msg.type !== "go") return;
    concurrentSaves(scheduler, "child", msg.count).then(
      (ids) => {
        send({ type: "saved", ids });
        void db.close().then(() => process.exit(0));
      },
      (err: unknown) => {
        send({ type: "error", message: String((err as Error)?.stack ?? err) });
        process.exit(1);
      },
    );
  });
  send({ type: "ready" });
} else {
  console.error(`unknown mode ${mode}`);
  process.exit(2);
}
