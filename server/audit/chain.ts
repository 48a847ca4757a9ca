import { canonicalJson, sha256Hex } from "../lib/crypto.js";

/** The fields a link's hash covers. Changing this breaks every stored chain: never do. */
export interface ChainLink {
  chainKey: string;
  seq: number;
  prevHash: string | null;
  ticketId: number | null;
  actorUserId: number | null;
  actorLabel: string | null;
  type: string;
  entityType: string;
  entityId: string | null;
  beforeJson: string | null;
  afterJson: string | null;
  createdAt: Date;
}

export function linkHash(l: ChainLink): string {
  return sha256Hex(
    canonicalJson({
      v: 1,
      chainKey: l.chainKey,
      seq: l.seq,
      prevHash: l.prevHash,
      ticketId: l.ticketId,
      actorUserId: l.actorUserId,
      actorLabel: l.actorLabel,
      type: l.type,
      entityType: l.entityType,
      entityId: l.entityId,
      beforeJson: l.beforeJson,
      afterJson: l.afterJson,
      createdAt: l.createdAt.toISOString(),
    }),
  );
}

export interface ChainHeadRef {
  chainKey: string;
  seq: number;
  hash: string;
}

/** Hash over all chain heads (sorted) and the previous anchor, so anchors chain too. */
export function anchorHash(heads: ChainHeadRef[], previousAnchorHash: string | null): string {
  const sorted = [...heads].sort((a, b) => (a.chainKey < b.chainKey ? -1 : a.chainKey > b.chainKey ? 1 : 0));
  return sha256Hex(canonicalJson({ v: 1, previous: previousAnchorHash, heads: sorted.map((h) => [h.chainKey, h.seq, h.hash]) }));
}

export const ticketChain = (ticketId: number) => `ticket:${ticketId}`;
