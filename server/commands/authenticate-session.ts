import type { Db } from "../lib/db.js";
import { Session } from "../entities/session.entity.js";
import { User } from "../entities/user.entity.js";
import { sessionId } from "./login.js";

export type SessionOutcome = { kind: "ok"; user: User; session: Session } | { kind: "none" } | { kind: "expired" };

/** Refreshing last_seen on every request would write per request; once a minute is enough for idle timeouts. */
const TOUCH_EVERY_MS = 60_000;

/** Resolves a session cookie to its user, ending sessions idle longer than the timeout. */
export async function authenticateSession(db: Db, secret: string, idleMinutes: number, token: string, at: Date): Promise<SessionOutcome> {
  const repo = db.manager.getRepository(Session);
  const session = await repo.findOneBy({ id: sessionId(secret, token) });
  if (!session) return { kind: "none" };
  if (session.idleExpiresAt <= at || session.absoluteExpiresAt <= at) {
    await db.tx((m) => m.getRepository(Session).delete({ id: session.id }));
    return { kind: "expired" };
  }
  const user = await db.manager.getRepository(User).findOneBy({ id: session.userId });
  if (!user || !user.active) {
    await db.tx((m) => m.getRepository(Session).delete({ id: session.id }));
    return { kind: "expired" };
  }
  if (at.getTime() - session.lastSeenAt.getTime() >= TOUCH_EVERY_MS) {
    const idleExpiresAt = new Date(at.getTime() + idleMinutes * 60_000);
    await db.tx((m) => m.getRepository(Session).update({ id: session.id }, { lastSeenAt: at, idleExpiresAt }));
    Object.assign(session, { lastSeenAt: at, idleExpiresAt });
  }
  return { kind: "ok", user, session };
}
