// The web form's anti-spam, one check for both ways in: the page /lapor and the web connector's
// webhook POST /webhooks/web/:account. The token (signature, expiry), the honeypot and the minimum
// fill time are the connector's (checkWebFormToken, interpretWebForm: both ways call them); a used
// token is one message (its nonce is the externalId, ingest is idempotent on it). What the
// connector cannot hold is the per-address limit: it lives here, one instance per app, and every
// web submission is ingested through ingestWebSubmission.
//
// Only submissions that became a ticket count toward the limit: a refused try (bad token, spam,
// invalid fields, the limit itself, the same form sent twice) does not. The slot is taken before
// the ingest and given back when no ticket came of it, so concurrent posts from one address cannot
// pass the limit together.
import type { IngestOutcome } from "../commands/ingest-inbound-message.js";

/** Tickets per address per window (on top of the token's minimum fill time). */
export const WEB_SUBMISSION_LIMIT = { max: 5, windowMs: 10 * 60_000 } as const;

export class WebSubmissionLimit {
  /** Address -> times of its slots in the window (taken or kept). */
  private readonly hits = new Map<string, number[]>();

  constructor(
    private readonly now: () => number,
    readonly rate: { max: number; windowMs: number } = WEB_SUBMISSION_LIMIT,
  ) {}

  /** Seconds until this address may submit again (0 when it may now). */
  retryAfterSeconds(address: string): number {
    const now = this.now();
    const recent = this.recent(address, now);
    if (recent.length < this.rate.max) return 0;
    return Math.max(1, Math.ceil((recent[0]! + this.rate.windowMs - now) / 1000));
  }

  /** Takes a slot for the address; null when it is at its limit. release() gives the slot back. */
  reserve(address: string): { release(): void } | null {
    const now = this.now();
    const recent = this.recent(address, now);
    if (recent.length >= this.rate.max) return null;
    recent.push(now);
    this.hits.set(address, recent);
    if (this.hits.size > 10_000) for (const [k, v] of this.hits) if (v.every((t) => now - t >= this.rate.windowMs)) this.hits.delete(k);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        const list = this.hits.get(address);
        const i = list ? list.indexOf(now) : -1;
        if (list && i >= 0) list.splice(i, 1);
      },
    };
  }

  private recent(address: string, now: number): number[] {
    return (this.hits.get(address) ?? []).filter((t) => now - t < this.rate.windowMs);
  }
}

/**
 * Ingests one web submission (already through the token and form checks) under the address
 * limit: { kind: "limited" } without ingesting when the address is at its limit; otherwise the
 * ingest's outcome, and the slot is kept only when a ticket was created.
 */
export async function ingestWebSubmission<T extends { kind: string }>(
  limit: WebSubmissionLimit,
  address: string,
  ingest: () => Promise<T>,
): Promise<T | { kind: "limited"; retryAfterSeconds: number }> {
  const slot = limit.reserve(address);
  if (!slot) return { kind: "limited", retryAfterSeconds: limit.retryAfterSeconds(address) };
  let out: T;
  try {
    out = await ingest();
  } catch (err) {
    slot.release();
    throw err;
  }
  if (out.kind !== ("created" satisfies IngestOutcome["kind"])) slot.release();
  return out;
}
