import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import supertest from "supertest";
import type { InboundMessage } from "../../channels/connector.js";
import { ensureSlaDefaults } from "../../server/commands/ensure-sla-defaults.js";
import { ingestInboundBatch } from "../../server/commands/ingest-batch.js";
import type { IngestInput } from "../../server/commands/ingest-inbound-message.js";
import { SYSTEM_ACTOR } from "../../server/commands/append-audit-event.js";
import { Agency, ChannelAccount, Contact, Forward, Ticket } from "../../server/entities/index.js";
import { sqliteTarget, type TestDatabase } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";

/**
 * The ingest path's reads stay proportional to the batch, not to the database, on the embedded
 * SQLite database. SQLite plans without statistics unless ANALYZE ran, and then takes an equality
 * on any indexed column for selective: `contact_id IN (…) AND is_open = 1` was planned on the
 * (is_open, due_at) index, which reads every open ticket of the province (8 s per batch at 1M
 * tickets with 150,000 open, measured), and `status = 'merged'` on the status index. Every
 * statement a batch runs is planned here (EXPLAIN QUERY PLAN) and must neither scan a table that
 * grows with the complaints nor look rows up by an open/closed flag or a status alone.
 */
const AT = new Date("2026-11-23T03:00:00.000Z");
const SECRET = "test-session-secret-that-is-long-enough-0123456789";
/** Tables that grow with every complaint; a full scan of one is O(database). */
const GROWING = ["tickets", "messages", "contacts", "contact_identities", "inbound_receipts", "audit_events", "forwards", "sla_clocks", "outbox", "attachments", "jobs", "public_reports"];
const SCAN_OF_GROWING = new RegExp(`\\bSCAN (?:${GROWING.join("|")})\\b`);
/** An index searched by a column with a handful of values (open or not, a status) alone. */
const BY_FLAG_ALONE = /USING (?:COVERING )?INDEX \S+ \((?:is_open|status)=\?\)/;

interface RawSqlite {
  prepare(sql: string): { all(...params: unknown[]): { detail: string }[] };
}

/** Records every statement text prepared on the connection from now on; `stop()` restores it. */
function captureStatements(raw: RawSqlite): { statements: Set<string>; stop(): void } {
  const statements = new Set<string>();
  const prepare = raw.prepare.bind(raw);
  raw.prepare = (sql: string) => {
    statements.add(sql);
    return prepare(sql);
  };
  return { statements, stop: () => delete (raw as { prepare?: unknown }).prepare };
}

/** Each statement's plan lines that match `wrong`, with the statement (EXPLAIN QUERY PLAN, parameters null). */
function plansMatching(raw: RawSqlite, statements: Iterable<string>, wrong: (line: string) => boolean): string[] {
  const bad: string[] = [];
  for (const sql of statements) {
    if (!/^\s*(SELECT|UPDATE|DELETE|WITH)\b/i.test(sql) || /\bsqlite_master\b/.test(sql)) continue;
    const params = Array((sql.match(/\?/g) ?? []).length).fill(null);
    const lines = raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params).map((r) => r.detail).filter(wrong);
    if (lines.length) bad.push(`${sql.replace(/\s+/g, " ").slice(0, 240)}\n    -> ${lines.join(" | ")}`);
  }
  return bad;
}

describe("ingest on SQLite: every read is planned on a selective index (no O(open tickets) per batch)", () => {
  let t: TestDatabase;
  let raw: RawSqlite;
  let capture: ReturnType<typeof captureStatements>;
  let account: ChannelAccount;

  before(async () => {
    t = await sqliteTarget.open();
    raw = (t.db.ds.driver as unknown as { databaseConnection: RawSqlite }).databaseConnection;
    // Every statement text the batches prepare (TypeORM prepares each text once and keeps it).
    capture = captureStatements(raw);
    account = await t.db.tx(async (m) => {
      await ensureSlaDefaults(m, AT);
      const repo = m.getRepository(ChannelAccount);
      return repo.save(repo.create({ connector: "twilio-sms", kind: "sms", name: "SMS (uji)", configEncrypted: "{}", active: true, lastError: null, createdAt: AT, updatedAt: AT }));
    });
  });
  after(async () => {
    capture?.stop();
    await t?.destroy();
  });

  const sms = (i: number, round: number): IngestInput => {
    const phone = `+62812345${String(i).padStart(5, "0")}`;
    const message: InboundMessage = {
      channelKind: "sms",
      externalId: `SM-${round}-${i}`,
      externalThreadId: phone,
      sender: { externalId: phone, phone },
      sentAt: new Date(AT.getTime() - 60_000),
      text: `Lampu jalan nomor ${i} mati (${round})`,
      attachments: [],
      raw: {},
    };
    return { account, message, publicUrl: "https://aduan.test" };
  };

  it("a batch of new citizens, then a batch of the same citizens writing again, then one that repeats a delivery", async () => {
    const ctx = { actor: SYSTEM_ACTOR, at: AT, secretKey: SECRET };
    const first = await t.db.tx((m) => ingestInboundBatch(m, ctx, Array.from({ length: 6 }, (_, i) => sms(i, 1))));
    assert.deepEqual(first.map((o) => o.kind), Array(6).fill("created"));
    // Known citizens with open tickets: the threading lookup runs with an IN list of them.
    const second = await t.db.tx((m) => ingestInboundBatch(m, ctx, Array.from({ length: 6 }, (_, i) => sms(i, 2))));
    assert.deepEqual(second.map((o) => o.kind), Array(6).fill("appended"));
    const third = await t.db.tx((m) => ingestInboundBatch(m, ctx, [sms(0, 2), sms(1, 3)]));
    assert.deepEqual(third.map((o) => o.kind), ["duplicate", "appended"]);
    assert.equal(await t.db.manager.getRepository(Ticket).count(), 6);
    assert.equal(await t.db.manager.getRepository(Contact).count(), 6);

    const statements = [...capture.statements];
    assert.ok(statements.some((s) => /FROM "?tickets"?\b/.test(s) && /contact_id IN/.test(s)), "the threading lookup was among the statements planned");
    const bad = plansMatching(raw, statements, (line) => SCAN_OF_GROWING.test(line) || BY_FLAG_ALONE.test(line));
    assert.deepEqual(bad, [], `statements planned on a whole table or on a flag alone:\n${bad.join("\n")}`);
  });
});

/**
 * An OPD sees the tickets forwarded to it: `EXISTS (SELECT 1 FROM forwards … WHERE ticket_id = t.id
 * AND agency_id = ?)`, once per ticket considered. SQLite searched that subquery by the OPD's index,
 * every forward of the OPD for each ticket: one page of an OPD's closed tickets took 268 s at 1M
 * tickets (310,000 forwards to that OPD). A per-row subquery must be searched by the outer row.
 */
describe("an OPD's reads on SQLite: the forwards of each ticket are found by the ticket, not by the OPD", () => {
  let t: TestApp;
  let raw: RawSqlite;
  let capture: ReturnType<typeof captureStatements>;
  before(async () => {
    t = await startTestApp(sqliteTarget);
    raw = (t.database.db.ds.driver as unknown as { databaseConnection: RawSqlite }).databaseConnection;
  });
  after(async () => {
    capture?.stop();
    await t?.close();
  });

  it("the inbox without the open filter, a ticket, and the public list by OPD", async () => {
    const m = t.database.db.manager;
    const pu = await m.getRepository(Agency).findOneByOrFail({ code: "DPU" });
    const forwarded = await m.getRepository(Forward).findOneOrFail({ where: { agencyId: pu.id, isOpen: true }, order: { id: "ASC" } });
    const head = await t.loginAs(DEMO.headPU);
    capture = captureStatements(raw);
    const list = await head.get("/api/tickets").query({ filter: JSON.stringify({ isOpen: false }), range: "[0,24]", sort: JSON.stringify(["id", "DESC"]) });
    assert.equal(list.status, 200, JSON.stringify(list.body));
    const byStatus = await head.get("/api/tickets").query({ filter: JSON.stringify({ status: "forwarded" }), range: "[0,24]" });
    assert.equal(byStatus.status, 200, JSON.stringify(byStatus.body));
    assert.ok((byStatus.body as { id: number }[]).every((r) => typeof r.id === "number"));
    const one = await head.get(`/api/tickets/${forwarded.ticketId}`);
    assert.equal(one.status, 200, JSON.stringify(one.body));
    assert.equal((await supertest(t.app).get("/laporan").query({ opd: "DPU" })).status, 200);
    capture.stop();

    const statements = [...capture.statements];
    assert.ok(statements.some((s) => /EXISTS \(SELECT 1 FROM forwards/.test(s)), "the OPD's row rule was among the statements planned");
    const bad = plansMatching(raw, statements, (line) => /EXISTS USING (?:COVERING )?INDEX \S+ \((?:agency_id|is_open|status)=\?/.test(line));
    assert.deepEqual(bad, [], `per-row subqueries searched by the OPD or a flag:\n${bad.join("\n")}`);
  });
});
