import type { EventEmitter } from "node:events";
import type { TestDatabase, TestTarget } from "../../../test/support/databases.js";
import { SqlBackend } from "./sql-backend.js";

/** Shared by the backend's tests: one migrated database per target, emptied between tests. */
export interface BackendFixture {
  t: TestDatabase;
  backend: SqlBackend;
  /** Empties jobs and job_logs. */
  clear(): Promise<void>;
}

export async function openFixture(target: TestTarget, opts: { expiredLockCheckMs?: number } = {}): Promise<BackendFixture> {
  const t = await target.open();
  const backend = new SqlBackend(t.db, opts);
  await backend.connect();
  return {
    t,
    backend,
    async clear() {
      // In a transaction, so that it is retried like every write: on Galera a run the previous test
      // released may still be recording its end on another node (a certification conflict).
      await t.db.tx(async (m) => {
        await m.query("DELETE FROM jobs");
        await m.query("DELETE FROM job_logs");
      });
    },
  };
}

export const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls until fn() is truthy; fails with `what` after timeoutMs. */
export async function waitFor<T>(fn: () => T | Promise<T>, what: string, timeoutMs = 10_000, everyMs = 20): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(everyMs);
  }
}

/** Resolves with the arguments of the next `event`. */
export function nextEvent<T extends unknown[] = unknown[]>(emitter: EventEmitter, event: string, timeoutMs = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, on);
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const on = (...args: unknown[]) => {
      clearTimeout(timer);
      resolve(args as T);
    };
    emitter.once(event, on);
  });
}
