import type { Scheduler } from "../../scheduler.js";

/** Job names and keys the concurrent-save test races on. */
export const RACE = {
  unique: "race-unique",
  insertOnly: "race-insert-only",
  every: "race-every",
  key: "ticket:1",
} as const;

export type SaveMessage = { type: "go"; count: number };

export interface SavedIds {
  unique: string[];
  insertOnly: string[];
  every: string[];
}

/**
 * Fires `count` saves of each kind at once, all kinds interleaved: uniqueSchedule (updating),
 * uniqueSchedule with insertOnly, and every() (agenda's `single` job). `by` tags the data.
 */
export async function concurrentSaves(s: Scheduler, by: string, count: number): Promise<SavedIds> {
  const when = new Date(Date.now() + 3600_000);
  const saves = Array.from({ length: count }, (_, i) =>
    Promise.all([
      s.uniqueSchedule(RACE.key, new Date(when.getTime() + i), RACE.unique, { by, i }),
      s.uniqueSchedule(RACE.key, when, RACE.insertOnly, { by, i }, { insertOnly: true }),
      s.every("1 hour", RACE.every, { by, i }, { skipImmediate: true }),
    ]),
  );
  const done = await Promise.all(saves);
  return { unique: done.map((d) => d[0]), insertOnly: done.map((d) => d[1]), every: done.map((d) => d[2]) };
}
