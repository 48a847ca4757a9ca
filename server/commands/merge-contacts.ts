// One citizen across channels (issue 19): contacts of one person are merged into one. The merged
// contact keeps its row with contacts.merged_into_id pointing at the contact it now lives in; its
// identities (phone, e-mail, Telegram user…) and tickets move there, and contact_merges records
// exactly what moved, so that undoing the merge restores both contacts and their tickets. Every
// lookup of "which contact is this" follows merged_into_id through canonicalContactIds (here, once).
import { In, IsNull, type EntityManager } from "typeorm";
import { followMergedContact } from "../../channels/rules/index.js";
import { ContactIdentity } from "../entities/contact-identity.entity.js";
import { ContactMerge, type ContactMergeMethod, type ContactMergeMoved } from "../entities/contact-merge.entity.js";
import { Contact } from "../entities/contact.entity.js";
import { Ticket } from "../entities/ticket.entity.js";
import { placeholders } from "../lib/select-entities.js";
import { appendAuditEvents, type AuditInput } from "./append-audit-event.js";
import type { CommandContext } from "./context.js";

/**
 * The contact each of `ids` lives in now (itself unless merged). One query when nothing was merged;
 * a merged contact's chain is followed row by row (merges are rare, chains short).
 */
export async function canonicalContactIds(m: EntityManager, ids: readonly number[]): Promise<Map<number, number>> {
  const out = new Map<number, number>(ids.map((id) => [id, id]));
  const unique = [...new Set(ids)];
  if (!unique.length) return out;
  const merged = (await m.query(`SELECT id, merged_into_id AS mergedIntoId FROM contacts WHERE merged_into_id IS NOT NULL AND id IN (${placeholders(unique.length)})`, unique)) as {
    id: number | string;
    mergedIntoId: number | string;
  }[];
  const contacts = m.getRepository(Contact);
  for (const row of merged) {
    const start: { id: number; mergedIntoId: number | null } = { id: Number(row.id), mergedIntoId: Number(row.mergedIntoId) };
    const end = await followMergedContact(start, (id) => contacts.findOne({ select: { id: true, mergedIntoId: true }, where: { id } }));
    out.set(start.id, end?.id ?? start.id);
  }
  return out;
}

/** The contact `id` lives in now. */
export const canonicalContactId = async (m: EntityManager, id: number) => (await canonicalContactIds(m, [id])).get(id)!;

/** Which of `ids` have other contacts merged into them: a citizen with linked identities. */
export async function contactsWithLinks(m: EntityManager, ids: readonly number[]): Promise<Set<number>> {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Set();
  const rows = (await m.query(`SELECT DISTINCT merged_into_id AS id FROM contacts WHERE merged_into_id IN (${placeholders(unique.length)})`, unique)) as { id: number | string }[];
  return new Set(rows.map((r) => Number(r.id)));
}

/** `ids` and every contact merged into them, however deep: what a data subject request covers. */
export async function withMergedContacts(m: EntityManager, ids: readonly number[]): Promise<number[]> {
  const all = new Set(ids);
  let frontier = [...all];
  for (let i = 0; frontier.length && i < 10; i++) {
    const rows = await m.getRepository(Contact).find({ select: { id: true }, where: { mergedIntoId: In(frontier) } });
    frontier = rows.map((r) => r.id).filter((id) => !all.has(id));
    for (const id of frontier) all.add(id);
  }
  return [...all];
}

/**
 * The contacts merged into each of `ids` (however deep), keyed by that id: their name, phone and
 * e-mail still name the citizen, so masking a reporter's identifiers must include them (their
 * identities already moved to the surviving contact).
 */
export async function mergedContactsOf(m: EntityManager, ids: readonly number[]): Promise<Map<number, Pick<Contact, "id" | "name" | "phone" | "email">[]>> {
  const out = new Map<number, Pick<Contact, "id" | "name" | "phone" | "email">[]>();
  const rootOf = new Map<number, number>(ids.map((id) => [id, id]));
  let frontier = [...new Set(ids)];
  for (let hop = 0; frontier.length && hop < 10; hop++) {
    const rows = await m.getRepository(Contact).find({ select: { id: true, name: true, phone: true, email: true, mergedIntoId: true }, where: { mergedIntoId: In(frontier) } });
    frontier = [];
    for (const r of rows) {
      if (rootOf.has(r.id)) continue;
      const root = rootOf.get(r.mergedIntoId!)!;
      rootOf.set(r.id, root);
      (out.get(root) ?? out.set(root, []).get(root)!).push(r);
      frontier.push(r.id);
    }
  }
  return out;
}

/**
 * Every contact of the citizens `ids` belong to: the contact each lives in now and all contacts
 * merged into it. A data subject request names one contact; it covers the person.
 */
export async function contactMergeGroup(m: EntityManager, ids: readonly number[]): Promise<number[]> {
  const canonical = await canonicalContactIds(m, ids);
  return withMergedContacts(m, [...new Set([...ids, ...canonical.values()])]);
}

export type MergeContactsOutcome =
  | { kind: "merged"; merge: ContactMerge; contactId: number; moved: ContactMergeMoved }
  | { kind: "refused"; reason: "not_found" | "same_contact" | "already_merged" | "has_links" };

const lockContacts = async (m: EntityManager, ids: number[]) => {
  const mysql = m.connection.options.type === "mysql";
  return m.getRepository(Contact).find({ where: { id: In(ids) }, order: { id: "ASC" }, ...(mysql ? { lock: { mode: "pessimistic_write" as const } } : {}) });
};

/**
 * Merges contact `fromId` into `intoId` (or the contact `intoId` now lives in): identities and
 * tickets move, the empty phone / e-mail of the surviving contact are filled from the merged one
 * (never the name: an OPD sees a reporter's name on publik tickets, and the merged contact's
 * tickets may have been anonim). A contact that others were merged into is refused: undo those
 * first, or merge the other way.
 */
export async function mergeContacts(m: EntityManager, ctx: CommandContext, input: { intoId: number; fromId: number; method: ContactMergeMethod }): Promise<MergeContactsOutcome> {
  const intoId = await canonicalContactId(m, input.intoId);
  const locked = await lockContacts(m, [...new Set([intoId, input.fromId])]);
  const into = locked.find((c) => c.id === intoId);
  const from = locked.find((c) => c.id === input.fromId);
  if (!into || !from) return { kind: "refused", reason: "not_found" };
  if (into.id === from.id) return { kind: "refused", reason: "same_contact" };
  if (from.mergedIntoId) return { kind: "refused", reason: "already_merged" };
  if ((await contactsWithLinks(m, [from.id])).size) return { kind: "refused", reason: "has_links" };

  const identities = await m.getRepository(ContactIdentity).find({ select: { id: true }, where: { contactId: from.id }, order: { id: "ASC" } });
  const tickets = await m.getRepository(Ticket).find({ select: { id: true }, where: { contactId: from.id }, order: { id: "ASC" } });
  const moved: ContactMergeMoved = { identityIds: identities.map((i) => i.id), ticketIds: tickets.map((t) => t.id), filled: {} };
  if (!into.phone && from.phone) moved.filled.phone = from.phone;
  if (!into.email && from.email) moved.filled.email = from.email;

  if (moved.identityIds.length) await m.getRepository(ContactIdentity).update({ id: In(moved.identityIds) }, { contactId: into.id });
  if (moved.ticketIds.length) await m.getRepository(Ticket).update({ id: In(moved.ticketIds) }, { contactId: into.id });
  await m.getRepository(Contact).update({ id: into.id }, { ...moved.filled, updatedAt: ctx.at });
  await m.getRepository(Contact).update({ id: from.id }, { mergedIntoId: into.id, updatedAt: ctx.at });
  const merges = m.getRepository(ContactMerge);
  const merge = await merges.save(
    merges.create({ contactId: into.id, mergedContactId: from.id, method: input.method, movedJson: JSON.stringify(moved), createdByUserId: ctx.actor.userId, createdAt: ctx.at, undoneAt: null, undoneByUserId: null }),
  );
  const summary = { mergeId: merge.id, contactId: into.id, mergedContactId: from.id, method: input.method, identities: moved.identityIds.length, tickets: moved.ticketIds.length, filled: Object.keys(moved.filled) };
  const events: AuditInput[] = [
    { actor: ctx.actor, type: "contact.merged", entityType: "contact", entityId: into.id, after: summary, at: ctx.at },
    { actor: ctx.actor, type: "contact.merged_away", entityType: "contact", entityId: from.id, before: { mergedIntoId: null }, after: { mergedIntoId: into.id, mergeId: merge.id }, at: ctx.at },
    ...moved.ticketIds.map((ticketId) => ({ actor: ctx.actor, type: "ticket.contact_merged", entityType: "ticket", entityId: ticketId, ticketId, before: { contactId: from.id }, after: { contactId: into.id, mergeId: merge.id }, at: ctx.at })),
  ];
  await appendAuditEvents(m, events);
  return { kind: "merged", merge, contactId: into.id, moved };
}

export type UnmergeContactsOutcome = { kind: "unmerged"; merge: ContactMerge; restored: { identities: number; tickets: number } } | { kind: "refused"; reason: "not_found" | "already_undone" };

/**
 * Undoes a merge: the identities and tickets it moved go back to the merged contact (those still in
 * the contact they moved to; what was erased or moved since stays where it is), fields it filled
 * are emptied again if unchanged since, and the merged contact stands on its own again. Messages
 * and tickets that came in while the contacts were one stay with the surviving contact.
 */
export async function unmergeContacts(m: EntityManager, ctx: CommandContext, input: { mergeId: number }): Promise<UnmergeContactsOutcome> {
  const merges = m.getRepository(ContactMerge);
  const merge = await merges.findOneBy({ id: input.mergeId });
  if (!merge) return { kind: "refused", reason: "not_found" };
  if (merge.undoneAt) return { kind: "refused", reason: "already_undone" };
  const locked = await lockContacts(m, [merge.contactId, merge.mergedContactId]);
  const into = locked.find((c) => c.id === merge.contactId);
  const from = locked.find((c) => c.id === merge.mergedContactId);
  if (!into || !from) return { kind: "refused", reason: "not_found" };
  const moved = JSON.parse(merge.movedJson) as ContactMergeMoved;

  const identityIds = moved.identityIds.length ? (await m.getRepository(ContactIdentity).find({ select: { id: true }, where: { id: In(moved.identityIds), contactId: into.id } })).map((i) => i.id) : [];
  const ticketIds = moved.ticketIds.length ? (await m.getRepository(Ticket).find({ select: { id: true }, where: { id: In(moved.ticketIds), contactId: into.id } })).map((t) => t.id) : [];
  if (identityIds.length) await m.getRepository(ContactIdentity).update({ id: In(identityIds) }, { contactId: from.id });
  if (ticketIds.length) await m.getRepository(Ticket).update({ id: In(ticketIds) }, { contactId: from.id });
  const emptied: Partial<Contact> = {};
  if (moved.filled.phone && into.phone === moved.filled.phone) emptied.phone = null;
  if (moved.filled.email && into.email === moved.filled.email) emptied.email = null;
  await m.getRepository(Contact).update({ id: into.id }, { ...emptied, updatedAt: ctx.at });
  await m.getRepository(Contact).update({ id: from.id }, { mergedIntoId: null, updatedAt: ctx.at });
  await merges.update({ id: merge.id, undoneAt: IsNull() }, { undoneAt: ctx.at, undoneByUserId: ctx.actor.userId });
  merge.undoneAt = ctx.at;
  merge.undoneByUserId = ctx.actor.userId;
  const summary = { mergeId: merge.id, contactId: into.id, mergedContactId: from.id, identities: identityIds.length, tickets: ticketIds.length };
  await appendAuditEvents(m, [
    { actor: ctx.actor, type: "contact.unmerged", entityType: "contact", entityId: into.id, after: summary, at: ctx.at },
    { actor: ctx.actor, type: "contact.unmerged_away", entityType: "contact", entityId: from.id, before: { mergedIntoId: into.id }, after: { mergedIntoId: null, mergeId: merge.id }, at: ctx.at },
    ...ticketIds.map((ticketId) => ({ actor: ctx.actor, type: "ticket.contact_unmerged", entityType: "ticket", entityId: ticketId, ticketId, before: { contactId: into.id }, after: { contactId: from.id, mergeId: merge.id }, at: ctx.at })),
  ]);
  return { kind: "unmerged", merge, restored: { identities: identityIds.length, tickets: ticketIds.length } };
}
