import type { EntityManager } from "typeorm";
import { contactEventMayChangeNames, ticketEventMayChangePublicRow } from "../domain/privacy/publication.js";
import { beforeCommit } from "../lib/db.js";
import { placeholders } from "../lib/select-entities.js";
import type { AuditInput } from "./append-audit-event.js";
import { contactMergeGroup } from "./merge-contacts.js";
import { refreshPublicReports } from "./refresh-public-reports.js";

interface Pending {
  tickets: Set<number>;
  contacts: Set<number>;
  at: Date;
}
const KEY = Symbol("public-report-refresh");

/**
 * Marks public rows to recompute at the end of the caller's transaction (Db.tx's before-commit
 * hook), so they reflect everything it wrote, once per ticket however many events it appended:
 * the tickets of the audit events that may change them (domain/privacy/publication.ts), and every
 * ticket of a citizen whose names changed (rename, correction, identities linked or merged,
 * erasure: the masking uses those names). Outside a Db.tx transaction the rows are written at once.
 */
export async function queuePublicReportRefresh(m: EntityManager, what: { events?: readonly AuditInput[]; ticketIds?: readonly number[]; contactIds?: readonly number[]; at: Date }): Promise<void> {
  const tickets = [...(what.ticketIds ?? [])];
  const contacts = [...(what.contactIds ?? [])];
  for (const e of what.events ?? []) {
    if (e.ticketId && ticketEventMayChangePublicRow(e.type)) tickets.push(e.ticketId);
    if (e.entityType === "contact" && e.entityId != null && contactEventMayChangeNames(e.type)) contacts.push(Number(e.entityId));
  }
  if (tickets.length === 0 && contacts.length === 0) return;
  const pending = beforeCommit<Pending>(m, KEY, () => ({ tickets: new Set(), contacts: new Set(), at: what.at }), flush);
  const p = pending ?? { tickets: new Set<number>(), contacts: new Set<number>(), at: what.at };
  for (const id of tickets) p.tickets.add(id);
  for (const id of contacts) if (Number.isInteger(id)) p.contacts.add(id);
  if (what.at > p.at) p.at = what.at;
  if (!pending) await flush(m, p);
}

async function flush(m: EntityManager, p: Pending): Promise<void> {
  const ids = new Set(p.tickets);
  if (p.contacts.size) {
    // The whole person: a linked citizen's contacts all lend their names to each other's tickets.
    const group = await contactMergeGroup(m, [...p.contacts]);
    if (group.length) {
      // Only verified tickets can have a row; a ticket verified later is written by that event.
      const rows: { id: number | string }[] = await m.query(`SELECT id FROM tickets WHERE contact_id IN (${placeholders(group.length)}) AND verified_at IS NOT NULL`, group);
      for (const r of rows) ids.add(Number(r.id));
    }
  }
  if (ids.size) await refreshPublicReports(m, [...ids], p.at);
}
