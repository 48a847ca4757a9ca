import type { EntityManager } from "typeorm";
import { TicketCounter } from "../entities/ticket-counter.entity.js";
import { isDuplicateKey, RetryableConflict } from "../lib/db.js";
import { formatTicketNumber } from "../../channels/rules/ticket-number.js";

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

/** Next human-friendly number, ADU-YYMM-NNNNN, counted per month inside the caller's transaction. */
export async function issueTicketNumber(m: EntityManager, at: Date, timeZone?: string): Promise<string> {
  return (await issueTicketNumbers(m, at, 1, timeZone))[0]!;
}

/**
 * `count` consecutive numbers with one counter update: the counter row stays locked until the
 * caller commits, so a batch of new tickets takes that lock once, not once per ticket.
 */
export async function issueTicketNumbers(m: EntityManager, at: Date, count: number, timeZone?: string): Promise<string[]> {
  if (count <= 0) return [];
  const period = numberPeriod(at, timeZone);
  const repo = m.getRepository(TicketCounter);
  const updated = await repo.increment({ period }, "lastValue", count);
  if (!updated.affected) {
    try {
      await repo.insert({ period, lastValue: count });
    } catch (err) {
      if (isDuplicateKey(err)) throw new RetryableConflict("ticket counter created concurrently");
      throw err;
    }
  }
  const row = await repo.findOneByOrFail({ period });
  const first = row.lastValue - count + 1;
  return Array.from({ length: count }, (_, i) => formatTicketNumber(period, first + i));
}
