/**
 * npm run bench -- reports [--tickets=1000000] [--db=mariadb|sqlite|both] [--rounds=20] [--warmup=3]
 *                          [--seed=20260101] [--keep] [--reuse]
 *
 * Issue 16, acceptance 3 (the report part): at N tickets (bench/support/seed-bulk.ts: 24 months,
 * 6 OPDs, plus citizens' ratings on a third of the answered tickets), measured interleaved round by
 * round beside a primary-key read:
 *   (c) baseline: SELECT * FROM tickets WHERE id = ?
 *   (a) one OPD's month report (computeAgencyReport, the API's JSON/PDF/XLSX source); OPDs and the
 *       last 12 full months take turns. Target p95 <= 500 ms.
 *   (b) /kinerja for a month, cold: every in-process cache cleared (the page's, the lookups', the
 *       SLA settings'), the month rows kept by the report-rollups job in the table. Target p95 <= 100 ms.
 * Also printed once: the report-rollups job for two months (what keeps (b) fresh), one province-wide
 * month, and (b) with the rows missing (the cold path that recomputes them).
 */
import { clearAccountabilityCache, accountabilityMonth } from "../server/queries/accountability.js";
import { clearPublicLookups } from "../server/queries/public-reports.js";
import { computeAgencyReport } from "../server/queries/reports/agency-report.js";
import { refreshMonthRollups } from "../server/queries/reports/month-rollups.js";
import { monthOf, shiftMonth } from "../server/queries/reports/period.js";
import { clearSlaSettingsCache } from "../server/clocks/sla-settings.js";
import { openBenchDatabase, type BenchEngine } from "./support/databases.js";
import { Rng } from "./support/prng.js";
import { seedProgressBar } from "./support/progress.js";
import { seedBulk } from "./support/seed-bulk.js";
import { fmtBytes, fmtDuration, fmtInt, fmtMs, fmtRatio, summarize, table, timed, type Summary } from "./support/stats.js";
import { parseSeededReadArgs, type SeededReadArgs } from "./support/args.js";

const TARGET_REPORT_MS = 500;
const TARGET_KINERJA_MS = 100;

type Args = SeededReadArgs;


const parseArgs = (argv: string[]): Args => parseSeededReadArgs(argv, { rounds: 20, warmup: 3 });

interface EngineReport { version: string; pk: Summary; report: Summary; kinerja: Summary; rollupMs: number; provinceMs: number; kinerjaMissingMs: number; forwardsPerOpdMonth: number }

export default async function reportsBench(argv: string[]): Promise<void> {
  const args = parseArgs(argv);
  console.log(`reports benchmark: ${fmtInt(args.tickets)} tickets on ${args.engines.join(" and ")}; ${args.rounds} rounds after ${args.warmup}; targets: OPD month p95 <= ${TARGET_REPORT_MS} ms, /kinerja cold p95 <= ${TARGET_KINERJA_MS} ms`);
  const reports: EngineReport[] = [];
  for (const engine of args.engines) reports.push(await runEngine(engine, args));
  console.log(`\n== summary: ${fmtInt(args.tickets)} tickets ==`);
  console.log(
    table([
      ["", "PK p95", "OPD month p50", "OPD month p95", "p95/PK", "/kinerja cold p50", "/kinerja cold p95", "p95/PK", "rollup job (2 months)", "province month", `OPD month <= ${TARGET_REPORT_MS} ms`, `/kinerja <= ${TARGET_KINERJA_MS} ms`],
      ...reports.map((r) => [
        r.version, fmtMs(r.pk.p95), fmtMs(r.report.p50), fmtMs(r.report.p95), fmtRatio(r.report.p95 / r.pk.p95), fmtMs(r.kinerja.p50), fmtMs(r.kinerja.p95), fmtRatio(r.kinerja.p95 / r.pk.p95),
        fmtDuration(r.rollupMs), fmtDuration(r.provinceMs), r.report.p95 <= TARGET_REPORT_MS ? "met" : "MISSED", r.kinerja.p95 <= TARGET_KINERJA_MS ? "met" : "MISSED",
      ]),
    ]),
  );
}

async function runEngine(engine: BenchEngine, args: Args): Promise<EngineReport> {
  const bdb = await openBenchDatabase(engine, { name: args.keep ? `reports_${args.tickets}` : undefined, reuse: args.reuse });
  try {
    const { db } = bdb;
    const ds = db.ds;
    console.log(`\n== ${bdb.version} · ${fmtInt(args.tickets)} tickets ==`);
    let now = new Date();
    if (!bdb.reused) {
      const bar = seedProgressBar(engine.padEnd(7));
      try {
        const res = await seedBulk(db, { tickets: args.tickets, seed: args.seed, onProgress: bar.onProgress });
        now = res.now;
        console.log(`seed         ${fmtDuration(res.ms)}`);
      } finally {
        bar.stop();
      }
      // Citizens rate a third of the answered tickets (a comment on every seventh).
      const ms = await timed(() =>
        ds.query(
          `INSERT INTO ticket_ratings (ticket_id, rating, comment, created_at, updated_at)
           SELECT id, 1 + (id % 5), CASE WHEN id % 7 = 0 THEN 'Pelayanan cukup baik, terima kasih.' ELSE NULL END, COALESCE(answered_at, received_at), COALESCE(answered_at, received_at)
             FROM tickets WHERE status IN ('answered', 'resolved', 'closed') AND id % 3 = 0`,
        ),
      );
      console.log(`ratings      ${fmtDuration(ms)}`);
    }
    if (engine === "mariadb") await ds.query("ANALYZE TABLE tickets, forwards, sla_clocks, ticket_ratings, report_month_rollups");
    const count = async (sql: string) => Number(((await ds.query(sql)) as { n: number | string }[])[0]?.n ?? 0);
    console.log(`rows         tickets ${fmtInt(await count("SELECT COUNT(*) AS n FROM tickets"))} · forwards ${fmtInt(await count("SELECT COUNT(*) AS n FROM forwards"))} · ratings ${fmtInt(await count("SELECT COUNT(*) AS n FROM ticket_ratings"))}`);
    const size = await bdb.size();
    console.log(`size         ${fmtBytes(size.total)}`);

    const m = db.manager;
    const agencies = ((await ds.query("SELECT id FROM agencies ORDER BY id")) as { id: number }[]).map((a) => Number(a.id));
    const current = monthOf(now, "Asia/Jakarta");
    const months = Array.from({ length: 12 }, (_, i) => shiftMonth(current, -1 - i));
    const maxTicket = await count("SELECT MAX(id) AS n FROM tickets");

    // The job that keeps /kinerja's rows: two months, every OPD. Then every measured month's rows.
    const rollupMs = await timed(async () => {
      await refreshMonthRollups(m, current, now);
      await refreshMonthRollups(m, shiftMonth(current, -1), now);
    });
    for (const month of months.slice(1)) await refreshMonthRollups(m, month, now);
    console.log(`rollup job   ${fmtDuration(rollupMs)} (current and last month, ${agencies.length} OPDs)`);
    const provinceMs = await timed(() => computeAgencyReport(m, { agencyId: null, kind: "month", month: months[0]!, now }));
    console.log(`province     one month province-wide: ${fmtDuration(provinceMs)}`);
    const sample = await computeAgencyReport(m, { agencyId: agencies[0]!, kind: "month", month: months[0]!, now });
    console.log(`OPD month    e.g. OPD ${agencies[0]} ${months[0]}: ${fmtInt(sample.volume.forwarded)} forwards, ${fmtInt(sample.volume.answered)} answered, ${fmtInt(sample.ratings.count)} ratings`);
    const coldAll = () => {
      clearAccountabilityCache();
      clearPublicLookups();
      clearSlaSettingsCache();
    };
    // /kinerja with its rows missing: the cold path recomputes them (then they are there again).
    await ds.query("DELETE FROM report_month_rollups WHERE month = ?", [months[0]]);
    coldAll();
    const kinerjaMissingMs = await timed(() => accountabilityMonth(m, months[0]!, now));
    console.log(`/kinerja     a month without rows (computed on the spot and stored): ${fmtDuration(kinerjaMissingMs)}`);

    const rng = new Rng(args.seed + 7);
    const samples = { pk: [] as number[], report: [] as number[], kinerja: [] as number[] };
    for (let round = 0; round < args.warmup + args.rounds; round++) {
      const agencyId = agencies[round % agencies.length]!;
      const month = months[round % months.length]!;
      const id = 1 + rng.int(maxTicket);
      const ops: [keyof typeof samples, () => Promise<unknown>][] = [
        ["pk", () => ds.query("SELECT * FROM tickets WHERE id = ?", [id])],
        ["report", () => computeAgencyReport(m, { agencyId, kind: "month", month, now })],
        ["kinerja", async () => {
          coldAll();
          return accountabilityMonth(m, month, now);
        }],
      ];
      for (let k = 0; k < ops.length; k++) {
        const [name, fn] = ops[(round + k) % ops.length]!;
        const ms = await timed(fn);
        if (round >= args.warmup) samples[name].push(ms);
      }
    }
    const pk = summarize(samples.pk);
    const report = summarize(samples.report);
    const kinerja = summarize(samples.kinerja);
    const row = (label: string, s: Summary) => [label, fmtMs(s.p50), fmtMs(s.p95), fmtMs(s.max), fmtRatio(s.p95 / pk.p95), String(s.n)];
    console.log(table([["read", "p50", "p95", "max", "p95/PK", "n"], row("(c) PK read, baseline", pk), row("(a) one OPD's month report", report), row("(b) /kinerja month, cold caches", kinerja)]));
    return { version: bdb.version, pk, report, kinerja, rollupMs, provinceMs, kinerjaMissingMs, forwardsPerOpdMonth: sample.volume.forwarded };
  } finally {
    await bdb.close();
    if (args.keep) console.log(`kept: ${bdb.location} (measure again with --reuse)`);
  }
}
