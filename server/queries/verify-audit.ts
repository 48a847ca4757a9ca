import type { DataSource } from "typeorm";
import { anchorHash, linkHash, type ChainHeadRef } from "../audit/chain.js";
import { AuditAnchor } from "../entities/audit-anchor.entity.js";
import { AuditChainHead } from "../entities/audit-chain-head.entity.js";
import { AuditEvent } from "../entities/audit-event.entity.js";

export interface AuditProblem {
  eventId: number | null;
  chainKey: string;
  seq: number | null;
  problem: string;
}
export interface AuditReport {
  ok: boolean;
  eventsChecked: number;
  chains: number;
  anchorsChecked: number;
  problems: AuditProblem[];
}

/**
 * Walks every chain in (chain_key, seq) order: each link must recompute to its stored hash and
 * point at its predecessor; heads and anchors must match the links they name.
 */
export async function verifyAudit(ds: DataSource, opts: { pageSize?: number; onProgress?: (checked: number, total: number) => void } = {}): Promise<AuditReport> {
  const repo = ds.getRepository(AuditEvent);
  const total = await repo.count();
  const pageSize = opts.pageSize ?? 5000;
  const problems: AuditProblem[] = [];
  const lastOfChain = new Map<string, { seq: number; hash: string }>();
  const hashAt = new Map<string, string>(); // "chain#seq" -> stored hash, only for seqs anchors name
  const anchors = await ds.getRepository(AuditAnchor).find({ order: { id: "ASC" } });
  const wanted = new Set<string>();
  for (const a of anchors) for (const h of JSON.parse(a.headsJson) as ChainHeadRef[]) wanted.add(`${h.chainKey}#${h.seq}`);

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
      if (recomputed !== e.hash) problems.push({ eventId: e.id, chainKey: e.chainKey, seq: e.seq, problem: "content does not match its hash (edited after it was written)" });
      lastOfChain.set(e.chainKey, { seq: e.seq, hash: e.hash });
      if (wanted.has(`${e.chainKey}#${e.seq}`)) hashAt.set(`${e.chainKey}#${e.seq}`, e.hash);
      checked++;
    }
    opts.onProgress?.(checked, total);
    const last = page[page.length - 1];
    cursor = { chainKey: last.chainKey, seq: last.seq };
  }

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
  return { ok: problems.length === 0, eventsChecked: checked, chains: lastOfChain.size, anchorsChecked: anchors.length, problems };
}
