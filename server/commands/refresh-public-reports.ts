import type { EntityManager } from "typeorm";
import { sqlTime } from "../lib/db.js";
import { buildPublicRows } from "../queries/public-reports.js";

/** Tickets per statement: a contact's rename may touch a few hundred. */
const CHUNK = 200;

/**
 * Rewrites the public rows of these tickets in the caller's transaction from what the database
 * holds now: inserted or updated when the ticket is publishable, deleted when it is not (made
 * rahasia, rejected, merged…). `onlyMissing` (the backfill) inserts rows that do not exist yet and
 * leaves existing ones, which a change already wrote fresher.
 */
export async function refreshPublicReports(m: EntityManager, ticketIds: readonly number[], at: Date, opts: { onlyMissing?: boolean } = {}): Promise<{ written: number; removed: number }> {
  const mysql = m.connection.options.type === "mysql";
  const ids = [...new Set(ticketIds)].sort((a, b) => a - b);
  let written = 0;
  let removed = 0;
  for (let i = 0; i < ids.length; i += CHUNK) {
    const part = ids.slice(i, i + CHUNK);
    const rows = await buildPublicRows(m, part);
    const gone = part.filter((id) => !rows.has(id));
    if (gone.length && !opts.onlyMissing) {
      await m.query(`DELETE FROM public_reports WHERE ticket_id IN (${gone.map(() => "?").join(", ")})`, gone);
      removed += gone.length;
    }
    if (rows.size === 0) continue;
    const values = [...rows].flatMap(([id, r]) => [id, r.number, r.categoryId, r.status, sqlTime(m, new Date(r.receivedAt)), JSON.stringify(r), sqlTime(m, at)]);
    const conflict = opts.onlyMissing
      ? mysql
        ? "ON DUPLICATE KEY UPDATE ticket_id = ticket_id"
        : "ON CONFLICT (ticket_id) DO NOTHING"
      : mysql
        ? "ON DUPLICATE KEY UPDATE category_id = VALUES(category_id), status = VALUES(status), received_at = VALUES(received_at), report = VALUES(report), updated_at = VALUES(updated_at)"
        : "ON CONFLICT (ticket_id) DO UPDATE SET category_id = excluded.category_id, status = excluded.status, received_at = excluded.received_at, report = excluded.report, updated_at = excluded.updated_at";
    await m.query(`INSERT INTO public_reports (ticket_id, number, category_id, status, received_at, report, updated_at) VALUES ${[...rows].map(() => "(?, ?, ?, ?, ?, ?, ?)").join(", ")} ${conflict}`, values);
    written += rows.size;
  }
  return { written, removed };
}
