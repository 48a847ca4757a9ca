// The JobRepository contract, after agenda's shared backend suite (packages/agenda/test/shared/
// repository-test-suite.ts and debounce-test-suite.ts), plus what our SQL design promises:
// lock tokens, schedule revisions, unique keys under concurrency, SQL job states.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { computeJobState, type JobParameters, type JobState } from "agenda";
import { testTargets } from "../../../test/support/databases.js";
import type { SqlJobRepository } from "./job-repository.js";
import { SqlBackend } from "./sql-backend.js";
import { SqlRunner } from "./sql.js";
import { openFixture, type BackendFixture, delay } from "./test-support.js";

const ago = (ms: number) => new Date(Date.now() - ms);
const ahead = (ms: number) => new Date(Date.now() + ms);

function job(over: Partial<JobParameters> & { name: string }): JobParameters {
  return { priority: 0, nextRunAt: new Date(), type: "normal", data: {}, ...over };
}

const window = () => {
  const now = new Date();
  return { now, nextScanAt: new Date(now.getTime() + 5000), lockDeadline: new Date(now.getTime() - 600_000) };
};

for (const target of await testTargets({ cluster: true })) {
  describe(`SqlJobRepository on ${target.name}`, () => {
    let fx: BackendFixture;
    let repo: SqlJobRepository;

    before(async () => {
      fx = await openFixture(target, { expiredLockCheckMs: 0 });
      repo = fx.backend.repository;
    });
    after(() => fx.t.destroy());
    beforeEach(() => fx.clear());

    describe("saveJob", () => {
      it("saves a new job and assigns an id", async () => {
        const saved = await repo.saveJob(job({ name: "test-job", priority: 10, data: { foo: "bar" } }), undefined);
        assert.ok(saved._id);
        assert.equal(saved.name, "test-job");
        assert.equal(saved.priority, 10);
        assert.equal(saved.type, "normal");
        assert.deepEqual(saved.data, { foo: "bar" });
      });

      it("updates an existing job by id", async () => {
        const saved = await repo.saveJob(job({ name: "update-test", priority: 5, data: { version: 1 } }), undefined);
        const updated = await repo.saveJob({ ...saved, priority: 20, data: { version: 2 } }, { lastModifiedBy: "w1" });
        assert.equal(updated._id, saved._id);
        assert.equal(updated.priority, 20);
        assert.deepEqual(updated.data, { version: 2 });
        assert.equal(updated.lastModifiedBy, "w1");
        assert.equal((await repo.queryJobs({ name: "update-test" })).total, 1);
      });

      it("returns the job unchanged when it was removed before an update", async () => {
        const saved = await repo.saveJob(job({ name: "gone" }), undefined);
        await repo.removeJobs({ id: saved._id });
        const again = await repo.saveJob({ ...saved, priority: 3 }, undefined);
        assert.equal(again.priority, 3);
        assert.equal(await repo.getJobById(String(saved._id)), null);
      });

      it("upserts single jobs by name", async () => {
        const later = ahead(120_000);
        const s1 = await repo.saveJob(job({ name: "single-job", type: "single", priority: 5, nextRunAt: ahead(60_000), data: { run: 1 } }), undefined);
        const s2 = await repo.saveJob(job({ name: "single-job", type: "single", priority: 10, nextRunAt: later, data: { run: 2 } }), undefined);
        assert.equal(s2._id, s1._id);
        assert.equal(s2.priority, 10);
        assert.deepEqual(s2.data, { run: 2 });
        assert.equal(s2.nextRunAt?.getTime(), later.getTime(), "a future time replaces the old one");
        assert.equal((await repo.queryJobs({ name: "single-job" })).total, 1);
      });

      it("keeps a single job's next run when re-saved with a due time (every() at each boot)", async () => {
        const first = await repo.saveJob(job({ name: "sweep", type: "single", repeatInterval: "5 minutes", nextRunAt: ahead(300_000) }), undefined);
        const again = await repo.saveJob(job({ name: "sweep", type: "single", repeatInterval: "10 minutes", nextRunAt: new Date() }), undefined);
        assert.equal(again._id, first._id);
        assert.equal(again.nextRunAt?.getTime(), first.nextRunAt?.getTime());
        assert.equal(again.repeatInterval, "10 minutes");
      });

      it("keeps an operator's disable across single re-saves that do not mention it", async () => {
        const first = await repo.saveJob(job({ name: "sweep", type: "single", repeatInterval: "5 minutes" }), undefined);
        await repo.disableJobs({ name: "sweep" });
        const again = await repo.saveJob(job({ name: "sweep", type: "single", repeatInterval: "5 minutes" }), undefined);
        assert.equal(again._id, first._id);
        assert.equal(again.disabled, true);
        const enabled = await repo.saveJob(job({ name: "sweep", type: "single", repeatInterval: "5 minutes", disabled: false }), undefined);
        assert.equal(enabled.disabled, false);
      });

      it("preserves the disabled flag", async () => {
        const saved = await repo.saveJob(job({ name: "disabled-job", disabled: true }), undefined);
        assert.equal(saved.disabled, true);
        assert.equal((await repo.getJobById(String(saved._id)))?.disabled, true);
      });

      it("round-trips every field agenda stores", async () => {
        const start = new Date("2030-01-02T03:04:05.678Z");
        const saved = await repo.saveJob(
          job({
            name: "fields",
            priority: -10,
            nextRunAt: new Date("2030-01-01T00:00:00.001Z"),
            repeatInterval: 60_000,
            repeatTimezone: "Asia/Jakarta",
            repeatAt: "3:30pm",
            data: { nested: { list: [1, "dua", null, true] }, text: "Pengaduan jalan rusak — ñ ✓" },
            fork: true,
            startDate: start,
            endDate: new Date("2031-01-01T00:00:00.000Z"),
            skipDays: [0, 6],
          }),
          { lastModifiedBy: "api-1" },
        );
        const got = (await repo.getJobById(String(saved._id)))!;
        assert.equal(got.priority, -10);
        assert.equal(got.nextRunAt?.toISOString(), "2030-01-01T00:00:00.001Z");
        assert.equal(got.repeatInterval, 60_000);
        assert.equal(got.repeatTimezone, "Asia/Jakarta");
        assert.equal(got.repeatAt, "3:30pm");
        assert.deepEqual(got.data, { nested: { list: [1, "dua", null, true] }, text: "Pengaduan jalan rusak — ñ ✓" });
        assert.equal(got.fork, true);
        assert.equal(got.startDate?.toISOString(), start.toISOString());
        assert.equal(got.endDate?.toISOString(), "2031-01-01T00:00:00.000Z");
        assert.deepEqual(got.skipDays, [0, 6]);
        assert.equal(got.lastModifiedBy, "api-1");
        assert.equal(got.disabled, false);
      });

      it("keeps missing data apart from null data", async () => {
        const none = await repo.saveJob({ name: "no-data", priority: 0, nextRunAt: null, type: "normal", data: undefined }, undefined);
        const nul = await repo.saveJob(job({ name: "null-data", data: null }), undefined);
        assert.equal((await repo.getJobById(String(none._id)))?.data, undefined);
        assert.equal((await repo.getJobById(String(nul._id)))?.data, null);
      });
    });

    describe("getJobById", () => {
      it("returns a job by id", async () => {
        const saved = await repo.saveJob(job({ name: "get-by-id-test", priority: 5, data: { key: "value" } }), undefined);
        const got = await repo.getJobById(String(saved._id));
        assert.equal(got?._id, saved._id);
        assert.deepEqual(got?.data, { key: "value" });
      });

      it("returns null for a removed or malformed id", async () => {
        const saved = await repo.saveJob(job({ name: "temp-job" }), undefined);
        await repo.removeJobs({ id: saved._id });
        assert.equal(await repo.getJobById(String(saved._id)), null);
        assert.equal(await repo.getJobById("not-an-id"), null);
        assert.equal(await repo.getJobById("1; DROP TABLE jobs"), null);
      });
    });

    describe("queryJobs", () => {
      beforeEach(async () => {
        await repo.saveJob(job({ name: "job-a", priority: 10, nextRunAt: ahead(60_000), data: { type: "alpha", count: 1, tags: ["x", "y"] } }), undefined);
        await repo.saveJob(job({ name: "job-b", priority: 5, nextRunAt: ahead(120_000), data: { type: "beta", count: 2 } }), undefined);
        await repo.saveJob(job({ name: "job-a", priority: 15, nextRunAt: ahead(180_000), data: { type: "alpha", count: 3 } }), undefined);
      });

      it("queries all, by name, by names and by search", async () => {
        assert.equal((await repo.queryJobs()).total, 3);
        const a = await repo.queryJobs({ name: "job-a" });
        assert.equal(a.total, 2);
        assert.ok(a.jobs.every((j) => j.name === "job-a"));
        assert.equal((await repo.queryJobs({ names: ["job-a", "job-b"] })).total, 3);
        assert.equal((await repo.queryJobs({ search: "job" })).total, 3);
        assert.equal((await repo.queryJobs({ search: "-B" })).total, 1, "search ignores case");
        assert.equal((await repo.queryJobs({ search: "%" })).total, 0, "search treats % literally");
      });

      it("queries by id and ids", async () => {
        const { jobs } = await repo.queryJobs({ name: "job-a" });
        assert.equal((await repo.queryJobs({ id: String(jobs[0]._id) })).jobs[0]._id, jobs[0]._id);
        assert.equal((await repo.queryJobs({ ids: jobs.map((j) => String(j._id)) })).total, 2);
        assert.equal((await repo.queryJobs({ id: "nope" })).total, 0);
      });

      it("paginates with skip and limit, total before pagination", async () => {
        const page = await repo.queryJobs({ skip: 1, limit: 1 });
        assert.equal(page.jobs.length, 1);
        assert.equal(page.total, 3);
        assert.equal((await repo.queryJobs({ skip: 2 })).jobs.length, 1);
      });

      it("sorts, nulls last", async () => {
        await repo.saveJob(job({ name: "job-c", priority: 1, nextRunAt: null }), undefined);
        const byPriority = await repo.queryJobs({ sort: { priority: "desc" } });
        assert.deepEqual(byPriority.jobs.map((j) => j.priority), [15, 10, 5, 1]);
        const byNext = await repo.queryJobs({ sort: { nextRunAt: "asc" } });
        assert.deepEqual(byNext.jobs.map((j) => j.priority), [10, 5, 15, 1]);
        const defaultSort = await repo.queryJobs();
        assert.deepEqual(defaultSort.jobs.map((j) => j.priority), [15, 5, 10, 1]);
      });

      it("filters disabled jobs when includeDisabled is false", async () => {
        await repo.saveJob(job({ name: "disabled-job", disabled: true }), undefined);
        assert.equal((await repo.queryJobs({ includeDisabled: true })).total, 4);
        assert.equal((await repo.queryJobs({ includeDisabled: false })).total, 3);
        assert.equal((await repo.queryJobs({ state: "paused" })).total, 1);
      });

      it("filters by data containment, with pagination", async () => {
        const alpha = await repo.queryJobs({ data: { type: "alpha" } });
        assert.equal(alpha.total, 2);
        assert.equal((await repo.queryJobs({ data: { type: "alpha", count: 3 } })).total, 1);
        assert.equal((await repo.queryJobs({ data: { tags: ["y"] } })).total, 1);
        assert.equal((await repo.queryJobs({ data: { type: "gamma" } })).total, 0);
        const page = await repo.queryJobs({ data: { type: "alpha" }, limit: 1, skip: 1 });
        assert.equal(page.total, 2);
        assert.equal(page.jobs.length, 1);
      });

      it("filters by computed state", async () => {
        await repo.saveJob(job({ name: "q", nextRunAt: ago(1000) }), undefined);
        await repo.saveJob(job({ name: "r", nextRunAt: ago(1000), lockedAt: new Date() }), undefined);
        await repo.saveJob(job({ name: "f", nextRunAt: null, failedAt: new Date(), lastFinishedAt: new Date(), failCount: 1, failReason: "x" }), undefined);
        await repo.saveJob(job({ name: "c", nextRunAt: null, lastFinishedAt: new Date() }), undefined);
        await repo.saveJob(job({ name: "e", type: "single", repeatInterval: "1 hour", nextRunAt: ahead(3600_000) }), undefined);
        const names = async (state: JobState) =>
          (await repo.queryJobs({ state, sort: { name: "asc" } })).jobs.map((j) => `${j.name}:${j.state}`);
        assert.deepEqual(await names("scheduled"), ["job-a:scheduled", "job-a:scheduled", "job-b:scheduled"]);
        assert.deepEqual(await names("queued"), ["q:queued"]);
        assert.deepEqual(await names("running"), ["r:running"]);
        assert.deepEqual(await names("failed"), ["f:failed"]);
        assert.deepEqual(await names("completed"), ["c:completed"]);
        assert.deepEqual(await names("repeating"), ["e:repeating"]);
      });
    });

    it("computes the same states in SQL as agenda's computeJobState", async () => {
      const t = (k: number) => (k === 0 ? undefined : new Date(Date.now() + (k - 2) * 60_000));
      const cases: JobParameters[] = [];
      for (let i = 0; i < 4 ** 5; i += 7) {
        const d = [0, 1, 2, 3, 4].map((p) => Math.floor(i / 4 ** p) % 4);
        cases.push(
          job({
            name: `s${i}`,
            lockedAt: d[0] === 1 ? new Date() : undefined,
            failedAt: t(d[1]),
            lastFinishedAt: t(d[2]),
            nextRunAt: t(d[3]) ?? null,
            repeatInterval: d[4] === 1 ? "1 hour" : undefined,
          }),
        );
      }
      for (const c of cases) await repo.saveJob(c, undefined);
      const { jobs } = await repo.queryJobs();
      assert.equal(jobs.length, cases.length);
      for (const j of jobs) assert.equal(j.state, computeJobState(j), `${j.name}: ${JSON.stringify(j)}`);
    });

    describe("removeJobs / disableJobs / enableJobs / purgeAllJobs", () => {
      it("removes by name, id, ids, names, notNames and data", async () => {
        const a1 = await repo.saveJob(job({ name: "a", data: { ticket: 1 } }), undefined);
        const a2 = await repo.saveJob(job({ name: "a", data: { ticket: 2 } }), undefined);
        const b = await repo.saveJob(job({ name: "b", data: { ticket: 1 } }), undefined);
        await repo.saveJob(job({ name: "c" }), undefined);
        await repo.saveJob(job({ name: "d" }), undefined);
        assert.equal(await repo.removeJobs({ name: "a", data: { ticket: 2 } }), 1);
        assert.equal(await repo.removeJobs({ id: a1._id }), 1);
        assert.equal(await repo.removeJobs({ ids: [b._id!, a2._id!] }), 1);
        assert.equal(await repo.removeJobs({ notNames: ["c"] }), 1);
        assert.deepEqual(await repo.getDistinctJobNames(), ["c"]);
        assert.equal(await repo.removeJobs({ names: ["c", "x"] }), 1);
        assert.equal(await repo.removeJobs({ name: "non-existent" }), 0);
      });

      it("never removes everything for an empty query", async () => {
        await repo.saveJob(job({ name: "keep" }), undefined);
        assert.equal(await repo.removeJobs({}), 0);
        assert.equal(await repo.removeJobs({ notNames: [] }), 0);
        assert.equal(await repo.disableJobs({}), 0);
        assert.equal((await repo.queryJobs()).total, 1);
      });

      it("disables and enables matching jobs, counting them", async () => {
        await repo.saveJob(job({ name: "x", data: { region: "jabar" } }), undefined);
        await repo.saveJob(job({ name: "x", data: { region: "jatim" } }), undefined);
        assert.equal(await repo.disableJobs({ name: "x" }), 2);
        assert.equal((await repo.queryJobs({ includeDisabled: false })).total, 0);
        assert.equal(await repo.enableJobs({ data: { region: "jatim" } }), 1);
        assert.deepEqual((await repo.queryJobs({ includeDisabled: false })).jobs.map((j) => j.data), [{ region: "jatim" }]);
      });

      it("purges all jobs", async () => {
        await repo.saveJob(job({ name: "a" }), undefined);
        await repo.saveJob(job({ name: "b" }), undefined);
        assert.equal(await repo.purgeAllJobs(), 2);
        assert.deepEqual(await repo.getDistinctJobNames(), []);
      });
    });

    it("lists distinct names and counts the queue", async () => {
      assert.deepEqual(await repo.getDistinctJobNames(), []);
      await repo.saveJob(job({ name: "name-b", nextRunAt: ago(60_000) }), undefined);
      await repo.saveJob(job({ name: "name-a", nextRunAt: ago(30_000) }), undefined);
      await repo.saveJob(job({ name: "name-a", nextRunAt: ahead(60_000) }), undefined);
      assert.deepEqual(await repo.getDistinctJobNames(), ["name-a", "name-b"]);
      assert.equal(await repo.getQueueSize(), 2);
    });

    describe("locking", () => {
      it("locks a job once; unlock makes it lockable again", async () => {
        const saved = await repo.saveJob(job({ name: "lock-test", nextRunAt: ago(1000) }), undefined);
        const locked = await repo.lockJob(saved, undefined);
        assert.ok(locked?.lockedAt);
        assert.equal(locked._id, saved._id);
        assert.equal(await repo.lockJob(saved, undefined), undefined);
        await repo.unlockJob(locked);
        assert.equal((await repo.getJobById(String(saved._id)))?.lockedAt, undefined);
        assert.ok(await repo.lockJob(saved, undefined));
      });

      it("does not lock a job whose schedule changed or that is disabled", async () => {
        const saved = await repo.saveJob(job({ name: "moved", nextRunAt: ago(1000) }), undefined);
        await repo.saveJob({ ...saved, nextRunAt: ahead(1000) }, undefined);
        assert.equal(await repo.lockJob(saved, undefined), undefined);
        const off = await repo.saveJob(job({ name: "off", nextRunAt: ago(1000), disabled: true }), undefined);
        assert.equal(await repo.lockJob(off, undefined), undefined);
      });

      it("unlocks several jobs; unlockJob leaves a started one-off locked", async () => {
        const j1 = await repo.saveJob(job({ name: "u1", nextRunAt: ago(1000) }), undefined);
        const j2 = await repo.saveJob(job({ name: "u2", nextRunAt: ago(1000) }), undefined);
        const l1 = (await repo.lockJob(j1, undefined))!;
        await repo.lockJob(j2, undefined);
        await repo.unlockJobs([j1._id!, j2._id!]);
        assert.equal((await repo.getJobById(String(j1._id)))?.lockedAt, undefined);
        assert.equal((await repo.getJobById(String(j2._id)))?.lockedAt, undefined);
        const relocked = (await repo.lockJob(j1, undefined))!;
        await repo.saveJobState({ ...relocked, lastRunAt: new Date(), nextRunAt: null }, undefined);
        await repo.unlockJob({ ...l1, nextRunAt: null });
        assert.ok((await repo.getJobById(String(j1._id)))?.lockedAt, "a running one-off keeps its lock");
      });
    });

    describe("releasing locks after a takeover", () => {
      it("unlockJob() and unlockJobs() leave alone a lock another worker took over", async () => {
        const b = new SqlBackend(fx.t.db, { expiredLockCheckMs: 0 }).repository; // a second worker
        await repo.saveJob(job({ name: "t1", nextRunAt: ago(1000) }), undefined);
        await repo.saveJob(job({ name: "t2", nextRunAt: ago(1000) }), undefined);
        // A locked both an hour ago (expired now); B takes both over.
        const a1 = (await repo.getNextJobToRun("t1", ahead(1000), ago(60_000), ago(3600_000), undefined))!;
        const a2 = (await repo.getNextJobToRun("t2", ahead(1000), ago(60_000), ago(3600_000), undefined))!;
        const bNow = new Date();
        const b1 = (await b.getNextJobToRun("t1", ahead(1000), ago(60_000), bNow, undefined))!;
        const b2 = (await b.getNextJobToRun("t2", ahead(1000), ago(60_000), bNow, undefined))!;
        assert.deepEqual([b1._id, b2._id], [a1._id, a2._id]);
        await repo.unlockJob(a1);
        await repo.unlockJobs([a2._id!]); // what A's agenda.stop() does
        assert.ok(!repo.held.has(String(a1._id)) && !repo.held.has(String(a2._id)), "A no longer counts them as held");
        for (const id of [a1._id, a2._id]) assert.equal((await repo.getJobById(String(id)))?.lockedAt?.getTime(), bNow.getTime(), "B keeps its lock");
        await b.unlockJobs([b1._id!, b2._id!]);
        for (const id of [a1._id, a2._id]) assert.equal((await repo.getJobById(String(id)))?.lockedAt, undefined, "B's own unlock works");
      });
    });

    describe("locking ahead (prefetch)", () => {
      const lockedIds = async (name: string) =>
        (await repo.queryJobs({ name, sort: { nextRunAt: "asc" } })).jobs.filter((j) => j.lockedAt).map((j) => String(j._id));
      const seed = async (name: string, n: number) => {
        const ids: string[] = [];
        for (let i = 0; i < n; i++) ids.push(String((await repo.saveJob(job({ name, nextRunAt: ago(60_000 - i * 10) }), undefined))._id));
        return ids;
      };

      it("locks several due jobs in one transaction and hands them out one by one, in order; other workers take the rest", async () => {
        const a = new SqlBackend(fx.t.db, { expiredLockCheckMs: 0, prefetch: 4 }).repository;
        const b = new SqlBackend(fx.t.db, { expiredLockCheckMs: 0, prefetch: 4 }).repository;
        const ids = await seed("ahead", 6);
        const w = window();
        const a1 = await a.getNextJobToRun("ahead", w.nextScanAt, w.lockDeadline, w.now, undefined);
        assert.equal(String(a1?._id), ids[0]);
        assert.deepEqual(await lockedIds("ahead"), ids.slice(0, 4), "A holds the first four");
        const b1 = await b.getNextJobToRun("ahead", w.nextScanAt, w.lockDeadline, w.now, undefined);
        assert.equal(String(b1?._id), ids[4], "B skips A's four");
        for (const k of [1, 2, 3]) {
          const next = await a.getNextJobToRun("ahead", w.nextScanAt, w.lockDeadline, w.now, undefined);
          assert.equal(String(next?._id), ids[k]);
          assert.ok(next?.lockedAt, "handed out locked");
        }
        // A job handed out from the ones locked ahead runs and finishes like any other.
        const a4 = (await repo.getJobById(ids[3]!))!;
        assert.ok(a4.lockedAt);
        assert.deepEqual([...a.held.keys()].sort(), ids.slice(0, 4).sort());
        const b2 = await b.getNextJobToRun("ahead", w.nextScanAt, w.lockDeadline, w.now, undefined);
        assert.equal(String(b2?._id), ids[5]);
        await a.quiesce();
        await b.quiesce();
        await a.unlockJobs(ids.slice(0, 4));
        await b.unlockJobs(ids.slice(4));
        assert.deepEqual(await lockedIds("ahead"), []);
      });

      it("lets go of jobs locked ahead that nobody asked for within a second, so another worker runs them", async () => {
        const a = new SqlBackend(fx.t.db, { expiredLockCheckMs: 0, prefetch: 4 }).repository;
        const b = new SqlBackend(fx.t.db, { expiredLockCheckMs: 0 }).repository;
        const ids = await seed("idle", 4);
        const w = window();
        // From before A's lock: under load B's call below may take a good part of the second.
        const t0 = Date.now();
        const a1 = await a.getNextJobToRun("idle", w.nextScanAt, w.lockDeadline, w.now, undefined);
        assert.equal(String(a1?._id), ids[0]);
        assert.equal(await b.getNextJobToRun("idle", w.nextScanAt, w.lockDeadline, w.now, undefined), undefined, "all four are A's for now");
        while ((await lockedIds("idle")).length > 1 && Date.now() - t0 < 10_000) await delay(50);
        assert.deepEqual(await lockedIds("idle"), [ids[0]], "only the job A was asked for stays locked");
        assert.ok(Date.now() - t0 >= 700, "not before about a second");
        assert.deepEqual([...a.held.keys()], [ids[0]]);
        const b1 = await b.getNextJobToRun("idle", w.nextScanAt, w.lockDeadline, new Date(), undefined);
        assert.equal(String(b1?._id), ids[1]);
        await a.quiesce();
        await b.quiesce();
        await repo.unlockJobs(ids);
      });

      it("a shutdown lets go at once of the jobs locked ahead; the ones handed out stay held until they end", async () => {
        const a = new SqlBackend(fx.t.db, { expiredLockCheckMs: 0, prefetch: 8 }).repository;
        const ids = await seed("stop", 5);
        const w = window();
        const a1 = await a.getNextJobToRun("stop", w.nextScanAt, w.lockDeadline, w.now, undefined);
        assert.equal(await lockedIds("stop").then((l) => l.length), 5);
        await a.quiesce();
        assert.deepEqual(await lockedIds("stop"), [String(a1?._id)]);
        assert.deepEqual([...a.held.keys()], [String(a1?._id)]);
        assert.equal(await a.getNextJobToRun("stop", w.nextScanAt, w.lockDeadline, w.now, undefined), undefined, "no locks while closing");
        await a.unlockJobs([String(a1!._id)]);
      });
    });

    describe("getNextJobToRun", () => {
      it("locks the next due job and records who did", async () => {
        await repo.saveJob(job({ name: "runner-test", priority: 5, nextRunAt: ago(60_000), data: { order: "first" } }), undefined);
        const { now, nextScanAt, lockDeadline } = window();
        const next = await repo.getNextJobToRun("runner-test", nextScanAt, lockDeadline, now, { lastModifiedBy: "worker-7" });
        assert.equal(next?.name, "runner-test");
        assert.equal(next?.lockedAt?.getTime(), now.getTime());
        assert.equal((await repo.getJobById(String(next?._id)))?.lastModifiedBy, "worker-7");
        assert.equal(await repo.getNextJobToRun("runner-test", nextScanAt, lockDeadline, now, undefined), undefined, "locked jobs are not handed out twice");
      });

      it("takes the earliest job first, then the highest priority", async () => {
        const same = ago(60_000);
        await repo.saveJob(job({ name: "p", priority: -10, nextRunAt: same, data: { n: "low" } }), undefined);
        await repo.saveJob(job({ name: "p", priority: 10, nextRunAt: same, data: { n: "high" } }), undefined);
        await repo.saveJob(job({ name: "p", priority: -20, nextRunAt: ago(120_000), data: { n: "oldest" } }), undefined);
        await repo.saveJob(job({ name: "p", priority: 0, nextRunAt: same, data: { n: "normal" } }), undefined);
        const order: unknown[] = [];
        for (;;) {
          const { now, nextScanAt, lockDeadline } = window();
          const next = await repo.getNextJobToRun("p", nextScanAt, lockDeadline, now, undefined);
          if (!next) break;
          order.push((next.data as { n: string }).n);
        }
        assert.deepEqual(order, ["oldest", "high", "normal", "low"]);
      });

      it("skips disabled jobs, jobs of other names and jobs beyond the scan window", async () => {
        await repo.saveJob(job({ name: "w", nextRunAt: ago(60_000), disabled: true }), undefined);
        await repo.saveJob(job({ name: "other", nextRunAt: ago(60_000) }), undefined);
        await repo.saveJob(job({ name: "w", nextRunAt: ahead(60_000) }), undefined);
        await repo.saveJob(job({ name: "w", nextRunAt: null }), undefined);
        const { now, nextScanAt, lockDeadline } = window();
        assert.equal(await repo.getNextJobToRun("w", nextScanAt, lockDeadline, now, undefined), undefined);
        const soon = await repo.saveJob(job({ name: "w", nextRunAt: ahead(2000) }), undefined);
        assert.equal((await repo.getNextJobToRun("w", nextScanAt, lockDeadline, now, undefined))?._id, soon._id, "due within nextScanAt");
      });

      it("takes over a job whose lock expired, and not one whose lock is fresh", async () => {
        const stale = await repo.saveJob(job({ name: "x", nextRunAt: null, lockedAt: ago(120_000), lastRunAt: ago(120_000) }), undefined);
        await repo.saveJob(job({ name: "x", nextRunAt: null, lockedAt: ago(1000), lastRunAt: ago(1000) }), undefined);
        const now = new Date();
        const got = await repo.getNextJobToRun("x", ahead(5000), ago(60_000), now, undefined);
        assert.equal(got?._id, stale._id);
        assert.equal(got?.lockedAt?.getTime(), now.getTime());
        assert.equal(await repo.getNextJobToRun("x", ahead(5000), ago(60_000), new Date(), undefined), undefined);
      });
    });

    describe("saveJobState", () => {
      it("updates the processor's fields and clears the lock", async () => {
        const saved = await repo.saveJob(job({ name: "state-test", nextRunAt: ago(1000) }), undefined);
        const locked = (await repo.lockJob(saved, undefined))!;
        const now = new Date();
        await repo.saveJobState({ ...locked, lastRunAt: now, progress: 50, failCount: 1, failReason: "Test error", failedAt: now }, undefined);
        let got = (await repo.getJobById(String(saved._id)))!;
        assert.equal(got.lastRunAt?.getTime(), now.getTime());
        assert.equal(got.progress, 50);
        assert.equal(got.failCount, 1);
        assert.equal(got.failReason, "Test error");
        assert.ok(got.lockedAt);
        await repo.saveJobState({ ...locked, lockedAt: undefined, lastFinishedAt: new Date() }, undefined);
        got = (await repo.getJobById(String(saved._id)))!;
        assert.equal(got.lockedAt, undefined);
        assert.ok(got.lastFinishedAt);
      });

      it("stores a failure reason that is not a string as readable text, and still unlocks the job with its finish time", async () => {
        // A forked child reports its error as an object, and a handler may throw anything: that
        // once failed the whole save on SQLite ("Too few parameter values"), leaving the job
        // locked with no finish time, and stored "[object Object]" on MariaDB.
        const circular: Record<string, unknown> = { code: "E_LOOP" };
        circular.self = circular;
        const bytes = (s: string | undefined) => Buffer.byteLength(s ?? "");
        const cases: { reason: unknown; check: (stored: string | undefined) => void }[] = [
          { reason: { message: "child failed", code: "E_CHILD", detail: { ticket: 7 } }, check: (r) => assert.deepEqual(JSON.parse(r!), { message: "child failed", code: "E_CHILD", detail: { ticket: 7 } }) },
          { reason: new Error("an Error object"), check: (r) => assert.equal(r, "an Error object") },
          { reason: circular, check: (r) => assert.match(r!, /E_LOOP/) },
          { reason: 42, check: (r) => assert.equal(r, "42") },
          { reason: "é".repeat(40_000), check: (r) => assert.ok(bytes(r) <= 65_535 && r!.startsWith("éé") && r!.endsWith("[cut]"), `${bytes(r)} bytes kept`) },
        ];
        for (const { reason, check } of cases) {
          const saved = await repo.saveJob(job({ name: "odd-failure", nextRunAt: ago(1000) }), undefined);
          const locked = (await repo.getNextJobToRun("odd-failure", ahead(1000), ago(60_000), new Date(), undefined))!;
          assert.equal(locked._id, saved._id);
          const finished = new Date();
          await repo.saveJobState(
            { ...locked, lockedAt: undefined, lastRunAt: finished, nextRunAt: null, failedAt: finished, lastFinishedAt: finished, failCount: 1, failReason: reason as string },
            undefined,
          );
          const got = (await repo.getJobById(String(saved._id)))!;
          assert.equal(got.lockedAt, undefined, "unlocked");
          assert.equal(got.lastFinishedAt?.getTime(), finished.getTime(), "with its finish time");
          assert.equal(typeof got.failReason, "string");
          assert.notEqual(got.failReason, "[object Object]");
          check(got.failReason);
          assert.equal(repo.held.has(String(saved._id)), false, "no lock left owed");
          await repo.removeJobs({ id: saved._id });
        }
      });

      it("accepts a save that changes nothing (touch() twice within a millisecond)", async () => {
        // MySQL counts matched rows only with the FOUND_ROWS client flag (mysql2's default);
        // without it, an unchanged row would read as a lost lock.
        await repo.saveJob(job({ name: "same", nextRunAt: ago(1000) }), undefined);
        const locked = (await repo.getNextJobToRun("same", ahead(1000), ago(60_000), new Date(), undefined))!;
        const touch = { ...locked, lockedAt: new Date(), lastRunAt: new Date(), progress: 10 };
        for (let i = 0; i < 5; i++) await repo.saveJobState(touch, undefined);
        assert.equal((await repo.getJobById(String(locked._id)))?.progress, 10);
        const sql = new SqlRunner(fx.t.db);
        assert.equal((await sql.run("UPDATE jobs SET name = name WHERE id = ?", [Number(locked._id)])).affected, 1, "matched rows are counted");
      });

      it("throws when the job is gone", async () => {
        const saved = await repo.saveJob(job({ name: "gone" }), undefined);
        await repo.removeJobs({ id: saved._id });
        await assert.rejects(repo.saveJobState({ ...saved, lastRunAt: new Date() }, undefined), /does not exist/);
      });

      it("refuses writes from a worker whose expired lock was taken over", async () => {
        await repo.saveJob(job({ name: "slow", nextRunAt: ago(1000) }), undefined);
        const a = (await repo.getNextJobToRun("slow", ahead(1000), ago(60_000), ago(120_000), { lastModifiedBy: "A" }))!;
        const b = (await repo.getNextJobToRun("slow", ahead(1000), ago(60_000), new Date(), { lastModifiedBy: "B" }))!;
        assert.equal(b._id, a._id, "B took the expired job over");
        await assert.rejects(repo.saveJobState({ ...a, lockedAt: undefined, lastFinishedAt: new Date() }, { lastModifiedBy: "A" }), /lost its lock/);
        await assert.rejects(repo.saveJobState({ ...a, lockedAt: new Date() }, { lastModifiedBy: "A" }), /lost its lock/, "touch() of A fails too");
        const row = (await repo.getJobById(String(a._id)))!;
        assert.equal(row.lockedAt?.getTime(), b.lockedAt?.getTime(), "B still holds the lock");
        assert.equal(row.lastModifiedBy, "B");
        await repo.saveJobState({ ...b, lockedAt: undefined, lastFinishedAt: new Date() }, undefined);
        assert.equal((await repo.getJobById(String(a._id)))?.lockedAt, undefined);
      });

      it("keeps a reschedule made while the job ran", async () => {
        const saved = await repo.saveJob(job({ name: "sla-check", nextRunAt: ago(1000), unique: { ticket: 7 } }), undefined);
        const locked = (await repo.getNextJobToRun("sla-check", ahead(1000), ago(60_000), new Date(), undefined))!;
        // run start: one-off, so agenda computes nextRunAt = null
        await repo.saveJobState({ ...locked, lastRunAt: new Date(), nextRunAt: null }, undefined);
        const later = ahead(3600_000);
        const resaved = await repo.saveJob(job({ name: "sla-check", nextRunAt: later, unique: { ticket: 7 }, data: { v: 2 } }), undefined);
        assert.equal(resaved._id, saved._id);
        const end: JobParameters = { ...locked, lastRunAt: new Date(), nextRunAt: null, lockedAt: undefined, lastFinishedAt: new Date() };
        await repo.saveJobState(end, undefined);
        const got = (await repo.getJobById(String(saved._id)))!;
        assert.equal(got.nextRunAt?.getTime(), later.getTime(), "the new schedule stands");
        assert.equal(got.lockedAt, undefined);
        assert.deepEqual(got.data, { v: 2 });
        assert.equal(end.nextRunAt?.getTime(), later.getTime(), "agenda's attrs learn the pending run (so removeOnComplete keeps the job)");
      });

      it("keeps a reschedule made while the job ran over the retry time of a failed run", async () => {
        await repo.saveJob(job({ name: "sla-check", nextRunAt: ago(1000), unique: { ticket: 9 } }), undefined);
        const locked = (await repo.getNextJobToRun("sla-check", ahead(1000), ago(60_000), new Date(), undefined))!;
        await repo.saveJobState({ ...locked, lastRunAt: new Date(), nextRunAt: null }, undefined);
        const later = ahead(3600_000);
        await repo.saveJob(job({ name: "sla-check", nextRunAt: later, unique: { ticket: 9 } }), undefined);
        const retryAt = ahead(5000);
        await repo.saveJobState(
          { ...locked, lastRunAt: new Date(), nextRunAt: retryAt, lockedAt: undefined, failedAt: new Date(), failCount: 1, failReason: "x" },
          undefined,
        );
        const got = (await repo.getJobById(String(locked._id)))!;
        assert.equal(got.nextRunAt?.getTime(), later.getTime());
        assert.equal(got.failCount, 1);
      });

      it("writes the computed next run when nothing rescheduled the job", async () => {
        await repo.saveJob(job({ name: "rep", type: "single", repeatInterval: "1 hour", nextRunAt: ago(1000) }), undefined);
        await repo.saveJob(job({ name: "rep", type: "single", repeatInterval: "1 hour", nextRunAt: new Date() }), undefined); // boot again: no move
        const locked = (await repo.getNextJobToRun("rep", ahead(1000), ago(60_000), new Date(), undefined))!;
        const next = ahead(3600_000);
        await repo.saveJobState({ ...locked, lastRunAt: new Date(), nextRunAt: next, lockedAt: undefined, lastFinishedAt: new Date() }, undefined);
        assert.equal((await repo.getJobById(String(locked._id)))?.nextRunAt?.getTime(), next.getTime());
      });
    });

    it("gives an overview per name and state", async () => {
      await repo.saveJob(job({ name: "overview-job", nextRunAt: ahead(60_000) }), undefined);
      await repo.saveJob(job({ name: "overview-job", nextRunAt: null, lastFinishedAt: new Date() }), undefined);
      await repo.saveJob(job({ name: "overview-job", nextRunAt: ago(1000), disabled: true }), undefined);
      await repo.saveJob(job({ name: "other-job", nextRunAt: ago(1000), lockedAt: new Date() }), undefined);
      const overview = await repo.getJobsOverview();
      assert.deepEqual(overview, [
        { name: "other-job", total: 1, running: 1, scheduled: 0, queued: 0, completed: 0, failed: 0, repeating: 0, paused: 0 },
        { name: "overview-job", total: 3, running: 0, scheduled: 1, queued: 1, completed: 1, failed: 0, repeating: 0, paused: 1 },
      ]);
    });

    describe("unique", () => {
      it("keeps one job per unique object and name, updating it", async () => {
        const a = await repo.saveJob(job({ name: "sla-check", data: { v: 1 }, unique: { "data.ticket": 7, kind: "sla" } }), undefined);
        const b = await repo.saveJob(job({ name: "sla-check", data: { v: 2 }, nextRunAt: ahead(1000), unique: { kind: "sla", "data.ticket": 7 } }), undefined);
        assert.equal(b._id, a._id, "key order does not matter");
        assert.deepEqual(b.data, { v: 2 });
        const other = await repo.saveJob(job({ name: "sla-check", unique: { "data.ticket": 8, kind: "sla" } }), undefined);
        const otherName = await repo.saveJob(job({ name: "notify", unique: { "data.ticket": 7, kind: "sla" } }), undefined);
        assert.notEqual(other._id, a._id);
        assert.notEqual(otherName._id, a._id);
        assert.equal((await repo.queryJobs()).total, 3);
      });

      it("with insertOnly returns the existing job unchanged", async () => {
        const a = await repo.saveJob(job({ name: "u", data: { v: 1 }, unique: { k: 1 }, uniqueOpts: { insertOnly: true } }), undefined);
        const b = await repo.saveJob(job({ name: "u", data: { v: 2 }, unique: { k: 1 }, uniqueOpts: { insertOnly: true } }), undefined);
        assert.equal(b._id, a._id);
        assert.deepEqual(b.data, { v: 1 });
      });

      it("removes by unique object", async () => {
        await repo.saveJob(job({ name: "u", unique: { k: 1 } }), undefined);
        await repo.saveJob(job({ name: "u", unique: { k: 2 } }), undefined);
        assert.equal(await repo.removeJobs({ name: "u", unique: { k: 1 } }), 1);
        assert.equal((await repo.queryJobs({ name: "u" })).total, 1);
      });

      it("saves many unique jobs at once like saves one by one: existing ones updated, the last of a key wins", async () => {
        const before = await repo.saveJob(job({ name: "sla-check", data: { v: 0 }, unique: { uniqueKey: "ticket:1" } }), undefined);
        const when = ahead(60_000);
        await repo.saveUniqueJobs(
          [
            job({ name: "sla-check", data: { v: 1 }, nextRunAt: when, unique: { uniqueKey: "ticket:1" } }),
            job({ name: "sla-check", data: { v: 2 }, unique: { uniqueKey: "ticket:2" } }),
            job({ name: "deliver", data: { v: 3 }, unique: { uniqueKey: "ticket:2" } }),
            job({ name: "sla-check", data: { v: 4 }, unique: { uniqueKey: "ticket:2" } }),
          ],
          { lastModifiedBy: "batch" },
        );
        const all = (await repo.queryJobs()).jobs;
        assert.equal(all.length, 3, "one row per (name, key)");
        const t1 = all.find((j) => j.name === "sla-check" && (j.data as { v: number }).v === 1)!;
        assert.equal(String(t1._id), String(before._id), "the existing job was updated, not duplicated");
        assert.equal(t1.nextRunAt?.getTime(), when.getTime());
        assert.deepEqual(all.find((j) => j.name === "sla-check" && String(j._id) !== String(before._id))!.data, { v: 4 });
        assert.deepEqual(all.find((j) => j.name === "deliver")!.data, { v: 3 });
        // The batch's rows are ordinary unique jobs: a later single save finds them.
        const again = await repo.saveJob(job({ name: "deliver", data: { v: 5 }, unique: { uniqueKey: "ticket:2" } }), undefined);
        assert.equal((await repo.queryJobs({ name: "deliver" })).total, 1);
        assert.deepEqual(again.data, { v: 5 });
        await assert.rejects(repo.saveUniqueJobs([job({ name: "x", unique: { k: 1 }, uniqueOpts: { insertOnly: true } })], undefined), /plain unique jobs/);
      });

      it("makes one row out of 50 concurrent saves (unique, insertOnly and single)", async () => {
        const saves = (over: Partial<JobParameters>) =>
          Promise.all(Array.from({ length: 50 }, (_, i) => repo.saveJob(job({ name: "race", data: { i }, ...over }), undefined)));
        const unique = await saves({ unique: { ticket: 1 } });
        assert.equal(new Set(unique.map((j) => j._id)).size, 1);
        const insertOnly = await saves({ unique: { ticket: 2 }, uniqueOpts: { insertOnly: true } });
        assert.equal(new Set(insertOnly.map((j) => j._id)).size, 1);
        assert.equal(new Set(insertOnly.map((j) => JSON.stringify(j.data))).size, 1, "everyone got the first insert back");
        const single = await saves({ type: "single", repeatInterval: "1 minute" });
        assert.equal(new Set(single.map((j) => j._id)).size, 1);
        assert.equal((await repo.queryJobs({ name: "race" })).total, 3);
      });
    });

    describe("debounce", () => {
      const save = (key: string, data: Record<string, unknown>, debounce: NonNullable<JobParameters["uniqueOpts"]>["debounce"]) =>
        repo.saveJob(job({ name: "debounced", data: { key, ...data }, unique: { "data.key": key }, uniqueOpts: { debounce } }), undefined);

      it("trailing: runs delay after the last save, with the last data, as one job", async () => {
        const before = Date.now();
        const j1 = await save("t", { i: 1 }, { delay: 1000 });
        assert.ok(j1.nextRunAt!.getTime() >= before + 1000 && j1.nextRunAt!.getTime() <= Date.now() + 1000);
        await delay(200);
        const j2 = await save("t", { i: 2 }, { delay: 1000 });
        assert.equal(j2._id, j1._id);
        assert.ok(j2.nextRunAt!.getTime() >= j1.nextRunAt!.getTime() + 150);
        assert.deepEqual(j2.data, { key: "t", i: 2 });
        assert.equal(j2.debounceStartedAt?.getTime(), j1.debounceStartedAt?.getTime(), "one window");
        assert.equal((await repo.queryJobs({ name: "debounced" })).total, 1);
      });

      it("trailing with maxWait: never later than the window start plus maxWait", async () => {
        const j1 = await save("m", {}, { delay: 2000, maxWait: 600 });
        const deadline = j1.debounceStartedAt!.getTime() + 600;
        await delay(300);
        const j2 = await save("m", {}, { delay: 2000, maxWait: 600 });
        assert.equal(j2.nextRunAt?.getTime(), deadline);
        await delay(400);
        const j3 = await save("m", {}, { delay: 2000, maxWait: 600 });
        assert.ok(j3.nextRunAt!.getTime() <= Date.now(), "past maxWait: due now");
        const s2 = await save("n", {}, { delay: 500, maxWait: 5000 });
        await delay(200);
        const s3 = await save("n", {}, { delay: 500, maxWait: 5000 });
        assert.ok(s3.nextRunAt!.getTime() >= s2.nextRunAt!.getTime() + 150, "within maxWait it keeps debouncing");
      });

      it("trailing with maxWait: a save past maxWait forces the run and closes the window, so the next save debounces in a new one", async () => {
        const opts = { delay: 400, maxWait: 600 };
        const j1 = await save("w", { i: 1 }, opts);
        await delay(700);
        const forcedAt = Date.now();
        const j2 = await save("w", { i: 2 }, opts);
        assert.ok(j2.nextRunAt!.getTime() <= Date.now(), "past maxWait: due now");
        assert.ok(j2.nextRunAt!.getTime() >= forcedAt - 5);
        assert.equal(j2.debounceStartedAt, undefined, "the expired window is closed (agenda's backends clear it too)");
        await delay(50);
        const before = Date.now();
        const j3 = await save("w", { i: 3 }, opts);
        assert.equal(j3._id, j1._id);
        assert.ok(j3.debounceStartedAt!.getTime() >= before, "a new window starts at this save");
        assert.ok(j3.nextRunAt!.getTime() >= before + opts.delay, `debounced again, not run at once (due in ${j3.nextRunAt!.getTime() - Date.now()} ms)`);
        assert.deepEqual(j3.data, { key: "w", i: 3 });
        // The new window has its own maxWait: saves keep it no later than its start + maxWait.
        await delay(300);
        const j4 = await save("w", { i: 4 }, opts);
        assert.equal(j4.debounceStartedAt?.getTime(), j3.debounceStartedAt?.getTime(), "still the new window");
        assert.equal(j4.nextRunAt?.getTime(), j3.debounceStartedAt!.getTime() + opts.maxWait);
        assert.equal((await repo.queryJobs({ name: "debounced" })).total, 1);
      });

      it("trailing: once the run started, a save opens a new window", async () => {
        const j1 = await save("r", { i: 1 }, { delay: 100 });
        await delay(150);
        const locked = (await repo.getNextJobToRun("debounced", ahead(10), ago(60_000), new Date(), undefined))!;
        await repo.saveJobState({ ...locked, lastRunAt: new Date(), nextRunAt: null }, undefined);
        const j2 = await save("r", { i: 2 }, { delay: 100 });
        assert.ok(j2.debounceStartedAt!.getTime() > j1.debounceStartedAt!.getTime());
        assert.ok(j2.nextRunAt!.getTime() > Date.now());
        await repo.saveJobState({ ...locked, lastRunAt: new Date(), nextRunAt: null, lockedAt: undefined, lastFinishedAt: new Date() }, undefined);
        assert.equal((await repo.getJobById(String(j1._id)))?.nextRunAt?.getTime(), j2.nextRunAt?.getTime(), "the run's end keeps the new window");
      });

      it("leading: runs at once, later saves in the window only update data", async () => {
        const before = Date.now();
        const j1 = await save("l", { i: 1 }, { delay: 5000, strategy: "leading" });
        assert.ok(Math.abs(j1.nextRunAt!.getTime() - before) < 1000);
        await delay(100);
        const j2 = await save("l", { i: 2 }, { delay: 5000, strategy: "leading" });
        assert.equal(j2.nextRunAt?.getTime(), j1.nextRunAt?.getTime());
        assert.deepEqual(j2.data, { key: "l", i: 2 });
        const short1 = await save("s", {}, { delay: 100, strategy: "leading" });
        await delay(150);
        const short2 = await save("s", {}, { delay: 100, strategy: "leading", maxWait: undefined });
        assert.ok(short2.debounceStartedAt!.getTime() > short1.debounceStartedAt!.getTime(), "after the window a new one opens");
      });

      it("debounces each unique key on its own, and not at all without one", async () => {
        const a = await save("k1", {}, { delay: 1000 });
        const b = await save("k2", {}, { delay: 1000 });
        assert.notEqual(a._id, b._id);
        const n1 = await repo.saveJob(job({ name: "plain", uniqueOpts: { debounce: { delay: 1000 } } }), undefined);
        const n2 = await repo.saveJob(job({ name: "plain", uniqueOpts: { debounce: { delay: 1000 } } }), undefined);
        assert.notEqual(n1._id, n2._id);
      });
    });

    describe("job logger", () => {
      it("keeps the order of entries logged at once within one millisecond (agenda logs fire-and-forget)", async () => {
        const logger = fx.backend.logger;
        const at = new Date();
        await Promise.all(Array.from({ length: 120 }, (_, i) => logger.log({ timestamp: at, level: "info", event: "start", jobName: "order", message: `m${i}` })));
        const { entries, total } = await logger.getLogs({ jobName: "order", sort: "asc", limit: 200 });
        assert.equal(total, 120);
        assert.deepEqual(entries.map((e) => e.message), Array.from({ length: 120 }, (_, i) => `m${i}`));
      });

      it("stores, filters, pages and clears log entries", async () => {
        const logger = fx.backend.logger;
        const base = Date.now();
        for (let i = 0; i < 5; i++) {
          await logger.log({
            timestamp: new Date(base + i),
            level: i === 4 ? "error" : "info",
            event: i === 4 ? "fail" : "success",
            jobId: String(i % 2),
            jobName: i < 3 ? "a" : "b",
            message: `m${i}`,
            duration: 12.7,
            error: i === 4 ? "boom" : undefined,
            meta: { i },
            ...(i === 4 ? { failCount: 3, retryDelay: 5000, retryAttempt: 2, agendaName: "worker-1" } : {}),
          });
        }
        const all = await logger.getLogs();
        assert.equal(all.total, 5);
        assert.deepEqual(all.entries.map((e) => e.message), ["m4", "m3", "m2", "m1", "m0"]);
        assert.equal(all.entries[0].error, "boom");
        assert.deepEqual(all.entries[0].meta, { i: 4 });
        assert.equal(all.entries[0].duration, 13);
        assert.deepEqual(
          [all.entries[0].failCount, all.entries[0].retryDelay, all.entries[0].retryAttempt, all.entries[0].agendaName, all.entries[0].jobId],
          [3, 5000, 2, "worker-1", "0"],
        );
        assert.equal(all.entries[0].timestamp.getTime(), base + 4);
        assert.equal((await logger.getLogs({ jobName: "a" })).total, 3);
        assert.equal((await logger.getLogs({ jobId: "1" })).total, 2);
        assert.equal((await logger.getLogs({ level: ["error"] })).total, 1);
        assert.equal((await logger.getLogs({ event: "success", from: new Date(base + 1), to: new Date(base + 2) })).total, 2);
        const page = await logger.getLogs({ sort: "asc", limit: 2, offset: 1 });
        assert.deepEqual(page.entries.map((e) => e.message), ["m1", "m2"]);
        assert.equal(page.total, 5);
        assert.equal(await logger.clearLogs({ jobName: "b" }), 2);
        assert.equal(await logger.clearLogs(), 3);
      });
    });
  });
}
