import type { DataSource, EntityManager } from "typeorm";
import { anchorHash, linkHash, type ChainHeadRef } from "../audit/chain.js";
import { AuditAnchor } from "../entities/audit-anchor.entity.js";
import { AuditChainHead } from "../entities/audit-chain-head.entity.js";
import { AuditEvent } from "../entities/audit-event.entity.js";
import { CASE_TEXTS, parseTextRef, textDigest, type CaseTextTable } from "../audit/case-texts.js";
import { placeholders } from "../lib/select-entities.js";
import { loadRedactions } from "../audit/redactions.js";

export interface AuditProblem {
  eventId: number | null;
  chainKey: string;
  seq: number | null;
  problem: string;
  /** Set when a case text no longer matches the digest the event recorded: "forwards#12.response". */
  text?: string;
}
export interface AuditReport {
  ok: boolean;
  eventsChecked: number;
  chains: number;
  anchorsChecked: number;
  /** Case texts (table, row, column) compared with the digest their latest audit event recorded. */
  textsVerified: number;
  /** Non-empty case texts no audit event recorded a digest of (written before digests were recorded). */
  textsNotCovered: number;
  problems: AuditProblem[];
}

/** The latest digest recorded for one case text, and the event that recorded it. */
interface RecordedText {
  digest: string | null;
  eventId: number;
  chainKey: string;
  seq: number;
}

/**
 * Where the verifier reads: a DataSource, or the EntityManager of one read snapshot (inSnapshot in
 * server/backup/backup.ts), which a live system needs: without it an event appended while the walk
 * runs makes its chain's head look "added" and a text changed (with its new event) after the walk
 * passed its chain look edited.
 */
export type AuditReader = DataSource | EntityManager;
const driverOf = (r: AuditReader) => ("connection" in r ? r.connection.driver : r.driver);

/**
 * Walks every chain in (chain_key, seq) order: each link must recompute to its stored hash and
 * point at its predecessor; heads and anchors must match the links they name.
 */
export async function verifyAudit(ds: AuditReader, opts: { pageSize?: number; onProgress?: (checked: number, total: number) => void | Promise<void> } = {}): Promise<AuditReport> {
  const repo = ds.getRepository(AuditEvent);
  const total = await repo.count();
  const pageSize = opts.pageSize ?? 5000;
  const problems: AuditProblem[] = [];
  const lastOfChain = new Map<string, { seq: number; hash: string }>();
  const hashAt = new Map<string, string>(); // "chain#seq" -> stored hash, only for seqs anchors name
  const anchors = await ds.getRepository(AuditAnchor).find({ order: { id: "ASC" } });
  const wanted = new Set<string>();
  for (const a of anchors) for (const h of JSON.parse(a.headsJson) as ChainHeadRef[]) wanted.add(`${h.chainKey}#${h.seq}`);

  const texts = textChecker(ds, problems);
  const redactions = await loadRedactions(ds);
  let checked = 0;
  let cursor: { chainKey: string; seq: number } | null = null;
  for (;;) {
    const qb = repo.createQueryBuilder("e").orderBy("e.chain_key", "ASC").addOrderBy("e.seq", "ASC").take(pageSize);
    if (cursor) qb.where("(e.chain_key > :k OR (e.chain_key = :k AND e.seq > :s))", { k: cursor.chainKey, s: cursor.seq });
    const page = await qb.getMany();
    if (page.length === 0) break;
    for (const e of page) {
      const prev = lastOfChain.get(e.chainKey);
      const expectedSeq = (prev?.seq ?? 0) + 1;
      if (e.seq !== expectedSeq) problems.push({ eventId: e.id, chainKey: e.chainKey, seq: e.seq, problem: `sequence gap: expected ${expectedSeq}, found ${e.seq}` });
      if ((e.prevHash ?? null) !== (prev?.hash ?? null)) problems.push({ eventId: e.id, chainKey: e.chainKey, seq: e.seq, problem: "does not point at the previous event's hash" });
      const recomputed = linkHash(e);
      if (recomputed !== e.hash && redactions.get(e.id) !== e.hash) problems.push({ eventId: e.id, chainKey: e.chainKey, seq: e.seq, problem: "content does not match its hash (edited after it was written)" });
      lastOfChain.set(e.chainKey, { seq: e.seq, hash: e.hash });
      if (wanted.has(`${e.chainKey}#${e.seq}`)) hashAt.set(`${e.chainKey}#${e.seq}`, e.hash);
      texts.record(e);
      checked++;
    }
    await opts.onProgress?.(checked, total);
    const last = page[page.length - 1];
    cursor = { chainKey: last.chainKey, seq: last.seq };
    // Chains before the last one of the page are complete: their texts' latest digests are known.
    await texts.flush(last.chainKey);
  }
  await texts.flush(null);
  const textsNotCovered = await texts.notCovered();

  for (const h of await ds.getRepository(AuditChainHead).find()) {
    const last = lastOfChain.get(h.chainKey);
    if (!last || last.seq !== h.seq || last.hash !== h.hash) {
      problems.push({ eventId: null, chainKey: h.chainKey, seq: h.seq, problem: "chain head does not match the chain's last event (events removed or added)" });
    }
  }
  let previousAnchor: string | null = null;
  for (const a of anchors) {
    const heads = JSON.parse(a.headsJson) as ChainHeadRef[];
    if (anchorHash(heads, previousAnchor) !== a.headsHash) {
      problems.push({ eventId: null, chainKey: `anchor:${a.id}`, seq: null, problem: "anchor hash does not match its heads" });
    }
    for (const h of heads) {
      if (hashAt.get(`${h.chainKey}#${h.seq}`) !== h.hash) {
        problems.push({ eventId: null, chainKey: h.chainKey, seq: h.seq, problem: `event named by anchor ${a.id} is missing or changed` });
      }
    }
    previousAnchor = a.headsHash;
  }
  problems.sort((x, y) => (x.eventId ?? Number.MAX_SAFE_INTEGER) - (y.eventId ?? Number.MAX_SAFE_INTEGER));
  return { ok: problems.length === 0, eventsChecked: checked, chains: lastOfChain.size, anchorsChecked: anchors.length, textsVerified: texts.verified(), textsNotCovered, problems };
}

/**
 * Compares case texts with the digests their audit events recorded (`after.texts`, see
 * case-texts.ts). A row's texts are recorded in its ticket's chain, so once the walk has left a
 * chain the latest digest of each of its texts is known: they are checked against the rows in
 * batches (one query per table per batch), and memory stays bounded by a batch, not the database.
 */
function textChecker(ds: AuditReader, problems: AuditProblem[]) {
  const pending = new Map<string, RecordedText>();
  let verified = 0;
  let verifiedNonNull = 0;
  const esc = (name: string) => driverOf(ds).escape(name);

  async function check(refs: [string, RecordedText][]) {
    const byTable = new Map<CaseTextTable, Map<number, [string, RecordedText][]>>();
    for (const entry of refs) {
      const ref = parseTextRef(entry[0])!;
      const rows = byTable.get(ref.table) ?? byTable.set(ref.table, new Map()).get(ref.table)!;
      (rows.get(ref.id) ?? rows.set(ref.id, []).get(ref.id)!).push(entry);
    }
    for (const [table, rows] of byTable) {
      const columns = Object.keys(CASE_TEXTS[table]);
      const ids = [...rows.keys()];
      for (let i = 0; i < ids.length; i += 500) {
        const part = ids.slice(i, i + 500);
        const found = (await ds.query(`SELECT id, ${columns.map(esc).join(", ")} FROM ${esc(table)} WHERE id IN (${placeholders(part.length)})`, part)) as Record<string, unknown>[];
        const byId = new Map(found.map((r) => [Number(r.id), r]));
        for (const id of part) {
          const row = byId.get(id);
          for (const [ref, rec] of rows.get(id)!) {
            const at = `audit event #${rec.eventId}`;
            if (!row) {
              problems.push({ eventId: rec.eventId, chainKey: rec.chainKey, seq: rec.seq, text: ref, problem: `${ref}: row ${table}#${id} deleted after ${at} recorded its text` });
              continue;
            }
            const value = row[parseTextRef(ref)!.column];
            const current = value == null ? null : String(value);
            verified++;
            if (current !== null) verifiedNonNull++;
            if (textDigest(current) !== rec.digest) {
              problems.push({ eventId: rec.eventId, chainKey: rec.chainKey, seq: rec.seq, text: ref, problem: `${ref} changed after ${at} (the stored text no longer matches the digest that event recorded)` });
            }
          }
        }
      }
    }
  }

  return {
    /** Takes the digests an event records; a later event of the chain overrides an earlier one. */
    record(e: AuditEvent) {
      if (!e.afterJson || !e.afterJson.includes('"texts":{')) return;
      let after: unknown;
      try {
        after = JSON.parse(e.afterJson);
      } catch {
        return; // the chain check reports an edited event
      }
      const recorded = (after as { texts?: unknown })?.texts;
      if (!recorded || typeof recorded !== "object") return;
      for (const [ref, digest] of Object.entries(recorded)) {
        if (!parseTextRef(ref) || (digest !== null && typeof digest !== "string")) {
          problems.push({ eventId: e.id, chainKey: e.chainKey, seq: e.seq, problem: `records a digest of an unknown text "${ref.slice(0, 80)}"` });
          continue;
        }
        pending.delete(ref); // re-inserted last: insertion order follows the walk
        pending.set(ref, { digest, eventId: e.id, chainKey: e.chainKey, seq: e.seq });
      }
    },
    /** Checks the texts of every chain but `openChain` (null: all), when enough have gathered. */
    async flush(openChain: string | null) {
      const done = [...pending].filter(([, rec]) => rec.chainKey !== openChain);
      if (openChain !== null && done.length < 2000) return;
      for (const [ref] of done) pending.delete(ref);
      await check(done);
    },
    verified: () => verified,
    /** Non-empty texts in the database minus those a digest covered. */
    async notCovered(): Promise<number> {
      let total = 0;
      for (const [table, fields] of Object.entries(CASE_TEXTS)) {
        const columns = Object.keys(fields);
        const [row] = (await ds.query(`SELECT ${columns.map((c, i) => `COUNT(${esc(c)}) AS c${i}`).join(", ")} FROM ${esc(table)}`)) as Record<string, unknown>[];
        for (let i = 0; i < columns.length; i++) total += Number(row?.[`c${i}`] ?? 0);
      }
      return Math.max(0, total - verifiedNonNull);
    },
  };
}
