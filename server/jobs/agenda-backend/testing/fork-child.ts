// agenda's fork helper for agenda.test.ts: a job saved with forkMode(true) runs in a child
// process that agenda starts as
//   fork(<this file>, [jobName, jobId, definitionFile], forkHelper.options)
// with ADUAN_TEST_DB (JSON DataSourceSettings of an already migrated database) in its env.
// The job fails here, and the child reports the error to the parent over IPC the way agenda's
// documented helper does: as JSON, which the parent parses back into a plain object and
// records as the job's failReason.
import { Agenda } from "agenda";
import { createDataSource, type DataSourceSettings } from "../../../config/data-source.js";
import { Db } from "../../../lib/db.js";
import { SqlBackend } from "../sql-backend.js";

const settings = JSON.parse(process.env.ADUAN_TEST_DB ?? "null") as DataSourceSettings | null;
const [name, jobId] = process.argv.slice(2);
if (!settings || !process.send || !name || !jobId) {
  console.error("fork-child.ts is started by agenda in agenda.test.ts (ADUAN_TEST_DB, an IPC channel, job name and id)");
  process.exit(2);
}

const ds = createDataSource(settings);
await ds.initialize();
const db = new Db(ds);
let code = 0;
try {
  const agenda = new Agenda({ backend: new SqlBackend(db), name: `fork-child:${process.pid}`, forkedWorker: true });
  await agenda.ready;
  agenda.define(name, async () => {
    throw Object.assign(new Error("the forked child failed"), { code: "E_CHILD" });
  });
  await agenda.runForkedJob(jobId);
} catch (err) {
  const e = err as Error & { code?: string };
  await new Promise<void>((resolve) => process.send!(JSON.stringify({ message: e.message, code: e.code }), () => resolve()));
  code = 1;
}
await db.close();
process.exit(code);
