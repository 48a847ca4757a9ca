/**
 * A merged ticket points at the ticket it was merged into, which may itself have been merged
 * later. Following the pointers ends at the open ticket; MERGE_HOPS_LIMIT stops a cycle that a
 * bad import or a manual edit could create.
 */
export const MERGE_HOPS_LIMIT = 10;

export interface MergeLink {
  id: number;
  status: string;
  mergedIntoId: number | null;
}

/** The ticket a message for `ticket` belongs to: `ticket` itself unless it was merged. */
export async function followMerged<T extends MergeLink>(ticket: T | null, load: (id: number) => Promise<T | null>): Promise<T | null> {
  let t = ticket;
  for (let i = 0; t && t.status === "merged" && t.mergedIntoId && i < MERGE_HOPS_LIMIT; i++) t = await load(t.mergedIntoId);
  return t;
}
