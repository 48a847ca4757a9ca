/**
 * npm run bench -- queue [--tickets=1000000] [--db=mariadb|sqlite|both] [--rounds=300] [--warmup=30]
 *                        [--seed=20260101] [--keep] [--reuse]
 *
 * Issue 2, acceptance 7: the operator queue at 1M tickets. Seeds a realistic database (bench/support/
 * seed-bulk.ts) on MariaDB and/or SQLite, then measures, interleaved round by round:
 *   (c) baseline: a primary-key read of one ticket, SELECT * FROM tickets WHERE id = ?
 *   (a) the operator queue: one OPD's open tickets by due time, first page of 25, with the COUNT
 *       behind Content-Range (listTickets, as GET /tickets does); the OPDs take turns
 *   (b) the ticket detail: findVisibleTicket + forwardsOfTicket + the ticket's messages by created_at
 * and prints p50/p95/p99 with the ratio to the baseline, seed time and database size, then each SQL
 * statement of the queue with its own timing and the engine's plan (MariaDB ANALYZE, SQLite EXPLAIN
 * QUERY PLAN). Target: queue p95 <= 25 ms on both engines.
 *
 * Default: fresh databases, dropped at the end. --keep keeps them (MariaDB aduan_bench_queue_<N>,
 * SQLite <tmp>/aduan-bench/queue_<N>/aduan.sqlite); --reuse measures a kept one without seeding again.
 */
import type { DataSource, EntityManager, Logger } from "typeorm";
import { Forward } from "../server/entities/forward.entity.js";
import { Message } from "../server/entities/message.entity.js";
import { Ticket } from "../server/entities/ticket.entity.js";
import { findVisibleTicket, forwardsOfTicket, listTickets } from "../server/queries/tickets.js";
import type { Viewer } from "../server/queries/viewer.js";
import { openBenchDatabase, type BenchDatabase, type BenchEngine } from "./support/databases.js";
import { Rng } from "./support/prng.js";
import { seedProgressBar } from "./support/progress.js";
import { seedBulk, type SeedProgress } from "./support/seed-bulk.js";
import { fmtBytes, fmtDuration, fmtInt, fmtMs, fmtRatio, summarize, table, timed, type Summary } from "./support/stats.js";
import { parseSeededReadArgs, type SeededReadArgs } from "./support/args.js";

const TARGET_P95_MS = 25;
const PAGE = 25;

type Args = SeededReadArgs;


const parseArgs = (argv: string[]): Args => parseSeededReadArgs(argv, { rounds: 300, warmup: 30 });

/** Records the SQL TypeORM sends while `capturing` is on (to time and EXPLAIN each statement). */
class CaptureLogger implements Logger {
  capturing = false;
  captured: { sql: string; params: unknown[] }[] = [];
  logQuery(query: string, parameters?: unknown) {
    if (this.capturing) this.captured.push({ sql: query, params: Array.isArray(parameters) ? parameters : [] });
  }
  logQueryError() {}
  logQuerySlow() {}
  logSchemaBuild() {}
  logMigration() {}
  log() {}
}

interface EngineReport {
  engine: BenchEngine;
  version: string;
  pk: Summary;
  queue: Summary;
  detail: Summary;
  seedMs: number | null;
  size: number;
}

export default async function queueBench(argv: string[]): Promise<void> {
  const args = parseArgs(argv);
  const reports: EngineReport[] = [];
  console.log(`queue benchmark: ${fmtInt(args.tickets)} tickets on ${args.engines.join(" and ")}; ${args.rounds} rounds after ${args.warmup} warm-up rounds; target queue p95 <= ${TARGET_P95_MS} ms`);
  for (const engine of args.engines) reports.push(await runEngine(engine, args));

  console.log(`\n== summary: ${fmtInt(args.tickets)} tickets ==`);
  const rows = [["", "seed", "size", "PK p95", "queue p50", "queue p95", "queue p99", "queue p95/PK", "detail p95", "detail p95/PK", `queue p95 <= ${TARGET_P95_MS} ms`]];
  for (const r of reports) {
    rows.push([
      r.version,
      r.seedMs == null ? "reused" : fmtDuration(r.seedMs),
      fmtBytes(r.size),
      fmtMs(r.pk.p95),
      fmtMs(r.queue.p50),
      fmtMs(r.queue.p95),
      fmtMs(r.queue.p99),
      fmtRatio(r.queue.p95 / r.pk.p95),
      fmtMs(r.detail.p95),
      fmtRatio(r.detail.p95 / r.pk.p95),
      r.queue.p95 <= TARGET_P95_MS ? "met" : "MISSED",
    ]);
  }
  console.log(table(rows));
}

async function runEngine(engine: BenchEngine, args: Args): Promise<EngineReport> {
  const capture = new CaptureLogger();
  const bdb = await openBenchDatabase(engine, {
    name: args.keep ? `queue_${args.tickets}` : undefined,
    reuse: args.reuse,
    extra: { logger: capture },
  });
  try {
    return await measureEngine(bdb, capture, args);
  } finally {
    await bdb.close();
    if (args.keep) console.log(`kept: ${bdb.location} (measure again with --reuse)`);
  }
}

async function measureEngine(bdb: BenchDatabase, capture: CaptureLogger, args: Args): Promise<EngineReport> {
  const { db, engine } = bdb;
  const ds = db.ds;
  const mysql = engine === "mariadb";
  console.log(`\n== ${bdb.version} · ${fmtInt(args.tickets)} tickets ==`);
  console.log(`database     ${bdb.location} (${bdb.reused ? "reused" : "fresh"}${args.keep ? ", kept" : ", dropped at the end"})`);

  // ---- seed -------------------------------------------------------------------------------------
  let seedMs: number | null = null;
  if (!bdb.reused) {
    const bar = seedProgressBar(engine.padEnd(7));
    const phaseStart = new Map<string, number>();
    const onProgress = (p: SeedProgress) => {
      if (!phaseStart.has(p.phase)) phaseStart.set(p.phase, Date.now());
      bar.onProgress(p);
    };
    try {
      const res = await seedBulk(db, { tickets: args.tickets, seed: args.seed, onProgress });
      seedMs = res.ms;
    } finally {
      bar.stop();
    }
    const t = (a: string, b: string) => fmtDuration((phaseStart.get(b) ?? Date.now()) - (phaseStart.get(a) ?? Date.now()));
    console.log(`seed         ${fmtDuration(seedMs)} (${fmtInt(args.tickets / (seedMs / 1000))} tickets/s; reference+contacts ${t("reference", "tickets")}, tickets+forwards+messages ${t("tickets", "done")})`);
  } else {
    const rows = (await ds.query("SELECT COUNT(*) AS n FROM tickets")) as { n: number | string }[];
    if (Number(rows[0]?.n) !== args.tickets) throw new Error(`--reuse: the kept database has ${rows[0]?.n} tickets, not ${args.tickets}`);
    console.log("seed         (reused)");
  }
  if (mysql) {
    // Fresh InnoDB statistics, as a server that has been running would have them.
    const ms = await timed(() => ds.query("ANALYZE TABLE agencies, categories, users, contacts, contact_identities, tickets, forwards, messages"));
    console.log(`analyze      ANALYZE TABLE ${fmtDuration(ms)}`);
  }

  // ---- what is in the database (read back, so --reuse reports the same) -------------------------
  const count = async (sql: string) => Number(((await ds.query(sql)) as { n: number | string }[])[0]?.n ?? 0);
  const counts = {
    tickets: await count("SELECT COUNT(*) AS n FROM tickets"),
    open: await count("SELECT COUNT(*) AS n FROM tickets WHERE is_open = 1"),
    forwards: await count("SELECT COUNT(*) AS n FROM forwards"),
    openForwards: await count("SELECT COUNT(*) AS n FROM forwards WHERE is_open = 1"),
    messages: await count("SELECT COUNT(*) AS n FROM messages"),
    contacts: await count("SELECT COUNT(*) AS n FROM contacts"),
    identities: await count("SELECT COUNT(*) AS n FROM contact_identities"),
  };
  console.log(
    `rows         tickets ${fmtInt(counts.tickets)} (open ${fmtInt(counts.open)}) · forwards ${fmtInt(counts.forwards)} (open ${fmtInt(counts.openForwards)}) · ` +
      `messages ${fmtInt(counts.messages)} · contacts ${fmtInt(counts.contacts)} · identities ${fmtInt(counts.identities)}`,
  );
  const size = await bdb.size();
  console.log(`size         ${fmtBytes(size.total)}${size.index != null ? ` (tables ${fmtBytes(size.data!)}, indexes ${fmtBytes(size.index)})` : ""}`);
  const agencies = (await ds.query(
    "SELECT a.id AS id, a.short_name AS name, (SELECT COUNT(*) FROM forwards f WHERE f.agency_id = a.id AND f.is_open = 1) AS n FROM agencies a ORDER BY n DESC, a.id",
  )) as { id: number; name: string; n: number | string }[];
  console.log(`OPD queues   ${agencies.map((a) => `${a.name} ${fmtInt(Number(a.n))}`).join(" · ")} (open forwards)`);
  const operator = ((await ds.query("SELECT id, email, name FROM users WHERE role = 'operator' ORDER BY id LIMIT 1")) as { id: number; email: string; name: string }[])[0];
  if (!operator) throw new Error("no operator user in the database");
  const viewer: Viewer = { id: Number(operator.id), email: operator.email, name: operator.name, role: "operator", agencyId: null };

  // ---- the reads ---------------------------------------------------------------------------------
  const m: EntityManager = db.manager;
  const pkRead = (id: number) => m.query("SELECT * FROM tickets WHERE id = ?", [id]);
  const queue = async (agencyId: number) => {
    const res = await listTickets(m, viewer, { filter: { agencyId, isOpen: true }, sort: { field: "dueAt", order: "ASC" }, range: { start: 0, end: PAGE - 1 } });
    if (res.rows.length !== Math.min(PAGE, res.total)) throw new Error(`queue of OPD ${agencyId}: ${res.rows.length} rows for total ${res.total}`);
    return res;
  };
  const detail = async (id: number) => {
    const t = await findVisibleTicket(m, viewer, id);
    if (!t) throw new Error(`ticket ${id} not visible`);
    const forwards = await forwardsOfTicket(m, id);
    const messages = await m.getRepository(Message).find({ where: { ticketId: id }, order: { createdAt: "ASC", id: "ASC" } });
    if (messages.length === 0) throw new Error(`ticket ${id} has no messages`);
    return { t, forwards, messages };
  };

  const agencyIds = agencies.map((a) => Number(a.id));
  // Sanity: the first page really is in due order and belongs to the OPD; each OPD's total is its open forwards.
  {
    const page = await queue(Number(agencies[0]!.id));
    const dues = page.rows.map((r) => r.forward?.dueAt?.getTime() ?? NaN);
    if (page.total !== Number(agencies[0]!.n) || dues.some((d, i) => Number.isNaN(d) || (i > 0 && d < dues[i - 1]!))) {
      throw new Error(`queue check failed: total ${page.total} vs ${agencies[0]!.n} open forwards, dues ${dues.join(",")}`);
    }
    for (const a of agencies) {
      const page = await queue(Number(a.id));
      if (page.total !== Number(a.n) || page.rows.some((r) => r.forward?.agencyId !== Number(a.id) || !r.forward.isOpen)) {
        throw new Error(`queue of OPD ${a.name}: total ${page.total} vs ${a.n} open forwards, or a row without its open forward`);
      }
    }
  }

  const rng = new Rng(args.seed + 99);
  const ids = Array.from({ length: args.rounds + args.warmup }, () => 1 + rng.int(counts.tickets));
  const samples = { pk: [] as number[], queue: [] as number[], detail: [] as number[] };
  const perAgency = new Map<number, number[]>(agencyIds.map((id) => [id, []]));
  for (let round = 0; round < args.warmup + args.rounds; round++) {
    const id = ids[round]!;
    const agencyId = agencyIds[round % agencyIds.length]!;
    const ops: [keyof typeof samples, () => Promise<unknown>][] = [
      ["pk", () => pkRead(id)],
      ["queue", () => queue(agencyId)],
      ["detail", () => detail(id)],
    ];
    for (let k = 0; k < ops.length; k++) {
      const [name, fn] = ops[(round + k) % ops.length]!; // rotate the order: no read always goes first
      const ms = await timed(fn);
      if (round < args.warmup) continue;
      samples[name].push(ms);
      if (name === "queue") perAgency.get(agencyId)!.push(ms);
    }
  }
  const pk = summarize(samples.pk);
  const q = summarize(samples.queue);
  const d = summarize(samples.detail);
  const row = (label: string, s: Summary) => [label, fmtMs(s.p50), fmtMs(s.p95), fmtMs(s.p99), fmtMs(s.max), fmtRatio(s.p50 / pk.p50), fmtRatio(s.p95 / pk.p95), String(s.n)];
  console.log("");
  console.log(
    table([
      ["read", "p50", "p95", "p99", "max", "p50/PK", "p95/PK", "n"],
      row("(c) PK read, baseline", pk),
      row(`(a) queue: OPD open by due, ${PAGE} + COUNT`, q),
      row("(b) detail: ticket + forwards + messages", d),
    ]),
  );
  console.log(
    `queue p95 by OPD: ${agencies.map((a) => `${a.name} ${fmtMs(summarize(perAgency.get(Number(a.id))!).p95)} (${fmtInt(Number(a.n))} open)`).join(" · ")}`,
  );
  console.log(`target: queue p95 <= ${TARGET_P95_MS} ms on ${engine}: ${q.p95 <= TARGET_P95_MS ? "met" : "MISSED"} (p95 ${fmtMs(q.p95)})`);

  // ---- each statement of the queue and the detail, with its plan ---------------------------------
  const busiest = Number(agencies[0]!.id);
  capture.captured = [];
  capture.capturing = true;
  await queue(busiest);
  const queueSql = capture.captured;
  capture.captured = [];
  await detail(ids[0]!);
  const detailSql = capture.captured;
  capture.capturing = false;
  console.log(`\nstatements of one queue read (busiest OPD ${agencies[0]!.name}) and one detail read, each timed alone (p50/p95 of 30), with the ${mysql ? "MariaDB ANALYZE" : "SQLite EXPLAIN QUERY PLAN"} plan:`);
  async function explainAll(label: string, list: { sql: string; params: unknown[] }[]) {
    for (const [i, s] of list.entries()) {
      const times: number[] = [];
      for (let k = 0; k < 33; k++) {
        const ms = await timed(() => ds.query(s.sql, s.params));
        if (k >= 3) times.push(ms);
      }
      const st = summarize(times);
      console.log(`\n[${label} ${i + 1}] p50 ${fmtMs(st.p50)}, p95 ${fmtMs(st.p95)}  ${oneLine(s.sql)}  -- params ${JSON.stringify(s.params).slice(0, 120)}`);
      console.log(indent(await plan(ds, mysql, s.sql, s.params)));
    }
  }
  await explainAll("a", queueSql);
  await explainAll("b", detailSql);
  // Not part of (b) as specified, but GET /messages?filter={ticketId} runs it beside (b) (conversation.routes.ts).
  console.log("\nalso on the detail screen: GET /messages looks up tickets merged into this one:");
  await explainAll("b+", [{ sql: `SELECT ${mysql ? "`t`.`id`" : '"t"."id"'} FROM tickets t WHERE t.merged_into_id = ?`, params: [ids[0]!] }]);

  return { engine, version: bdb.version, pk, queue: q, detail: d, seedMs, size: size.total };
}

const oneLine = (sql: string) => sql.replace(/\s+/g, " ").replace(/SELECT .*? FROM/, (x) => (x.length > 120 ? "SELECT … FROM" : x));
const indent = (s: string) => s.split("\n").map((l) => `    ${l}`).join("\n");

async function plan(ds: DataSource, mysql: boolean, sql: string, params: unknown[]): Promise<string> {
  if (mysql) {
    const rows = (await ds.query(`ANALYZE ${sql}`, params)) as Record<string, unknown>[];
    const cols = ["id", "select_type", "table", "type", "key", "key_len", "ref", "rows", "r_rows", "filtered", "r_filtered", "Extra"];
    return table([cols, ...rows.map((r) => cols.map((c) => (r[c] == null ? "" : String(r[c]))))]);
  }
  const rows = (await ds.query(`EXPLAIN QUERY PLAN ${sql}`, params)) as { id: number; parent: number; detail: string }[];
  const depth = new Map<number, number>([[0, 0]]);
  return rows
    .map((r) => {
      const dpt = (depth.get(r.parent) ?? 0) + 1;
      depth.set(r.id, dpt);
      return `${"  ".repeat(dpt - 1)}${r.detail}`;
    })
    .join("\n");
}
