import type { EntityManager } from "typeorm";
import { anchorHash } from "../audit/chain.js";
import { AuditAnchor } from "../entities/audit-anchor.entity.js";
import { AuditChainHead } from "../entities/audit-chain-head.entity.js";

/** Records a hash over the heads of every audit chain (run periodically by the worker). */
export async function createAuditAnchor(m: EntityManager, at: Date): Promise<AuditAnchor> {
  const heads = await m.getRepository(AuditChainHead).find({ order: { chainKey: "ASC" } });
  const [previous] = await m.getRepository(AuditAnchor).find({ order: { id: "DESC" }, take: 1 });
  const refs = heads.map((h) => ({ chainKey: h.chainKey, seq: h.seq, hash: h.hash }));
  return m.getRepository(AuditAnchor).save(
    m.getRepository(AuditAnchor).create({
      createdAt: at,
      chainCount: refs.length,
      headsHash: anchorHash(refs, previous?.headsHash ?? null),
      headsJson: JSON.stringify(refs),
    }),
  );
}
