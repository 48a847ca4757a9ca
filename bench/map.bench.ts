/**
 * npm run bench -- map [--tickets=1000000] [--db=mariadb|sqlite|both] [--rounds=200] [--warmup=20] [--seed=20260101]
 *
 * Issue 16 (the wall's map and photo panels): the server time of GET /api/map/points and
 * GET /api/wall/photos at N tickets, beside a primary-key read measured in the same run,
 * interleaved round by round:
 *   (pk)         SELECT * FROM tickets WHERE id = ?          (baseline)
 *   map-points   the newest ≤ 2,000 geolocated tickets of the last 30 days (ticket_locations'
 *                received_at index, then tickets and categories by primary key)
 *   map-7-days   the same over 7 days
 *   wall-photos  the newest 24 photos marked "boleh tampil" of publik tickets
 * Seeding: bench/support/seed-bulk.ts (24 months of tickets, 35 % with coordinates, written to
 * ticket_locations as setTicketLocation keeps it) and 200 wall_photos rows. Target p95 <= 50 ms.
 */
import { mapPoints, wallPhotos } from "../server/queries/map.js";
import type { Viewer } from "../server/queries/viewer.js";
import { openBenchDatabase, type BenchDatabase, type BenchEngine } from "./support/databases.js";
import { Rng } from "./support/prng.js";
import { seedProgressBar } from "./support/progress.js";
import { seedBulk, type SeedProgress } from "./support/seed-bulk.js";
import { fmtDuration, fmtInt, fmtMs, fmtRatio, summarize, table, timed, type Summary } from "./support/stats.js";
import { parseSeededReadArgs } from "./support/args.js";

const TARGET_P95_MS = 50;
const READS = ["pk", "map-points", "map-7-days", "wall-photos"] as const;
type Read = (typeof READS)[number];


export default async function mapBench(argv: string[]): Promise<void> {
  const a = parseSeededReadArgs(argv, { rounds: 200, warmup: 20 });
  console.log(`map benchmark: ${fmtInt(a.tickets)} tickets on ${a.engines.join(" and ")}; ${a.rounds} rounds after ${a.warmup} warm-up rounds; target p95 <= ${TARGET_P95_MS} ms`);
  const rows = [["", "points", "PK p95", ...READS.filter((r) => r !== "pk").map((r) => `${r} p95`), `p95 <= ${TARGET_P95_MS} ms`]];
  for (const engine of a.engines) {
    const bdb = await openBenchDatabase(engine);
    try {
      const r = await measure(bdb, a);
      const reads = READS.filter((x) => x !== "pk");
      rows.push([bdb.version, fmtInt(r.points), fmtMs(r.stats.pk.p95), ...reads.map((x) => `${fmtMs(r.stats[x].p95)} (${fmtRatio(r.stats[x].p95 / r.stats.pk.p95)})`), reads.every((x) => r.stats[x].p95 <= TARGET_P95_MS) ? "met" : "MISSED"]);
    } finally {
      await bdb.close();
    }
  }
  console.log(`\n== summary ==\n${table(rows)}`);
}

async function measure(bdb: BenchDatabase, a: { tickets: number; rounds: number; warmup: number; seed: number }): Promise<{ points: number; stats: Record<Read, Summary> }> {
  const { db } = bdb;
  const mysql = bdb.engine === "mariadb";
  console.log(`\n== ${bdb.version} · ${fmtInt(a.tickets)} tickets ==`);
  const bar = seedProgressBar(bdb.engine.padEnd(7));
  const started = Date.now();
  let res;
  try {
    res = await seedBulk(db, { tickets: a.tickets, seed: a.seed, onProgress: (p: SeedProgress) => bar.onProgress(p) });
  } finally {
    bar.stop();
  }
  const now = res.now;
  // 200 photos marked for the wall, on the newest publik tickets.
  const t = (d: Date) => (mysql ? d : d.toISOString().replace("T", " ").replace("Z", ""));
  const recent = (await db.manager.query("SELECT id FROM tickets WHERE privacy = 'publik' ORDER BY id DESC LIMIT 200")) as { id: number | string }[];
  for (const [i, r] of recent.entries()) {
    await db.manager.query("INSERT INTO wall_photos (attachment_id, ticket_id, storage_key, mime_type, width, height, size_bytes, marked_by_user_id, created_at) VALUES (?, ?, ?, 'image/jpeg', 1280, 960, 100000, NULL, ?)", [
      1_000_000_000 + i,
      Number(r.id),
      `wall/${r.id}/${i}.jpg`,
      t(new Date(now.getTime() - (200 - i) * 60_000)),
    ]);
  }
  if (mysql) await db.ds.query("ANALYZE TABLE tickets, ticket_locations, wall_photos, categories");
  const count = async (sql: string) => Number(((await db.ds.query(sql)) as { n: number | string }[])[0]?.n ?? 0);
  const tickets = await count("SELECT COUNT(*) AS n FROM tickets");
  console.log(`seed         ${fmtDuration(Date.now() - started)} · tickets ${fmtInt(tickets)} · with coordinates ${fmtInt(await count("SELECT COUNT(*) AS n FROM ticket_locations"))}`);

  const m = db.manager;
  const viewer: Viewer = { id: 1, email: "bench@aduan", name: "bench", role: "supervisor", agencyId: null };
  const points = (await mapPoints(m, viewer, { since: new Date(now.getTime() - 30 * 86_400_000) })).length;
  console.log(`check        ${fmtInt(points)} points in the last 30 days (at most 2,000); ${(await wallPhotos(m, viewer)).length} wall photos`);
  const plan = (await m.query(
    `${mysql ? "EXPLAIN" : "EXPLAIN QUERY PLAN"} SELECT t.id FROM ticket_locations l ${mysql ? "STRAIGHT_JOIN" : "CROSS JOIN"} tickets t ON t.id = l.ticket_id LEFT JOIN categories c ON c.id = t.category_id WHERE l.received_at >= ? AND t.privacy <> 'rahasia' AND t.merged_into_id IS NULL ORDER BY l.received_at DESC LIMIT 2000`,
    [t(new Date(now.getTime() - 30 * 86_400_000))],
  )) as Record<string, unknown>[];
  console.log(`plan         ${plan.map((r) => (mysql ? `${r.table}:${r.type}:${r.key ?? "-"}` : String(r.detail))).join(" | ")}`);
  const rng = new Rng(a.seed + 11);
  const ops: Record<Read, () => Promise<unknown>> = {
    pk: () => m.query("SELECT * FROM tickets WHERE id = ?", [1 + rng.int(tickets)]),
    "map-points": () => mapPoints(m, viewer, { since: new Date(now.getTime() - 30 * 86_400_000) }),
    "map-7-days": () => mapPoints(m, viewer, { since: new Date(now.getTime() - 7 * 86_400_000) }),
    "wall-photos": () => wallPhotos(m, viewer),
  };
  const samples = Object.fromEntries(READS.map((r) => [r, [] as number[]])) as Record<Read, number[]>;
  for (let round = 0; round < a.warmup + a.rounds; round++) {
    for (let k = 0; k < READS.length; k++) {
      const name = READS[(round + k) % READS.length]!;
      const ms = await timed(ops[name]);
      if (round >= a.warmup) samples[name].push(ms);
    }
  }
  const stats = Object.fromEntries(READS.map((r) => [r, summarize(samples[r])])) as Record<Read, Summary>;
  console.log(
    table([
      ["read", "p50", "p95", "p99", "max", "p95/PK", "n"],
      ...READS.map((r) => [r, fmtMs(stats[r].p50), fmtMs(stats[r].p95), fmtMs(stats[r].p99), fmtMs(stats[r].max), fmtRatio(stats[r].p95 / stats.pk.p95), String(stats[r].n)]),
    ]),
  );
  return { points, stats };
}
