import type { EntityManager } from "typeorm";
import { TicketCounter } from "../entities/ticket-counter.entity.js";
import { isDuplicateKey, RetryableConflict } from "../lib/db.js";

/** Period of a ticket number in the province's time zone: "2611" for November 2026. */
const periodFormats = new Map<string, Intl.DateTimeFormat>();

export function numberPeriod(at: Date, timeZone = "Asia/Jakarta"): string {
  // Building a DateTimeFormat costs far more than using one (seen in the ingest benchmark's profile).
  let fmt = periodFormats.get(timeZone);
  if (!fmt) periodFormats.set(timeZone, (fmt = new Intl.DateTimeFormat("en-GB", { timeZone, year: "2-digit", month: "2-digit" })));
  const parts = fmt.formatToParts(at);
  const y = parts.find((p) => p.type === "year")!.value;
  const mo = parts.find((p) => p.type === "month")!.value;
  return `${y}${mo}`;
}

export const TICKET_NUMBER_PATTERN = /^ADU-\d{4}-\d{5,}$/;

/** Next human-friendly number, ADU-YYMM-NNNNN, counted per month inside the caller's transaction. */
export async function issueTicketNumber(m: EntityManager, at: Date, timeZone?: string): Promise<string> {
  const period = numberPeriod(at, timeZone);
  const repo = m.getRepository(TicketCounter);
  const updated = await repo.increment({ period }, "lastValue", 1);
  if (!updated.affected) {
    try {
      await repo.insert({ period, lastValue: 1 });
    } catch (err) {
      if (isDuplicateKey(err)) throw new RetryableConflict("ticket counter created concurrently");
      throw err;
    }
  }
  const row = await repo.findOneByOrFail({ period });
  return `ADU-${period}-${String(row.lastValue).padStart(5, "0")}`;
}
