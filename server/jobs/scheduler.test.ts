// The job scheduler (scheduler.ts), on each test database: what job modules and the rest of the
// app rely on: define/now/schedule/every/uniqueSchedule/cancel, the retry policy, touch(),
// stop(), and uniqueSchedule() re-called while the job runs.
import assert from "node:assert/strict";
import { after, afterEach, before, describe, it } from "node:test";
import { testTargets, type TestDatabase } from "../../test/support/databases.js";
import { delay, nextEvent, waitFor } from "./agenda-backend/test-support.js";
import { createScheduler, type JobContext, type Scheduler, type SchedulerOptions } from "./scheduler.js";

for (const target of await testTargets()) {
  describe(`scheduler (${target.name})`, () => {
    let t: TestDatabase;
    let schedulers: Scheduler[] = [];
    const releases: (() => void)[] = [];
    /** A promise the test's cleanup settles at the latest: for handlers that must wait. */
    const gate = () => new Promise<void>((r) => releases.push(r));

    const make = (opts: Partial<SchedulerOptions> = {}) => {
      const s = createScheduler({ db: t.db, name: "test-worker", processEvery: 50, ...opts });
      schedulers.push(s);
      return s;
    };
    const row = async (s: Scheduler, id: string) => (await s.agenda.queryJobs({ id })).jobs[0];
    const rows = async (s: Scheduler, name: string) => (await s.agenda.queryJobs({ name, sort: { nextRunAt: "asc" } })).jobs;

    before(async () => {
      t = await target.open();
    });
    after(() => t.destroy());
    afterEach(async () => {
      for (const r of releases.splice(0)) r();
      for (const s of schedulers) await s.stop({ graceMs: 2000 });
      schedulers = [];
      await t.db.serialized(() => t.db.ds.query("DELETE FROM jobs"));
    });

    it("now(): runs the handler with the data and a context", async () => {
      const s = make();
      const seen: { data: unknown; ctx: Pick<JobContext, "id" | "name" | "attempt"> }[] = [];
      s.define<{ ticketId: number }>("hello", async (data, ctx) => {
        seen.push({ data, ctx: { id: ctx.id, name: ctx.name, attempt: ctx.attempt } });
      });
      const id = await s.now("hello", { ticketId: 7 });
      assert.match(id, /^\d+$/);
      await s.start();
      await waitFor(() => seen.length === 1, "the run");
      assert.deepEqual(seen, [{ data: { ticketId: 7 }, ctx: { id, name: "hello", attempt: 1 } }]);
      await waitFor(async () => (await row(s, id)).state === "completed", "completed state");
    });

    it("schedule(): runs at the given time, not before; human times are stored", async () => {
      const s = make();
      let ranAt = 0;
      s.define("later", async () => {
        ranAt = Date.now();
      });
      const due = Date.now() + 400;
      await s.schedule(new Date(due), "later");
      const inTwoHours = await s.schedule("in 2 hours", "much-later");
      const stored = (await row(s, inTwoHours)).nextRunAt!.getTime();
      assert.ok(Math.abs(stored - (Date.now() + 2 * 3600_000)) < 5000, `stored ${new Date(stored).toISOString()}`);
      await s.start();
      await waitFor(() => ranAt, "the scheduled run");
      assert.ok(ranAt >= due, `ran ${due - ranAt} ms early`);
    });

    it("every(): repeats; one job per name; a new boot neither resets its schedule nor an operator's disable", async () => {
      const s = make();
      let ticks = 0;
      s.define("tick", async () => {
        ticks++;
      });
      const tickId = await s.every(100, "tick");
      assert.equal(await s.every(100, "tick"), tickId);
      await s.start();
      await waitFor(() => ticks >= 3, "three runs of an every(100 ms) job");
      assert.equal((await rows(s, "tick")).length, 1);

      // Boot 1 schedules the sweep an hour ahead; boot 2 (every() without skipImmediate) keeps that time.
      const sweep = await s.every("1 hour", "sweep", undefined, { skipImmediate: true });
      const planned = (await row(s, sweep)).nextRunAt!.getTime();
      assert.ok(planned > Date.now() + 3500_000);
      assert.equal(await s.every("1 hour", "sweep"), sweep);
      assert.equal((await row(s, sweep)).nextRunAt!.getTime(), planned, "not due at once again");
      assert.equal(await s.agenda.disable({ name: "sweep" }), 1);
      await s.every("30 minutes", "sweep");
      const after = await row(s, sweep);
      assert.equal(after.disabled, true, "the operator's disable survives a boot");
      assert.equal(after.repeatInterval, "30 minutes", "the new interval is stored");
      assert.equal((await rows(s, "sweep")).length, 1);
    });

    it("uniqueSchedule(): one job per (name, key); a new call moves it and replaces its data; insertOnly keeps it", async () => {
      const s = make();
      const inOneHour = new Date(Date.now() + 3600_000);
      const inTwoHours = new Date(Date.now() + 7200_000);
      const a = await s.uniqueSchedule("ticket:1", inOneHour, "sla-check", { ticketId: 1, v: 1 });
      const again = await s.uniqueSchedule("ticket:1", inTwoHours, "sla-check", { ticketId: 1, v: 2 });
      assert.equal(again, a);
      let job = await row(s, a);
      assert.equal(job.nextRunAt?.getTime(), inTwoHours.getTime());
      assert.deepEqual(job.data, { ticketId: 1, v: 2 });

      const other = await s.uniqueSchedule("ticket:2", inOneHour, "sla-check", { ticketId: 2 });
      const otherName = await s.uniqueSchedule("ticket:1", inOneHour, "notify", {});
      assert.equal(new Set([a, other, otherName]).size, 3);

      assert.equal(await s.uniqueSchedule("ticket:1", inOneHour, "sla-check", { v: 3 }, { insertOnly: true }), a);
      job = await row(s, a);
      assert.equal(job.nextRunAt?.getTime(), inTwoHours.getTime(), "insertOnly leaves the time");
      assert.deepEqual(job.data, { ticketId: 1, v: 2 }, "and the data");
      assert.equal((await rows(s, "sla-check")).length, 2);
    });

    it("cancel(): by id, by name, by name and unique key, by data; refuses an empty query", async () => {
      const s = make();
      const later = new Date(Date.now() + 3600_000);
      const byId = await s.schedule(later, "a", { ticketId: 1 });
      await s.schedule(later, "a", { ticketId: 2 });
      await s.schedule(later, "b", { ticketId: 2 });
      await s.uniqueSchedule("ticket:3", later, "c", { ticketId: 3 });
      await s.uniqueSchedule("ticket:4", later, "c", { ticketId: 4 });
      await s.schedule(later, "d");

      assert.equal(await s.cancel({ id: byId }), 1);
      assert.equal(await s.cancel({ data: { ticketId: 2 } }), 2, "data containment across names");
      assert.equal(await s.cancel({ name: "c", uniqueKey: "ticket:3" }), 1);
      assert.equal(await s.cancel({ name: "c", uniqueKey: "ticket:3" }), 0);
      assert.equal(await s.cancel({ name: "d" }), 1);
      assert.deepEqual((await s.agenda.queryJobs()).jobs.map((j) => j.data), [{ ticketId: 4 }]);
      assert.throws(() => s.cancel({}), /needs a query/);
      assert.throws(() => s.cancel({ uniqueKey: "ticket:4" }), /needs the job name/);
      assert.equal((await s.agenda.queryJobs()).total, 1);
    });

    it("retry: the policy gets the attempt and the error, and the job runs again after its delay", async () => {
      const s = make();
      const attempts: { attempt: number; at: number }[] = [];
      const policy: [number, string][] = [];
      s.define(
        "flaky",
        async (_data, ctx) => {
          attempts.push({ attempt: ctx.attempt, at: Date.now() });
          if (ctx.attempt < 3) throw new Error(`failure ${ctx.attempt}`);
        },
        {
          retry: (attempt, error) => {
            policy.push([attempt, error.message]);
            return attempt < 5 ? 200 : null;
          },
        },
      );
      const id = await s.now("flaky");
      const succeeded = nextEvent(s.agenda, "success:flaky");
      await s.start();
      await succeeded;
      assert.deepEqual(attempts.map((a) => a.attempt), [1, 2, 3]);
      assert.deepEqual(policy, [
        [1, "failure 1"],
        [2, "failure 2"],
      ]);
      for (let i = 1; i < attempts.length; i++) assert.ok(attempts[i].at - attempts[i - 1].at >= 190, `retry ${i} came after ${attempts[i].at - attempts[i - 1].at} ms`);
      const done = await waitFor(async () => {
        const j = await row(s, id);
        return j.state === "completed" ? j : undefined;
      }, "completed");
      assert.equal(done.failCount, 0, "a success resets the count");
    });

    it("retry: gives up when the policy returns null; without a policy a failure is final", async () => {
      const s = make();
      const runs = { hopeless: 0, once: 0 };
      s.define(
        "hopeless",
        async () => {
          runs.hopeless++;
          throw new Error("never");
        },
        { retry: (attempt) => (attempt < 2 ? 50 : null) },
      );
      s.define("once", async () => {
        runs.once++;
        throw new Error("no policy");
      });
      const hopeless = await s.now("hopeless");
      const once = await s.now("once");
      const exhausted = nextEvent(s.agenda, "retry exhausted:hopeless");
      const onceFailed = nextEvent(s.agenda, "complete:once");
      await s.start();
      await Promise.all([exhausted, onceFailed]);
      const [h, o] = await Promise.all([
        waitFor(async () => ((await row(s, hopeless)).state === "failed" ? row(s, hopeless) : undefined), "hopeless failed"),
        waitFor(async () => ((await row(s, once)).state === "failed" ? row(s, once) : undefined), "once failed"),
      ]);
      assert.deepEqual([h.failCount, h.failReason, h.nextRunAt], [2, "never", null]);
      assert.deepEqual([o.failCount, o.failReason, o.nextRunAt], [1, "no policy", null]);
      await delay(200); // a few polls: nothing runs again
      assert.deepEqual(runs, { hopeless: 2, once: 1 });
    });

    it("uniqueSchedule() re-called while the job runs keeps the new schedule and runs it with the new data", async () => {
      // removeOnComplete on purpose: the run's end must not delete the rescheduled job either.
      const s = make({ removeOnComplete: true });
      const open = gate();
      const runs: { data: unknown; at: number }[] = [];
      s.define<{ v: number }>("sla-check", async (data) => {
        runs.push({ data, at: Date.now() });
        if (runs.length === 1) await open;
      });
      const id = await s.uniqueSchedule("ticket:9", new Date(), "sla-check", { v: 1 });
      const started = nextEvent(s.agenda, "start:sla-check");
      await s.start();
      await started;
      const next = Date.now() + 500;
      assert.equal(await s.uniqueSchedule("ticket:9", new Date(next), "sla-check", { v: 2 }), id);
      const firstDone = nextEvent(s.agenda, "complete:sla-check");
      for (const r of releases.splice(0)) r();
      await firstDone;
      const between = await row(s, id);
      assert.ok(between, "still there after the first run");
      assert.equal(between.nextRunAt?.getTime(), next, "the new schedule stands");
      assert.equal(between.lockedAt, undefined);
      await waitFor(() => runs.length === 2, "the rescheduled run");
      assert.deepEqual(runs.map((r) => r.data), [{ v: 1 }, { v: 2 }]);
      assert.ok(runs[1].at >= next, "not before its new time");
      await waitFor(async () => (await rows(s, "sla-check")).length === 0, "removal after the last run");
    });

    it("touch() keeps a job alive past its lock lifetime", async () => {
      const s = make();
      const errors: Error[] = [];
      s.agenda.on("error", (e: Error) => errors.push(e));
      s.define(
        "long",
        async (_data, ctx) => {
          for (let i = 1; i <= 8; i++) {
            await delay(100);
            await ctx.touch(i * 10);
          }
        },
        { lockLifetime: 300 },
      );
      const id = await s.now("long");
      const done = nextEvent(s.agenda, "success:long");
      await s.start();
      await done;
      assert.deepEqual(errors, []);
      assert.equal((await row(s, id)).progress, 80);
    });

    it("touch() not waited for just before the handler returns lands before the run's end: the job completes once, nothing is thrown", async () => {
      const warnings: unknown[] = [];
      const logger = { warn: (o: unknown) => warnings.push(o), error: (o: unknown) => warnings.push(o) } as unknown as SchedulerOptions["logger"];
      const s = make({ logger });
      let runs = 0;
      s.define("quick", async (_data, ctx) => {
        runs++;
        // As a batch loop reports progress: touch without waiting, then return at once.
        void ctx.touch(50);
      });
      const ids = [];
      for (let i = 0; i < 5; i++) ids.push(await s.now("quick"));
      await s.start();
      await waitFor(async () => (await rows(s, "quick")).every((j) => j.state === "completed"), "all five completed");
      await delay(200);
      assert.equal(runs, 5);
      for (const id of ids) {
        const j = await row(s, id);
        assert.equal(j.lockedAt, undefined, "the run's end was saved last (the lock is released)");
        assert.equal(j.progress, 50);
      }
      assert.deepEqual(warnings, []);
    });

    it("a touch() after the lock was lost is logged, and does not reject", async () => {
      const warnings: string[] = [];
      const logger = { warn: (_o: unknown, msg: string) => warnings.push(msg), error: () => undefined } as unknown as SchedulerOptions["logger"];
      const s = make({ logger });
      let touched: "resolved" | "rejected" | undefined;
      let release!: () => void;
      const stolen = new Promise<void>((r) => (release = r));
      s.define("robbed", async (_data, ctx) => {
        await stolen;
        await ctx.touch(10).then(
          () => (touched = "resolved"),
          () => (touched = "rejected"),
        );
      });
      const id = await s.now("robbed");
      await s.start();
      await waitFor(async () => (await row(s, id)).lockedAt !== undefined, "locked");
      // Another worker took it over (its lock expired): a new token.
      await t.db.serialized(() => t.db.ds.query("UPDATE jobs SET lock_token = 'someone-else' WHERE id = ?", [Number(id)]));
      release();
      await waitFor(() => touched, "the touch settled");
      assert.equal(touched, "resolved");
      assert.ok(warnings.includes("job touch failed"), JSON.stringify(warnings));
    });

    it("a worker holds at most twice its concurrency of one job name locked: the rest stay for other workers", async () => {
      const s = make();
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      s.define("hoard", () => gate, { concurrency: 2 });
      for (let i = 0; i < 12; i++) await s.now("hoard");
      await s.start();
      await waitFor(async () => (await rows(s, "hoard")).filter((j) => j.lockedAt).length === 4, "four locked");
      await delay(300); // several scans later
      assert.equal((await rows(s, "hoard")).filter((j) => j.lockedAt).length, 4, "2 running + 2 waiting, 8 left unlocked");
      release();
      await s.stop({ graceMs: 5000 });
    });

    it("stop(): releases jobs taken but not started, waits for the running one; start() again resumes", async () => {
      const s = make();
      let finished = 0;
      s.define(
        "slow",
        async () => {
          await delay(300);
          finished++;
        },
        // No lock limit (the default holds twice the concurrency): three taken, one running.
        { concurrency: 1, lockLimit: 0 },
      );
      for (let i = 0; i < 3; i++) await s.now("slow");
      const started = nextEvent(s.agenda, "start:slow");
      await s.start();
      await started;
      await waitFor(async () => (await rows(s, "slow")).every((j) => j.lockedAt), "all three locked here");
      await s.stop({ graceMs: 5000 });
      assert.equal(finished, 1, "the running job finished within the grace period");
      const after = await rows(s, "slow");
      assert.deepEqual(after.map((j) => [j.state, j.lockedAt]).sort(), [
        ["completed", undefined],
        ["queued", undefined],
        ["queued", undefined],
      ]);
      await s.start();
      await waitFor(() => finished === 3, "the other two after a restart");
    });
  });
}
