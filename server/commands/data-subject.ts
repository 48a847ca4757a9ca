import { In, type EntityManager } from "typeorm";
import { normalizeEmail, normalizePhone } from "../domain/contacts/identity.js";
import { Contact, DataSubjectRequest, RetentionErasure, RetentionSetting, Ticket } from "../entities/index.js";
import type { DataSubjectRequestKind } from "../entities/data-subject-request.entity.js";
import { DATA_SUBJECT_DEADLINE_HOURS, retentionCandidates, retentionPolicy } from "../queries/data-subject.js";
import { appendAuditEvent, type Actor } from "./append-audit-event.js";
import { erasePersonalData, type ErasureOutcome } from "./erase-personal-data.js";

/**
 * UU PDP 27/2022 data subject rights: a request is a record with a 3×24-hour deadline, covering
 * contacts and tickets by id (never by the identifiers the citizen gave); each step is audited in
 * the request's own chain ("data_subject_request:<id>") without repeating any personal data.
 */
const chainOf = (id: number) => ({ entityType: "data_subject_request", entityId: id });

export type RequestOutcome<T> = { kind: "ok"; value: T } | { kind: "not_found"; what: string } | { kind: "violation"; reason: string; code?: string };

export async function openDataSubjectRequest(
  m: EntityManager,
  input: { kind: DataSubjectRequestKind; contactIds: number[]; ticketIds: number[]; receivedAt?: Date; actor: Actor; at: Date },
): Promise<RequestOutcome<DataSubjectRequest>> {
  const contactIds = [...new Set(input.contactIds)].sort((a, b) => a - b);
  const ticketIds = [...new Set(input.ticketIds)].sort((a, b) => a - b);
  if (contactIds.length + ticketIds.length === 0) return { kind: "violation", reason: "choose at least one citizen or ticket (pilih minimal satu warga atau tiket)", code: "empty_request" };
  const foundContacts = contactIds.length ? await m.getRepository(Contact).countBy({ id: In(contactIds) }) : 0;
  if (foundContacts !== contactIds.length) return { kind: "not_found", what: "contact" };
  const foundTickets = ticketIds.length ? await m.getRepository(Ticket).countBy({ id: In(ticketIds) }) : 0;
  if (foundTickets !== ticketIds.length) return { kind: "not_found", what: "ticket" };
  const receivedAt = input.receivedAt && input.receivedAt <= input.at ? input.receivedAt : input.at;
  const row = m.getRepository(DataSubjectRequest).create({
    kind: input.kind,
    status: "open",
    contactIdsJson: JSON.stringify(contactIds),
    ticketIdsJson: JSON.stringify(ticketIds),
    receivedAt,
    dueAt: new Date(receivedAt.getTime() + DATA_SUBJECT_DEADLINE_HOURS * 3600_000),
    completedAt: null,
    createdByUserId: input.actor.userId,
    completedByUserId: null,
    outcomeJson: null,
    createdAt: input.at,
    updatedAt: input.at,
  });
  await m.getRepository(DataSubjectRequest).save(row);
  await appendAuditEvent(m, { actor: input.actor, type: "data_subject_request.opened", ...chainOf(row.id), after: { kind: row.kind, contactIds, ticketIds, dueAt: row.dueAt.toISOString() }, at: input.at });
  return { kind: "ok", value: row };
}

async function openRequest(m: EntityManager, id: number): Promise<DataSubjectRequest | null> {
  return m.getRepository(DataSubjectRequest).findOneBy({ id });
}

async function complete(m: EntityManager, row: DataSubjectRequest, outcome: object, actor: Actor, at: Date): Promise<void> {
  const patch = { status: "completed" as const, completedAt: at, completedByUserId: actor.userId, outcomeJson: JSON.stringify(outcome), updatedAt: at };
  await m.getRepository(DataSubjectRequest).update({ id: row.id }, patch);
  Object.assign(row, patch);
  await appendAuditEvent(m, { actor, type: "data_subject_request.completed", ...chainOf(row.id), after: { kind: row.kind, outcome, late: at > row.dueAt }, at });
}

/** The export was handed over: recorded (what, how much; never the content), and an access request completes. */
export async function recordDataSubjectExport(m: EntityManager, input: { requestId: number; counts: Record<string, number>; actor: Actor; at: Date }): Promise<RequestOutcome<DataSubjectRequest>> {
  const row = await openRequest(m, input.requestId);
  if (!row) return { kind: "not_found", what: `data subject request ${input.requestId}` };
  await appendAuditEvent(m, { actor: input.actor, type: "data_subject_request.exported", ...chainOf(row.id), after: { counts: input.counts }, at: input.at });
  if (row.kind === "access" && row.status === "open") await complete(m, row, { exported: input.counts }, input.actor, input.at);
  return { kind: "ok", value: row };
}

export interface ContactCorrection {
  contactId: number;
  name?: string | null;
  phone?: string | null;
  email?: string | null;
}

/**
 * Corrects a citizen's contact fields (the right to rectification). The audit event names the
 * fields changed, not their values: the old and the new values are personal data.
 */
export async function correctContact(m: EntityManager, input: { requestId: number; correction: ContactCorrection; actor: Actor; at: Date }): Promise<RequestOutcome<Contact>> {
  const row = await openRequest(m, input.requestId);
  if (!row) return { kind: "not_found", what: `data subject request ${input.requestId}` };
  if (row.status !== "open") return { kind: "violation", reason: "the request is already completed (permintaan sudah selesai)", code: "request_completed" };
  const { contactId } = input.correction;
  if (!(JSON.parse(row.contactIdsJson) as number[]).includes(contactId)) return { kind: "violation", reason: "this citizen is not part of the request (warga ini tidak termasuk permintaan)", code: "contact_not_in_request" };
  const contact = await m.getRepository(Contact).findOneBy({ id: contactId });
  if (!contact) return { kind: "not_found", what: `contact ${contactId}` };
  const patch: Partial<Contact> = {};
  if (input.correction.name !== undefined) patch.name = input.correction.name?.trim() || null;
  if (input.correction.phone !== undefined) {
    const phone = input.correction.phone ? normalizePhone(input.correction.phone) : null;
    if (input.correction.phone && !phone) return { kind: "violation", reason: "not a phone number (bukan nomor telepon)", code: "invalid_phone" };
    patch.phone = phone;
  }
  if (input.correction.email !== undefined) {
    const email = input.correction.email ? normalizeEmail(input.correction.email) : null;
    if (input.correction.email && !email) return { kind: "violation", reason: "not an e-mail address (bukan alamat e-mail)", code: "invalid_email" };
    patch.email = email;
  }
  const changed = (Object.keys(patch) as (keyof Contact)[]).filter((k) => patch[k] !== contact[k]);
  if (changed.length) {
    await m.getRepository(Contact).update({ id: contact.id }, { ...patch, updatedAt: input.at });
    Object.assign(contact, patch, { updatedAt: input.at });
    await appendAuditEvent(m, { actor: input.actor, type: "contact.corrected", entityType: "contact", entityId: contact.id, after: { request: row.id, fields: changed }, at: input.at });
  }
  if (row.kind === "correction") await complete(m, row, { corrected: changed }, input.actor, input.at);
  return { kind: "ok", value: contact };
}

/** Erases the request's citizen (see erase-personal-data.ts) and completes the request. */
export async function eraseDataSubject(
  m: EntityManager,
  input: { requestId: number; extra?: { names?: string[]; numbers?: string[]; literals?: string[] }; actor: Actor; at: Date },
): Promise<RequestOutcome<ErasureOutcome>> {
  const row = await openRequest(m, input.requestId);
  if (!row) return { kind: "not_found", what: `data subject request ${input.requestId}` };
  if (row.kind !== "erasure") return { kind: "violation", reason: "only an erasure request erases (hanya permintaan penghapusan yang menghapus data)", code: "not_erasure" };
  if (row.status !== "open") return { kind: "violation", reason: "the request is already completed (permintaan sudah selesai)", code: "request_completed" };
  const out = await erasePersonalData(m, {
    contactIds: JSON.parse(row.contactIdsJson) as number[],
    ticketIds: JSON.parse(row.ticketIdsJson) as number[],
    extra: input.extra,
    reason: { kind: "request", requestId: row.id },
    actor: input.actor,
    at: input.at,
  });
  const { files: _files, ...counts } = out;
  await complete(m, row, { erased: counts }, input.actor, input.at);
  return { kind: "ok", value: out };
}

export async function saveRetentionPolicy(m: EntityManager, input: { enabled: boolean; yearsAfterClosure: number; basis: string | null; actor: Actor; at: Date }): Promise<void> {
  const repo = m.getRepository(RetentionSetting);
  const row = await repo.findOne({ where: {}, order: { id: "ASC" } });
  const before = row ? { enabled: row.enabled, yearsAfterClosure: row.yearsAfterClosure, basis: row.basis } : null;
  const values = { enabled: input.enabled, yearsAfterClosure: input.yearsAfterClosure, basis: input.basis, updatedByUserId: input.actor.userId, updatedAt: input.at };
  if (row) await repo.update({ id: row.id }, values);
  else await repo.insert(values);
  await appendAuditEvent(m, { actor: input.actor, type: "retention.policy_saved", entityType: "retention", entityId: "policy", before, after: { enabled: input.enabled, yearsAfterClosure: input.yearsAfterClosure, basis: input.basis }, at: input.at });
}

/**
 * One run of the retention policy: the cases past the period (exactly those the dry run lists)
 * are anonymised, each once. A dry run changes nothing.
 */
export async function applyRetention(m: EntityManager, input: { dryRun: boolean; actor: Actor; at: Date; limit?: number }) {
  const policy = await retentionPolicy(m);
  const { cutoff, cases } = await retentionCandidates(m, input.at, policy, input.limit ?? 500);
  if (input.dryRun || !policy.enabled || cases.length === 0) return { policy, cutoff, cases, applied: false as boolean, outcome: null as Omit<ErasureOutcome, "files"> | null, files: null as ErasureOutcome["files"] | null };
  const out = await erasePersonalData(m, { contactIds: [], ticketIds: cases.map((c) => c.id), reason: { kind: "retention" }, actor: input.actor, at: input.at });
  await m.getRepository(RetentionErasure).insert(cases.map((c) => ({ ticketId: c.id, erasedAt: input.at })));
  const { files, ...counts } = out;
  await appendAuditEvent(m, { actor: input.actor, type: "retention.applied", entityType: "retention", entityId: input.at.toISOString().slice(0, 10), after: { yearsAfterClosure: policy.yearsAfterClosure, cutoff: cutoff.toISOString(), ticketIds: cases.map((c) => c.id), ...counts }, at: input.at });
  return { policy, cutoff, cases, applied: true, outcome: counts, files };
}

