// One owner per session account across any number of sessions processes: a row per account with
// the owner and an expiry, taken with a compare-and-set UPDATE (free, expired, or already ours)
// and renewed well before it expires. A process that dies stops renewing; another takes over once
// the lease has expired. The same row carries the session's state for the console.
import type { EntityManager } from "typeorm";
import { SessionLease, type SessionState } from "../entities/session-lease.entity.js";
import { isDuplicateKey, sqlTime, type Db } from "../lib/db.js";

export const LEASE_POLICY = {
  /** How long a lease holds without renewal: the longest an account is without an owner after a crash. */
  ttlMs: 30_000,
  /** How often the owner renews (and others try to take expired leases). */
  renewMs: 10_000,
};

/** Takes or renews the lease of `accountId` for `owner`; true when `owner` holds it now. */
export async function acquireLease(db: Db, accountId: number, owner: string, now: Date, ttlMs = LEASE_POLICY.ttlMs): Promise<boolean> {
  const expires = new Date(now.getTime() + ttlMs);
  return db.tx(async (m) => {
    const r = await m
      .createQueryBuilder()
      .update(SessionLease)
      .set({ owner, expiresAt: () => ":expires", updatedAt: () => ":now" })
      .where("channel_account_id = :id", { id: accountId })
      .andWhere("(owner = :owner OR expires_at < :now)")
      .setParameters({ owner, now: sqlTime(m, now), expires: sqlTime(m, expires) })
      .execute();
    if (r.affected) return true;
    if (await m.getRepository(SessionLease).existsBy({ channelAccountId: accountId })) return false;
    try {
      await m.getRepository(SessionLease).insert({ channelAccountId: accountId, owner, expiresAt: expires, state: "starting", detail: null, qr: null, stateAt: now, downSince: now, updatedAt: now });
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  });
}

/** Gives the lease up at once (clean shutdown), so another process need not wait for it to expire. */
export async function releaseLease(db: Db, accountId: number, owner: string, now: Date): Promise<void> {
  await db.tx((m) =>
    m
      .createQueryBuilder()
      .update(SessionLease)
      .set({ expiresAt: () => ":now", state: "stopped", qr: null, stateAt: () => ":now", downSince: () => "COALESCE(down_since, :now)", updatedAt: () => ":now" })
      .where("channel_account_id = :id AND owner = :owner", { id: accountId, owner })
      .setParameters({ now: sqlTime(m, now) })
      .execute(),
  );
}

/**
 * Records the session's state (only by the lease holder). The QR is kept only while login is
 * needed; `down_since` keeps the first moment of an outage (reconnect attempts do not move it).
 */
export async function recordSessionState(db: Db, accountId: number, owner: string, now: Date, state: SessionState, detail?: string, qr?: string): Promise<void> {
  await db.tx((m) =>
    m
      .createQueryBuilder()
      .update(SessionLease)
      .set({
        state,
        detail: detail?.slice(0, 500) ?? null,
        qr: state === "needs-auth" ? (qr ?? null) : null,
        stateAt: () => ":now",
        downSince: state === "connected" ? null : () => "COALESCE(down_since, :now)",
        updatedAt: () => ":now",
      })
      .where("channel_account_id = :id AND owner = :owner", { id: accountId, owner })
      .setParameters({ now: sqlTime(m, now) })
      .execute(),
  );
}

/**
 * Since when the session of an account is down, as far as the database knows (null: connected).
 * No lease row: never started (down since the account exists). A lapsed lease: its owner died or
 * stopped (down since it recorded the outage, else since the lease ran out).
 */
export function sessionDownSince(lease: SessionLease | null, accountCreatedAt: Date, now: Date): Date | null {
  if (!lease) return accountCreatedAt;
  if (lease.expiresAt.getTime() <= now.getTime()) return lease.downSince ?? lease.expiresAt;
  if (lease.state === "connected") return null;
  return lease.downSince ?? lease.stateAt;
}

/** An admin's request that the owner logs the session out (the owner does it at its next reconcile). */
export async function requestLogout(m: EntityManager, accountId: number, now: Date): Promise<boolean> {
  const r = await m
    .createQueryBuilder()
    .update(SessionLease)
    .set({ logoutRequestedAt: () => ":now" })
    .where("channel_account_id = :id", { id: accountId })
    .setParameters({ now: sqlTime(m, now) })
    .execute();
  return !!r.affected;
}

/** Takes the pending logout request of an account held by `owner` (at most once): true when there was one. */
export async function takeLogoutRequest(db: Db, accountId: number, owner: string): Promise<boolean> {
  return db.tx(async (m) => {
    const r = await m
      .createQueryBuilder()
      .update(SessionLease)
      .set({ logoutRequestedAt: null })
      .where("channel_account_id = :id AND owner = :owner AND logout_requested_at IS NOT NULL", { id: accountId, owner })
      .execute();
    return !!r.affected;
  });
}
