import type { EntityManager } from "typeorm";
import { sqlTime } from "../lib/db.js";

/**
 * A staff member has a ticket open in the console (a heartbeat every 15 s), or left it. The
 * collision notice reads these rows through the live stream (server/live/hub.ts). Presence is not
 * a change of the case and is not audited: the rows live for seconds and say only who looks.
 */
export async function recordPresence(m: EntityManager, input: { ticketId: number; userId: number; at: Date; leaving?: boolean }): Promise<void> {
  if (input.leaving) {
    await m.query("DELETE FROM ticket_presence WHERE ticket_id = ? AND user_id = ?", [input.ticketId, input.userId]);
    return;
  }
  const mysql = m.connection.options.type === "mysql";
  await m.query(
    `INSERT INTO ticket_presence (ticket_id, user_id, seen_at) VALUES (?, ?, ?) ${mysql ? "ON DUPLICATE KEY UPDATE seen_at = VALUES(seen_at)" : "ON CONFLICT (ticket_id, user_id) DO UPDATE SET seen_at = excluded.seen_at"}`,
    [input.ticketId, input.userId, sqlTime(m, input.at)],
  );
  // Old rows of anybody (a closed laptop) go after a while.
  await m.query("DELETE FROM ticket_presence WHERE seen_at < ?", [sqlTime(m, new Date(input.at.getTime() - 3600_000))]);
}

/** Who else has the ticket open (heartbeat within ttlMs). */
export async function presentOn(m: EntityManager, ticketId: number, now: Date, ttlMs: number): Promise<{ id: number; name: string }[]> {
  const rows: { id: number; name: string }[] = await m.query(
    "SELECT u.id, u.name FROM ticket_presence p JOIN users u ON u.id = p.user_id WHERE p.ticket_id = ? AND p.seen_at > ? ORDER BY p.seen_at",
    [ticketId, sqlTime(m, new Date(now.getTime() - ttlMs))],
  );
  return rows.map((r) => ({ id: Number(r.id), name: r.name }));
}
