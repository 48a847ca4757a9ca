// Agenda itself on our backend, after agenda's shared suites (packages/agenda/test/shared/:
// agenda-, jobprocessor-, retry-, removeoncomplete-, debounce- and backoff-test-suite.ts).
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import { Agenda, backoffStrategies, type AgendaOptions, type Job } from "agenda";
import { testTargets } from "../../../test/support/databases.js";
import { SqlBackend } from "./sql-backend.js";
import { delay, nextEvent, openFixture, waitFor, type BackendFixture } from "./test-support.js";

const FORK_CHILD = fileURLToPath(new URL("./testing/fork-child.ts", import.meta.url));

for (const target of await testTargets({ cluster: true })) {
  describe(`Agenda on the SQL backend (${target.name})`, () => {
    let fx: BackendFixture;
    let agendas: Agenda[] = [];
    let release: (() => void)[] = [];
    /** A promise the test's cleanup settles: for handlers that must outlive an assertion. */
    const hold = () => new Promise<void>((r) => release.push(r));

    const make = (opts: Partial<AgendaOptions> = {}) => {
      const a = new Agenda({ backend: new SqlBackend(fx.t.db, { expiredLockCheckMs: 0 }), processEvery: 50, ...opts });
      agendas.push(a);
      return a;
    };
    const rows = async (name?: string) => (await new SqlBackend(fx.t.db).repository.queryJobs(name ? { name } : {})).jobs;

    before(async () => {
      fx = await openFixture(target);
    });
    after(() => fx.t.destroy());
    beforeEach(() => fx.clear());
    afterEach(async () => {
      for (const r of release) r();
      for (const a of agendas) await a.stop();
      await delay(20); // let released handlers record their end before the table is emptied
      agendas = [];
      release = [];
    });

    describe("creating jobs", () => {
      it("every(): stores the interval, keeps one job per name, and repeats it", async () => {
        const agenda = make();
        await agenda.every("5 minutes", "interval-job");
        await agenda.every("0 6 * * *", "cron-job");
        await agenda.every("1 minute", "updated-job");
        await agenda.every("5 minutes", "updated-job");
        assert.equal((await rows("interval-job"))[0].repeatInterval, "5 minutes");
        assert.equal((await rows("cron-job"))[0].repeatInterval, "0 6 * * *");
        const updated = await rows("updated-job");
        assert.equal(updated.length, 1);
        assert.equal(updated[0].repeatInterval, "5 minutes");

        let runs = 0;
        agenda.define("tick", async () => {
          runs++;
        });
        await agenda.every(100, "tick");
        await agenda.start();
        await waitFor(() => runs >= 3, "three runs of an every(100 ms) job");
        assert.equal((await rows("tick")).length, 1);
      });

      it("every() with skipImmediate waits one interval", async () => {
        const agenda = make();
        const job = await agenda.every("1 hour", "hourly", undefined, { skipImmediate: true });
        assert.ok(job.attrs.nextRunAt!.getTime() > Date.now() + 3500_000);
      });

      it("schedule(): at a Date or a human time, and not before it", async () => {
        const agenda = make();
        const when = new Date(Date.now() + 60_000);
        assert.equal((await agenda.schedule(when, "at-date")).attrs.nextRunAt?.getTime(), when.getTime());
        assert.ok((await agenda.schedule("in 1 hour", "human")).attrs.nextRunAt!.getTime() > Date.now());

        let ranAt = 0;
        agenda.define("soon", async () => {
          ranAt = Date.now();
        });
        const due = Date.now() + 400;
        await agenda.schedule(new Date(due), "soon");
        await agenda.start();
        await waitFor(() => ranAt, "the scheduled run");
        assert.ok(ranAt >= due, `ran ${due - ranAt} ms early`);
      });

      it("now(): due at once, with its data", async () => {
        const agenda = make();
        const job = await agenda.now("now-job", { key: "value" });
        assert.ok(job.attrs.nextRunAt!.getTime() <= Date.now());
        assert.deepEqual((await rows("now-job"))[0].data, { key: "value" });
      });
    });

    describe("managing jobs", () => {
      it("queryJobs(), cancel(), disable(), enable(), purge(), cancelAll()", async () => {
        const agenda = make();
        await agenda.now("q1");
        await agenda.now("q2");
        await agenda.now("q1");
        assert.equal((await agenda.queryJobs({ name: "q1" })).jobs.length, 2);
        assert.deepEqual((await agenda.queryJobs({ name: "none" })).jobs, []);
        assert.equal(await agenda.disable({ name: "q1" }), 2);
        assert.ok((await agenda.queryJobs({ name: "q1" })).jobs.every((j) => j.disabled === true));
        assert.equal(await agenda.enable({ name: "q1" }), 2);
        assert.equal(await agenda.cancel({ name: "q1" }), 2);
        assert.deepEqual((await agenda.queryJobs()).jobs.map((j) => j.name), ["q2"]);

        agenda.define("kept", async () => {});
        await agenda.now("kept");
        await agenda.now("orphan");
        assert.equal(await agenda.purge(), 2, "purge removes jobs with no definition");
        assert.deepEqual((await agenda.queryJobs()).jobs.map((j) => j.name), ["kept"]);
        assert.equal(await agenda.cancelAll(), 1);
      });

      it("job.disable().save() keeps it from running; job.remove() deletes it", async () => {
        const agenda = make();
        const ran: unknown[] = [];
        agenda.define("off", async (job: Job) => {
          ran.push(job.attrs.data);
        });
        const job = await agenda.now("off", { which: "disabled" });
        await job.disable().save();
        const gone = await agenda.now("off", { which: "removed" });
        assert.equal(await gone.remove(), 1);
        await agenda.start();
        // A later job of the same name runs: the worker polled past the disabled one.
        const done = nextEvent(agenda, "complete:off");
        await agenda.create("off", { which: "enabled" }).schedule(new Date(Date.now() + 100)).save();
        await done;
        assert.deepEqual(ran, [{ which: "enabled" }]);
        const left = await rows("off");
        assert.equal(left.length, 2);
        const disabled = left.find((j) => j.disabled);
        assert.deepEqual(disabled?.data, { which: "disabled" });
        assert.equal(disabled?.lastRunAt, undefined);
      });

      it("getJobsOverview() counts per state", async () => {
        const agenda = make();
        await agenda.schedule("in 1 hour", "ov");
        await agenda.now("ov");
        await agenda.every("1 hour", "ov-repeat");
        const overview = await agenda.getJobsOverview();
        assert.deepEqual(
          overview.map((o) => [o.name, o.total, o.scheduled, o.queued, o.repeating]),
          [
            ["ov", 2, 1, 1, 0],
            ["ov-repeat", 1, 0, 0, 1],
          ],
        );
      });
    });

    describe("processing", () => {
      it("runs a job with its data, and emits start, success and complete", async () => {
        const agenda = make();
        const seen: string[] = [];
        let received: Job | undefined;
        agenda.define("process-test", async (job: Job) => {
          received = job;
        });
        agenda.on("start:process-test", () => seen.push("start"));
        agenda.on("success:process-test", () => seen.push("success"));
        agenda.on("complete:process-test", () => seen.push("complete"));
        const done = nextEvent(agenda, "complete:process-test");
        await agenda.start();
        await agenda.now("process-test", { testData: 123 });
        await done;
        assert.deepEqual(received?.attrs.data, { testData: 123 });
        assert.deepEqual(seen, ["start", "success", "complete"]);
        const [row] = await rows("process-test");
        assert.equal(row.state, "completed");
        assert.equal(row.lockedAt, undefined);
        assert.equal(row.nextRunAt, null);
        assert.ok(row.lastFinishedAt! >= row.lastRunAt!);
      });

      it("records a failure and emits fail with the error", async () => {
        const agenda = make();
        agenda.define("fail-test", async () => {
          throw new Error("Test error");
        });
        const failed = nextEvent<[Error, Job]>(agenda, "fail:fail-test");
        await agenda.start();
        await agenda.now("fail-test");
        const [err] = await failed;
        assert.equal(err.message, "Test error");
        await waitFor(async () => (await rows("fail-test"))[0].state === "failed", "failed state");
        const [row] = await rows("fail-test");
        assert.equal(row.failReason, "Test error");
        assert.equal(row.failCount, 1);
      });

      it("records a failure whose reason is not an Error as readable text, and unlocks the job with its finish time", async () => {
        // agenda stores a thrown non-Error as is (a forked child's report is a parsed object):
        // the backend must store it as text and still finish the run, or the job stays locked
        // with no finish time until its lock expires.
        const agenda = make();
        agenda.define("odd-fail", async () => {
          throw { message: "child failed", code: "E_CHILD" };
        });
        agenda.define("after-odd", async () => {});
        const completed = nextEvent(agenda, "complete:odd-fail");
        await agenda.start();
        await agenda.now("odd-fail");
        await completed;
        const row = await waitFor(async () => (await rows("odd-fail")).find((j) => j.lastFinishedAt), "the failed run's finish time");
        assert.equal(row.lockedAt, undefined, "unlocked");
        assert.equal(row.state, "failed");
        assert.equal(row.failCount, 1);
        assert.deepEqual(JSON.parse(row.failReason!), { message: "child failed", code: "E_CHILD" });
        assert.ok(row.lastFinishedAt!.getTime() >= row.lastRunAt!.getTime());
        // The worker keeps going.
        const next = nextEvent(agenda, "complete:after-odd");
        await agenda.now("after-odd");
        await next;
      });

      it("a job run in a forked child that fails is recorded with the child's report as text, unlocked, with its finish time", async () => {
        const agenda = make({
          forkHelper: {
            path: FORK_CHILD,
            options: { execArgv: ["--import", "tsx"], env: { ...process.env, ADUAN_TEST_DB: JSON.stringify(fx.t.settings) }, stdio: ["ignore", "inherit", "inherit", "ipc"] },
          },
        });
        agenda.define("forked", async () => {
          throw new Error("runs in the child, not here");
        });
        const failed = nextEvent<[unknown, Job]>(agenda, "fail:forked", 30_000);
        const completed = nextEvent(agenda, "complete:forked", 30_000);
        await agenda.create("forked", { ticketId: 7 }).forkMode(true).save();
        await agenda.start();
        const [reported] = await failed;
        assert.deepEqual(reported, { message: "the forked child failed", code: "E_CHILD" }, "agenda hands the child's report on as an object");
        await completed;
        const [row] = await rows("forked");
        assert.equal(row.lockedAt, undefined, "unlocked");
        assert.ok(row.lastFinishedAt, "with its finish time");
        assert.equal(row.state, "failed");
        assert.deepEqual(JSON.parse(row.failReason!), { message: "the forked child failed", code: "E_CHILD" });
      });

      it("holds the lock while a job runs and releases it after", async () => {
        const agenda = make();
        let during: { lockedAt?: Date; state: string } | undefined;
        agenda.define("lock-test", async () => {
          during = (await agenda.queryJobs({ name: "lock-test" })).jobs[0];
        });
        const done = nextEvent(agenda, "complete:lock-test");
        await agenda.start();
        await agenda.now("lock-test");
        await done;
        assert.ok(during?.lockedAt);
        assert.equal(during?.state, "running");
        assert.equal((await rows("lock-test"))[0].lockedAt, undefined);
      });

      it("stop() releases jobs taken but not started; a running one keeps its lock until it ends", async () => {
        const agenda = make();
        const gate = hold();
        agenda.define("one-at-a-time", () => gate, { concurrency: 1 });
        await agenda.now("one-at-a-time");
        await agenda.now("one-at-a-time");
        const started = nextEvent(agenda, "start:one-at-a-time");
        await agenda.start();
        await started;
        await waitFor(async () => (await rows("one-at-a-time")).every((j) => j.lockedAt), "both locked");
        await agenda.stop();
        const after = await rows("one-at-a-time");
        assert.equal(after.filter((j) => j.lockedAt).length, 1, "only the running job is still locked");
        for (const r of release) r();
        await waitFor(async () => (await rows("one-at-a-time")).every((j) => !j.lockedAt), "the running job to finish and unlock");
      });

      it("respects maxConcurrency and per-job concurrency", async () => {
        const agenda = make({ maxConcurrency: 2 });
        let running = 0;
        let max = 0;
        let finished = 0;
        const body = async () => {
          running++;
          max = Math.max(max, running);
          await delay(100);
          running--;
          finished++;
        };
        agenda.define("c1", body);
        agenda.define("c2", body);
        for (let i = 0; i < 3; i++) await agenda.now("c1");
        for (let i = 0; i < 3; i++) await agenda.now("c2");
        await agenda.start();
        await waitFor(() => finished === 6, "six runs");
        assert.equal(max, 2);

        const single = make();
        let r1 = 0;
        let m1 = 0;
        let f1 = 0;
        single.define(
          "per-job",
          async () => {
            r1++;
            m1 = Math.max(m1, r1);
            await delay(60);
            r1--;
            f1++;
          },
          { concurrency: 1 },
        );
        for (let i = 0; i < 3; i++) await single.now("per-job");
        await single.start();
        await waitFor(() => f1 === 3, "three runs");
        assert.equal(m1, 1);
      });

      it("respects lock limits: never more jobs locked than allowed", async () => {
        const agenda = make({ defaultLockLimit: 2, maxConcurrency: 10 });
        let finished = 0;
        let maxLocked = 0;
        agenda.define("limited", async () => {
          const locked = (await agenda.queryJobs({ name: "limited", state: "running" })).total;
          maxLocked = Math.max(maxLocked, locked);
          await delay(40);
          finished++;
        });
        for (let i = 0; i < 8; i++) await agenda.now("limited");
        await agenda.start();
        await waitFor(() => finished === 8, "eight runs");
        assert.ok(maxLocked <= 2, `${maxLocked} locked at once`);
      });

      it("runs the earliest job first and, among jobs due at the same time, higher priority first", async () => {
        // agenda orders by nextRunAt, then priority (its queue and the Mongo/Postgres backends
        // alike): priority only breaks ties, so the jobs share one due time here.
        const agenda = make({ maxConcurrency: 1 });
        const order: string[] = [];
        agenda.define("prio", async (job: Job) => {
          order.push(`${(job.attrs.data as { tag: string }).tag}:${job.attrs.priority}`);
        });
        const due = new Date(Date.now() - 1000);
        await agenda.create("prio", { tag: "late" }).schedule(new Date(due.getTime() + 500)).priority("highest").save();
        await (await agenda.create("prio", { tag: "due" }).schedule(due).save()).priority(-10).save();
        await agenda.create("prio", { tag: "due" }).schedule(due).priority(10).save();
        await agenda.create("prio", { tag: "due" }).schedule(due).priority("normal").save();
        await agenda.start();
        await waitFor(() => order.length === 4, "four runs");
        assert.deepEqual(order, ["due:10", "due:0", "due:-10", "late:20"]);
      });

      it("keeps short jobs flowing while long ones run", async () => {
        const agenda = make({ maxConcurrency: 4, defaultConcurrency: 1 });
        let shortDone = false;
        agenda.define("long", () => hold());
        agenda.define("short", async () => {
          shortDone = true;
        });
        await agenda.start();
        for (let i = 0; i < 20; i++) await agenda.now("long");
        await delay(150);
        for (let i = 0; i < 5; i++) await agenda.now("short");
        await waitFor(() => shortDone, "a short job to run");
      });

      it("fills up concurrency across job names", async () => {
        const agenda = make({ maxConcurrency: 100, lockLimit: 60, defaultLockLimit: 20, defaultConcurrency: 10 });
        for (let n = 0; n < 4; n++) agenda.define(`fill ${n}`, () => hold(), { lockLifetime: 10_000 });
        for (let n = 0; n < 4; n++) for (let i = 0; i < 15; i++) await agenda.now(`fill ${n}`);
        await agenda.start();
        await waitFor(async () => ((await agenda.getRunningStats()).runningJobs as number) >= 40, "40 jobs running", 3000);
      });
    });

    describe("job processor", () => {
      it("reports running stats", async () => {
        const agenda = make({ name: "agendaTest", maxConcurrency: 4, defaultConcurrency: 1, lockLimit: 15, defaultLockLimit: 6 });
        await assert.rejects(agenda.getRunningStats(), /agenda not running/);
        agenda.define("test", () => hold());
        await agenda.now("test");
        const started = nextEvent(agenda, "start:test");
        await agenda.start();
        await started;
        const status = await agenda.getRunningStats();
        assert.match(status.version, /^\d+\.\d+\.\d+/);
        assert.equal(status.queueName, "agendaTest");
        assert.equal(status.totalQueueSizeDB, 0);
        assert.equal(status.backend.name, "SQL (" + (target.name === "sqlite" ? "SQLite" : "MySQL/MariaDB") + ")");
        assert.equal(status.jobStatus?.test.locked, 1);
        assert.equal(status.jobStatus?.test.running, 1);
        assert.equal(status.jobStatus?.test.config.concurrency, 1);
        assert.equal(status.jobStatus?.test.config.lockLifetime, 600_000);
        assert.equal(status.jobStatus?.test.config.lockLimit, 6);
      });

      it("cancels a job that outlives its lock; touch() keeps it alive", async () => {
        const agenda = make();
        agenda.define("stuck", () => hold(), { lockLifetime: 200 });
        agenda.define(
          "touching",
          async (job: Job) => {
            for (let i = 0; i < 6; i++) {
              await delay(80);
              await job.touch(i * 20);
            }
          },
          { lockLifetime: 200 },
        );
        const errors: Error[] = [];
        agenda.on("error", (e: Error) => errors.push(e));
        const unhandled: unknown[] = [];
        const onUnhandled = (e: unknown) => unhandled.push(e);
        process.on("unhandledRejection", onUnhandled);
        try {
          const touched = nextEvent(agenda, "success:touching");
          await agenda.start();
          await agenda.now("stuck");
          await agenda.now("touching");
          await touched;
          await waitFor(() => errors.some((e) => /stuck/.test(e.message)), "the stuck job to be canceled");
          assert.ok(!errors.some((e) => /touching/.test(e.message)));
          assert.equal((await rows("touching"))[0].progress, 100);
          assert.deepEqual(unhandled, [], "a canceled job leaves no unhandled rejection");
        } finally {
          process.off("unhandledRejection", onUnhandled);
        }
      });

      it("never holds more locks than lockLimit (global and per definition), also for jobs due later in the scan window", async () => {
        const global = make({ lockLimit: 1, processEvery: 50 });
        global.define("ll-a", () => hold());
        global.define("ll-b", () => hold());
        const perDef = make({ processEvery: 50 });
        perDef.define("ll-def", () => hold(), { lockLimit: 1 });
        const soon = new Date(Date.now() + 150);
        for (const name of ["ll-a", "ll-b"]) await global.now(name);
        await global.schedule(soon, "ll-a");
        for (let i = 0; i < 2; i++) await perDef.now("ll-def");
        await perDef.schedule(soon, "ll-def");
        const started = Promise.all([nextEvent(global, "start"), nextEvent(perDef, "start:ll-def")]);
        await Promise.all([global.start(), perDef.start()]);
        await started;
        // A negative property: let several polls pass after the later jobs fell due.
        await delay(soon.getTime() - Date.now() + 6 * 50);
        const locked = (await rows()).filter((j) => j.lockedAt);
        assert.equal(locked.filter((j) => j.name !== "ll-def").length, 1, "global lockLimit 1");
        assert.equal(locked.filter((j) => j.name === "ll-def").length, 1, "definition lockLimit 1");
        assert.equal((await global.getRunningStats()).lockedJobs, 1);
        assert.equal((await perDef.getRunningStats()).lockedJobs, 1);
      });

      it("drain() waits for running jobs", async () => {
        const agenda = make();
        let finished = false;
        agenda.define("drained", async () => {
          await delay(200);
          finished = true;
        });
        const started = nextEvent(agenda, "start:drained");
        await agenda.start();
        await agenda.now("drained");
        await started;
        const result = await agenda.drain(5000);
        assert.equal(finished, true);
        assert.deepEqual(result, { completed: 1, running: 0, timedOut: false, aborted: false });
      });
    });

    describe("retries", () => {
      it("reruns a job rescheduled from its fail handler, counting failures", async () => {
        const agenda = make();
        let attempts = 0;
        agenda.define("failing-job", async () => {
          attempts++;
          if (attempts < 3) throw new Error(`Attempt ${attempts} failed`);
        });
        agenda.on("fail:failing-job", (_err: Error, job: Job) => {
          void job.schedule("now").save();
        });
        const success = nextEvent(agenda, "success:failing-job");
        await agenda.now("failing-job");
        await agenda.start();
        await success;
        assert.equal(attempts, 3);
        await waitFor(async () => (await rows("failing-job"))[0].lockedAt === undefined, "unlock");
        assert.equal((await rows("failing-job"))[0].failCount, 0, "a success resets the count");
      });

      it("retries with a backoff strategy until it succeeds or gives up", async () => {
        const agenda = make();
        let attempts = 0;
        agenda.define(
          "flaky",
          async () => {
            attempts++;
            if (attempts < 3) throw new Error("flaky");
          },
          { backoff: backoffStrategies.constant({ delay: 50, maxRetries: 5 }) },
        );
        agenda.define(
          "hopeless",
          async () => {
            throw new Error("never");
          },
          { backoff: backoffStrategies.exponential({ delay: 20, maxRetries: 2 }) },
        );
        const retries: number[] = [];
        agenda.on("retry:flaky", (_job: Job, d: { attempt: number }) => retries.push(d.attempt));
        const success = nextEvent(agenda, "success:flaky");
        const exhausted = nextEvent(agenda, "retry exhausted:hopeless");
        await agenda.start();
        await agenda.now("flaky");
        await agenda.now("hopeless");
        await success;
        await exhausted;
        assert.equal(attempts, 3);
        assert.deepEqual(retries, [1, 2]);
        await waitFor(async () => (await rows("hopeless"))[0].state === "failed", "hopeless failed");
        assert.equal((await rows("hopeless"))[0].failCount, 3);
      });
    });

    describe("other ways to run", () => {
      it("job.run() called directly (no lock) records success and failure", async () => {
        const agenda = make();
        const seen: unknown[] = [];
        agenda.define("direct", async (job: Job) => {
          seen.push(job.attrs.data);
        });
        agenda.define("direct-fail", async () => {
          throw new Error("direct failure");
        });
        const ok = await agenda.create("direct", { foo: "bar" }).save();
        await ok.run();
        assert.deepEqual(seen, [{ foo: "bar" }]);
        const bad = await agenda.create("direct-fail").save();
        await bad.run();
        const [done] = await rows("direct");
        assert.ok(done.lastRunAt && done.lastFinishedAt);
        assert.equal(done.nextRunAt, null);
        assert.equal(done.state, "completed");
        const [failed] = await rows("direct-fail");
        assert.deepEqual([failed.state, failed.failCount, failed.failReason], ["failed", 1, "direct failure"]);
      });

      it("every() with a seconds cron expression runs", async () => {
        const agenda = make();
        agenda.define("cron-sec", async () => {});
        const done = nextEvent(agenda, "complete:cron-sec", 3000);
        await agenda.every("* * * * * *", "cron-sec");
        await agenda.start();
        await done;
        const [row] = await rows("cron-sec");
        assert.ok(row.nextRunAt! > row.lastRunAt!, "the next second is scheduled");
      });

      it("a repeating job retries with its backoff, then keeps its interval", async () => {
        const agenda = make();
        let attempts = 0;
        let retries = 0;
        agenda.define(
          "rep-retry",
          async () => {
            attempts++;
            if (attempts === 1) throw new Error("first attempt fails");
          },
          { backoff: backoffStrategies.constant({ delay: 50, maxRetries: 3 }) },
        );
        agenda.on("retry:rep-retry", () => retries++);
        const success = nextEvent(agenda, "success:rep-retry");
        await agenda.every(60_000, "rep-retry");
        await agenda.start();
        await success;
        await waitFor(async () => (await rows("rep-retry"))[0].lockedAt === undefined, "unlock");
        assert.deepEqual([attempts, retries], [2, 1]);
        const [row] = await rows("rep-retry");
        assert.equal(row.failCount, 0);
        assert.ok(Math.abs(row.nextRunAt!.getTime() - (row.lastRunAt!.getTime() + 60_000)) < 1000, "next run one interval after the last");
        assert.equal((await rows("rep-retry")).length, 1);
      });
    });

    describe("removeOnComplete", () => {
      it("removes successful one-off jobs only, with per-job overrides", async () => {
        const agenda = make({ removeOnComplete: true });
        agenda.define("removable", async () => {});
        agenda.define("kept", async () => {}, { removeOnComplete: false });
        agenda.define("recurring", async () => {});
        agenda.define("failing", async () => {
          throw new Error("no");
        });
        await agenda.start();
        const done = Promise.all(["removable", "kept", "recurring", "failing"].map((n) => nextEvent(agenda, `complete:${n}`)));
        await agenda.now("removable");
        await agenda.now("kept");
        await agenda.every("1 hour", "recurring");
        await agenda.now("failing");
        await done;
        await waitFor(async () => (await rows("removable")).length === 0, "removal");
        assert.deepEqual((await rows()).map((j) => j.name).sort(), ["failing", "kept", "recurring"]);

        const keeper = make();
        keeper.define("per-job", async () => {}, { removeOnComplete: true });
        keeper.define("default", async () => {});
        await keeper.start();
        const both = Promise.all([nextEvent(keeper, "complete:per-job"), nextEvent(keeper, "complete:default")]);
        await keeper.now("per-job");
        await keeper.now("default");
        await both;
        await waitFor(async () => (await rows("per-job")).length === 0, "per-job removal");
        assert.equal((await rows("default")).length, 1);
      });
    });

    describe("rescheduled while running", () => {
      it("a unique job saved again during its run keeps the new schedule and data, also with removeOnComplete", async () => {
        const agenda = make({ removeOnComplete: true });
        const gate = hold();
        const runs: unknown[] = [];
        agenda.define("sla", async (job: Job) => {
          runs.push(job.attrs.data);
          if (runs.length === 1) await gate;
        });
        const started = nextEvent(agenda, "start:sla");
        await agenda.create("sla", { v: 1 }).unique({ ticket: 1 }).schedule(new Date()).save();
        await agenda.start();
        await started;
        const later = new Date(Date.now() + 3600_000);
        const resaved = await agenda.create("sla", { v: 2 }).unique({ ticket: 1 }).schedule(later).save();
        const completed = nextEvent<[Job]>(agenda, "complete:sla");
        for (const r of release) r();
        const [job] = await completed;
        assert.equal(job.attrs.nextRunAt?.getTime(), later.getTime(), "agenda sees the pending run");
        await delay(100); // removeOnComplete would delete right after "complete"
        const stored = await rows("sla");
        assert.equal(stored.length, 1, "not removed");
        assert.equal(String(stored[0]._id), String(resaved.attrs._id));
        assert.equal(stored[0].nextRunAt?.getTime(), later.getTime());
        assert.deepEqual(stored[0].data, { v: 2 });
        assert.equal(stored[0].lockedAt, undefined);
        assert.deepEqual(runs, [{ v: 1 }]);
      });
    });

    describe("debounce", () => {
      it("runs once, after the last save, with the last data", async () => {
        const agenda = make();
        const runs: unknown[] = [];
        agenda.define("debounceExec", async (job: Job) => {
          runs.push(job.attrs.data);
        });
        for (let value = 1; value <= 3; value++) {
          await agenda.create("debounceExec", { key: "exec1", value }).unique({ "data.key": "exec1" }).debounce(200).save();
          await delay(50);
        }
        await agenda.start();
        await waitFor(() => runs.length === 1, "the debounced run");
        await delay(300);
        assert.deepEqual(runs, [{ key: "exec1", value: 3 }]);
        assert.equal((await agenda.queryJobs({ name: "debounceExec" })).jobs.length, 1);
      });

      it("nowDebounced() with maxWait runs within maxWait under a stream of saves", async () => {
        const agenda = make();
        const runs: number[] = [];
        agenda.define("sync", async () => {
          runs.push(Date.now());
        });
        await agenda.start();
        const first = Date.now();
        for (let i = 0; i < 12; i++) {
          await agenda.nowDebounced("sync", { userId: 1, i }, { "data.userId": 1 }, 200, { maxWait: 500 });
          await delay(60);
        }
        await waitFor(() => runs.length >= 1, "a run");
        assert.ok(runs[0] - first < 500 + 300, `first run after ${runs[0] - first} ms`);
      });

      it("maxWait: a save past it forces the run and starts a new window, so the next save is debounced again", async () => {
        const agenda = make();
        const runs: { at: number; data: unknown }[] = [];
        agenda.define("windowed", async (job: Job) => {
          runs.push({ at: Date.now(), data: job.attrs.data });
        });
        const save = (i: number) => agenda.create("windowed", { key: "w", i }).unique({ "data.key": "w" }).debounce(400, { maxWait: 600 }).save();
        await save(1);
        await delay(700);
        const forced = await save(2);
        assert.ok(forced.attrs.nextRunAt!.getTime() <= Date.now(), "maxWait is up: due now");
        assert.equal(forced.attrs.debounceStartedAt ?? undefined, undefined, "the expired window is closed");
        await delay(50);
        const savedAt = Date.now();
        const next = await save(3);
        assert.ok(next.attrs.debounceStartedAt!.getTime() >= savedAt, "a new window");
        assert.ok(next.attrs.nextRunAt!.getTime() >= savedAt + 400, "debounced again");
        await agenda.start();
        await waitFor(() => runs.length === 1, "the debounced run");
        await delay(200);
        assert.equal(runs.length, 1, "one run for the three saves");
        assert.deepEqual(runs[0].data, { key: "w", i: 3 });
        assert.ok(runs[0].at >= savedAt + 400, `ran ${savedAt + 400 - runs[0].at} ms before the new window's end`);
      });
    });

    it("logs job events when logging is on", async () => {
      const agenda = new Agenda({ backend: new SqlBackend(fx.t.db), processEvery: 50, logging: true, name: "logger-test" });
      agendas.push(agenda);
      agenda.define("logged", async () => {});
      const done = nextEvent(agenda, "complete:logged");
      await agenda.start();
      const job = await agenda.now("logged");
      await done;
      const logs = await waitFor(async () => {
        const l = await agenda.getLogs({ jobId: String(job.attrs._id), sort: "asc" });
        return l.total >= 4 ? l : undefined;
      }, "log entries");
      assert.deepEqual(logs.entries.map((e) => e.event), ["locked", "start", "success", "complete"]);
      assert.ok(logs.entries.every((e) => e.agendaName === "logger-test" && e.jobName === "logged"));
      assert.ok((await agenda.clearLogs({ jobName: "logged" })) >= 4);
    });
  });
}
