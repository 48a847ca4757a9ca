import type { DataSource } from "typeorm";

/** The audit event type an erasure writes: `after.events` lists [event id, hash] of each link it redacted. */
export const AUDIT_REDACTED = "audit.redacted";

/**
 * Links redacted by an erasure (UU PDP right to erasure, retention): their payload no longer
 * recomputes to their hash because personal data was masked out of it, and that is expected
 * exactly when a later `audit.redacted` event (itself a hashed link) names the event with the hash
 * it still carries. Chain order, sequence and anchors are checked for them as for every link.
 */
export async function loadRedactions(ds: Pick<DataSource, "query">): Promise<Map<number, string>> {
  const rows = (await ds.query(`SELECT after_json FROM audit_events WHERE type = ?`, [AUDIT_REDACTED])) as { after_json: string | null }[];
  const out = new Map<number, string>();
  for (const r of rows) {
    try {
      const events = (JSON.parse(r.after_json ?? "{}") as { events?: unknown }).events;
      if (!Array.isArray(events)) continue;
      for (const e of events) if (Array.isArray(e) && typeof e[0] === "number" && typeof e[1] === "string") out.set(e[0], e[1]);
    } catch {
      // an edited redaction event fails its own hash check
    }
  }
  return out;
}
