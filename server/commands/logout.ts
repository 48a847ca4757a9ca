import type { Db } from "../lib/db.js";
import { Session } from "../entities/session.entity.js";
import { appendAuditEvent, type Actor } from "./append-audit-event.js";

export async function logout(db: Db, id: string, actor: Actor, at: Date): Promise<void> {
  await db.tx(async (m) => {
    await m.getRepository(Session).delete({ id });
    await appendAuditEvent(m, { actor, type: "auth.logout", entityType: "user", entityId: actor.userId, at });
  });
}
