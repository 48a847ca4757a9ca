// What a person is writing in a ticket's dialog outlives the component that shows it: a live
// update, a route change or anything else that mounts the ticket page again brings back the open
// dialog with its text and picked files, instead of losing them. Kept in this tab's memory only
// (never in storage: an answer on a shared computer stays in the page), until it is sent.
import { useCallback, useState, type Dispatch, type SetStateAction } from "react";

const drafts = new Map<string, unknown>();

/** useState whose value is kept under `key` (e.g. "answer:12:text") while the tab lives. */
export function useDraft<T>(key: string, initial: T): [T, Dispatch<SetStateAction<T>>] {
  const [value, setValue] = useState<T>(() => (drafts.has(key) ? (drafts.get(key) as T) : initial));
  const set = useCallback<Dispatch<SetStateAction<T>>>(
    (next) =>
      setValue((prev) => {
        const v = typeof next === "function" ? (next as (p: T) => T)(prev) : next;
        drafts.set(key, v);
        return v;
      }),
    [key],
  );
  return [value, set];
}

/** Forgets every draft under `prefix` (after it was sent). */
export function dropDrafts(prefix: string): void {
  for (const k of [...drafts.keys()]) if (k.startsWith(prefix)) drafts.delete(k);
}
