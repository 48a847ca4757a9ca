import type { Db } from "../lib/db.js";
import { clearPublicLookups } from "../queries/public-reports.js";
import { refreshPublicReports } from "./refresh-public-reports.js";

export interface BackfillResult {
  /** Tickets looked at and public rows written in this run. */
  tickets: number;
  written: number;
  /** Every ticket is covered now. */
  done: boolean;
}

/**
 * Fills public_reports for the tickets older than the table (an existing database, a restored old
 * backup, bulk-seeded data), newest first, `batch` tickets per transaction, until done or
 * `maxBatches` ran. Only missing rows are inserted: a row that exists was written by a change,
 * with fresher data. The tickets of a batch are locked first (MariaDB), so a change to one of them
 * either committed before (and the batch reads it) or waits for the batch (and rewrites the row).
 * While the backfill is not done, public pages compute their rows as before (lookups().rowsComplete).
 */
export async function backfillPublicReports(db: Db, opts: { at: Date; batch?: number; maxBatches?: number; onBatch?: (r: BackfillResult) => void }): Promise<BackfillResult> {
  const batch = opts.batch ?? 500;
  const total: BackfillResult = { tickets: 0, written: 0, done: false };
  for (let n = 0; opts.maxBatches === undefined || n < opts.maxBatches; n++) {
    const step = await db.tx(
      async (m) => {
        const mysql = db.dialect === "mysql";
        const state: { below: number | string | null }[] = await m.query(`SELECT below_ticket_id AS below FROM public_reports_backfill WHERE id = 1${mysql ? " FOR UPDATE" : ""}`);
        if (state.length === 0 || state[0]!.below == null) return { tickets: 0, written: 0, done: true };
        const below = Number(state[0]!.below);
        const rows: { id: number | string }[] = await m.query(`SELECT id FROM tickets WHERE id < ? ORDER BY id DESC LIMIT ${batch}${mysql ? " FOR UPDATE" : ""}`, [below]);
        const ids = rows.map((r) => Number(r.id));
        const { written } = ids.length ? await refreshPublicReports(m, ids, opts.at, { onlyMissing: true }) : { written: 0 };
        const done = ids.length < batch;
        const next = done ? null : Math.min(...ids);
        await m.query("UPDATE public_reports_backfill SET below_ticket_id = ?, updated_at = ? WHERE id = 1", [next, mysql ? opts.at : opts.at.toISOString().replace("T", " ").replace("Z", "")]);
        return { tickets: ids.length, written, done };
      },
      { readCommitted: true },
    );
    total.tickets += step.tickets;
    total.written += step.written;
    total.done = step.done;
    opts.onBatch?.(total);
    if (step.done) break;
  }
  if (total.done) clearPublicLookups();
  return total;
}
