import { IsNull, type EntityManager } from "typeorm";
import { decide, isOpenStatus, type ForwardChange, type TicketCommand, type TicketState } from "../domain/ticket/lifecycle.js";
import { Agency } from "../entities/agency.entity.js";
import { Attachment } from "../entities/attachment.entity.js";
import { Forward } from "../entities/forward.entity.js";
import { Message } from "../entities/message.entity.js";
import { newMessageRow } from "../entities/rows.js";
import { Ticket } from "../entities/ticket.entity.js";
import { caseTextDigests, type TextDigests } from "../audit/case-texts.js";
import { appendAuditEvent } from "./append-audit-event.js";
import type { CommandContext } from "./context.js";
import { syncClocks } from "../clocks/ticket-clocks.js";
import { queueTicketNotice } from "./queue-outbound.js";
import { queueCaseNotice } from "./queue-case-notice.js";
import { notifyStaff } from "./notify-staff.js";
import { Category } from "../entities/category.entity.js";
import { IMAGE } from "./mark-wall-photo.js";

/** How long after an answer (or resolution) the citizen may dispute it. */
export const REOPEN_WINDOW_DAYS = 10;
const DAY = 24 * 60 * 60 * 1000;

/** A lifecycle action as the API receives it; engine-only fields (intoStatus, at) are filled here. */
export type TransitionInput =
  | { action: "verify" }
  | { action: "reject"; reason: string }
  | { action: "merge"; intoTicketId: number }
  | { action: "forward"; agencyIds: number[]; instruction: string }
  | { action: "acknowledge"; agencyId: number }
  /** physicalFix: the answer claims a physical fix (in a field-check category it is assumed unless false). */
  | { action: "answer"; agencyId: number; response: string; physicalFix?: boolean }
  | { action: "return"; agencyId: number; reason: string }
  | { action: "approve_answer"; forwardId: number }
  | { action: "send_back"; forwardId: number; note: string }
  | { action: "request_info"; message?: string }
  | { action: "citizen_replied" }
  | { action: "resolve"; note?: string }
  | { action: "close"; automatic?: boolean }
  | { action: "reopen"; reason: string };

export type TransitionOutcome =
  | { kind: "ok"; ticket: Ticket; events: string[] }
  | { kind: "violation"; reason: string; code?: string }
  | { kind: "not_found"; what: string };

async function lockTicket(m: EntityManager, id: number): Promise<Ticket | null> {
  const mysql = m.connection.options.type === "mysql";
  return m.getRepository(Ticket).findOne({ where: { id }, ...(mysql ? { lock: { mode: "pessimistic_write" as const } } : {}) });
}

export function ticketState(ticket: Ticket, forwards: Forward[]): TicketState {
  const since = ticket.reopenedAt?.getTime() ?? 0;
  const lastAnswer = ticket.closedAt ?? ticket.resolvedAt ?? ticket.answeredAt;
  return {
    status: ticket.status,
    previousStatus: ticket.previousStatus,
    forwards: forwards.map((f) => ({ id: f.id, agencyId: f.agencyId, status: f.status, current: f.createdAt.getTime() >= since })),
    reopenUntil: lastAnswer ? new Date(lastAnswer.getTime() + REOPEN_WINDOW_DAYS * DAY) : null,
  };
}

/** Runs one lifecycle action: decide() says what may happen, this persists it with its audit events. */
export async function transitionTicket(m: EntityManager, ctx: CommandContext, ticketId: number, input: TransitionInput): Promise<TransitionOutcome> {
  const ticket = await lockTicket(m, ticketId);
  if (!ticket) return { kind: "not_found", what: `ticket ${ticketId}` };
  const forwardsRepo = m.getRepository(Forward);
  const forwards = await forwardsRepo.find({ where: { ticketId }, order: { id: "ASC" } });

  let command: TicketCommand;
  let into: Ticket | null = null;
  /** This answer goes to a field check (category setting, physical fix claimed). */
  let fieldCheck = false;
  switch (input.action) {
    case "merge": {
      if (input.intoTicketId === ticketId) return { kind: "violation", reason: "a ticket cannot be merged into itself" };
      into = await lockTicket(m, input.intoTicketId);
      if (!into) return { kind: "not_found", what: `ticket ${input.intoTicketId}` };
      command = { type: "merge", intoTicketId: into.id, intoStatus: into.status };
      break;
    }
    case "forward": {
      const agencies = await m.getRepository(Agency).findBy(input.agencyIds.map((id) => ({ id })));
      const missing = input.agencyIds.filter((id) => !agencies.some((a) => a.id === id && a.active));
      if (missing.length) return { kind: "not_found", what: `OPD ${missing.join(", ")}` };
      command = { type: "forward", agencyIds: input.agencyIds, instruction: input.instruction };
      break;
    }
    case "reopen":
      command = { type: "reopen", reason: input.reason, at: ctx.at };
      break;
    case "request_info":
      command = { type: "request_info" };
      break;
    case "resolve":
      command = { type: "resolve" };
      break;
    case "answer":
      fieldCheck = input.physicalFix !== false && (await categoryOf(m, ticket))?.fieldCheck === true;
      command = { type: "answer", agencyId: input.agencyId, response: input.response, review: fieldCheck || (await answerNeedsReview(m, ticket, input.agencyId)) };
      break;
    default:
      command = { ...input, type: input.action } as TicketCommand;
  }

  const d = decide(ticketState(ticket, forwards), command);
  if (!d.ok) return { kind: "violation", reason: d.reason };
  if (fieldCheck) {
    const missing = await afterPhotoMissing(m, d.forwardChanges);
    if (missing) return { kind: "violation", code: "field_check_photo_required", reason: missing };
  }

  const before = { status: ticket.status, dueAt: ticket.dueAt };
  const at = ctx.at;
  const forwardEvents: Record<string, unknown>[] = [];
  // Digests of the texts this action writes (instruction, answer, return reason, note), in its event.
  const texts: TextDigests = {};
  for (const change of d.forwardChanges) {
    const affected = await applyForwardChange(m, ctx, ticket, forwards, change, input, texts);
    const check = fieldCheckAfter(forwards.find((f) => f.id === affected.forwardId), change, fieldCheck);
    if (check !== undefined) {
      await forwardsRepo.update({ id: affected.forwardId as number }, { fieldCheck: check });
      affected.fieldCheck = check;
    }
    forwardEvents.push(affected);
  }

  // Timestamps the clocks and reports need.
  const patch: Partial<Ticket> = { status: d.next, previousStatus: d.previousStatus ?? (d.next === "waiting_on_citizen" ? ticket.previousStatus : null) };
  if (d.next === "waiting_on_citizen") patch.waitingSince = at;
  if (ticket.status === "waiting_on_citizen") patch.waitingSince = null;
  if (d.next === "verified") patch.verifiedAt = at;
  if (input.action === "forward" && !ticket.forwardedAt) patch.forwardedAt = at;
  const held = forwardEvents.filter((e) => e.change === "answer" && e.held === true).map((e) => e.forwardId as number);
  // The citizen is answered when the answer goes out: at once, or when an operator approves it.
  if ((input.action === "answer" && held.length === 0) || input.action === "approve_answer") {
    patch.answeredAt = at;
    if (!ticket.firstResponseAt) patch.firstResponseAt = at;
  }
  if (d.next === "resolved") patch.resolvedAt = at;
  if (d.next === "closed") patch.closedAt = at;
  if (d.next === "reopened") {
    patch.reopenedAt = at;
    patch.resolvedAt = null;
    patch.closedAt = null;
  }
  if (d.next === "merged") {
    patch.mergedIntoId = into!.id;
    // A case cluster stays flat: the members of this ticket join the ticket it joins.
    await m.getRepository(Ticket).update({ mergedIntoId: ticket.id, status: "merged" }, { mergedIntoId: into!.id, updatedAt: at });
  }
  patch.isOpen = isOpenStatus(d.next);
  Object.assign(ticket, patch);
  await m.getRepository(Ticket).update({ id: ticket.id }, { ...patch, updatedAt: at });
  await syncClocks(m, {
    ticket,
    from: before.status,
    createdForwards: forwards.filter((f) => forwardEvents.some((e) => e.forwardId === f.id && e.change === "created")),
    closedForwardIds: forwardEvents.filter((e) => e.change !== "created" && e.change !== "acknowledge").map((e) => e.forwardId as number),
    heldForwardIds: held,
    sentBackForwardIds: forwardEvents.filter((e) => e.change === "send_back").map((e) => e.forwardId as number),
    at,
  });

  const note = noteFor(input);
  if (note) {
    const inserted = await m.getRepository(Message).insert(newMessageRow({ ticketId: ticket.id, direction: "note", channel: ticket.channel, authorUserId: ctx.actor.userId, body: note, at }));
    Object.assign(texts, caseTextDigests("messages", Number(inserted.identifiers[0]?.id), { subject: null, body: note, bodyHtml: null }));
  }

  const details = {
    ...("reason" in input ? { reason: input.reason } : {}),
    ...("instruction" in input ? { instruction: input.instruction } : {}),
    ...(input.action === "send_back" ? { note: input.note } : {}),
    ...(into ? { intoTicketId: into.id, intoNumber: into.number } : {}),
  };
  for (const [i, type] of d.events.entries()) {
    await appendAuditEvent(m, {
      actor: ctx.actor,
      type,
      entityType: "ticket",
      entityId: ticket.id,
      ticketId: ticket.id,
      before,
      after: { status: ticket.status, dueAt: ticket.dueAt, ...details, forwards: forwardEvents, ...(i === 0 && Object.keys(texts).length ? { texts } : {}) },
      at,
    });
  }
  if (into) {
    await appendAuditEvent(m, {
      actor: ctx.actor,
      type: "ticket.merged_in",
      entityType: "ticket",
      entityId: into.id,
      ticketId: into.id,
      after: { mergedTicketId: ticket.id, mergedNumber: ticket.number },
      at,
    });
    await m.getRepository(Ticket).update({ id: into.id }, { updatedAt: at });
  }
  await noticeToCitizen(m, ctx, ticket, input, forwardEvents, into?.number);
  await noticeToStaff(m, ctx, ticket, input, forwardEvents);
  return { kind: "ok", ticket, events: d.events };
}

const categoryOf = (m: EntityManager, ticket: Ticket) => (ticket.categoryId == null ? Promise.resolve(null) : m.getRepository(Category).findOneBy({ id: ticket.categoryId }));

/**
 * Field check (issue 19, item 9): an answer claiming a physical fix must carry an "after" photo, an
 * image the OPD attached to this answer (on the forward, not yet part of an earlier answer; an
 * answer sent back needs a new one). The reason names the problem, in English and Bahasa Indonesia.
 */
async function afterPhotoMissing(m: EntityManager, changes: ForwardChange[]): Promise<string | null> {
  const answered = changes.find((c) => c.kind === "answer");
  if (!answered || answered.kind !== "answer") return null;
  const files = await m.getRepository(Attachment).find({ select: { id: true, mimeType: true }, where: { forwardId: answered.forwardId, messageId: IsNull() } });
  if (files.some((a) => IMAGE.test(a.mimeType))) return null;
  return 'this category needs a field check: attach an "after" photo of the fix to your answer first, or say the answer claims no physical fix (kategori ini memerlukan cek lapangan: lampirkan foto "sesudah" perbaikan sebelum menjawab)';
}

/** The forward's field-check state after a change: awaiting when held for it, confirmed or sent_back by the checker. */
function fieldCheckAfter(f: Forward | undefined, change: ForwardChange, requested: boolean): Forward["fieldCheck"] | undefined {
  if (change.kind === "answer") return requested ? "awaiting" : f?.fieldCheck ? null : undefined;
  if (f?.fieldCheck !== "awaiting") return undefined;
  if (change.kind === "approve") return "confirmed";
  if (change.kind === "send_back") return "sent_back";
  return undefined;
}

/** Whether this OPD's answer on this ticket waits for an operator (the OPD's or the category's setting). */
async function answerNeedsReview(m: EntityManager, ticket: Ticket, agencyId: number): Promise<boolean> {
  const agency = await m.getRepository(Agency).findOneBy({ id: agencyId });
  if (agency?.answerReview) return true;
  if (ticket.categoryId == null) return false;
  return (await m.getRepository(Category).findOneBy({ id: ticket.categoryId }))?.answerReview === true;
}

/** Notices of new work to staff (docs/notifications.md), in this transaction. */
async function noticeToStaff(m: EntityManager, ctx: CommandContext, ticket: Ticket, input: TransitionInput, forwardEvents: Record<string, unknown>[]): Promise<void> {
  const ids = (change: string, extra?: (e: Record<string, unknown>) => boolean) => forwardEvents.filter((e) => e.change === change && (!extra || extra(e))).map((e) => e.forwardId as number);
  if (input.action === "forward") {
    await notifyStaff(m, ctx, ticket, { kind: "forwarded", forwardIds: ids("created") });
  } else if (input.action === "return") {
    for (const forwardId of ids("return")) await notifyStaff(m, ctx, ticket, { kind: "returned", forwardId });
  } else if (input.action === "reopen") {
    await notifyStaff(m, ctx, ticket, { kind: "disputed" });
  } else if (input.action === "answer") {
    for (const forwardId of ids("answer", (e) => e.held === true)) await notifyStaff(m, ctx, ticket, { kind: "answer_held", forwardId });
  } else if (input.action === "send_back") {
    await notifyStaff(m, ctx, ticket, { kind: "answer_sent_back", forwardId: input.forwardId });
  }
}

/**
 * The citizen hears of a forward, an answer, a resolution and a merge on their channel (editable
 * templates). A forward, an answer and a resolution reach every reporter of the case cluster.
 */
async function noticeToCitizen(m: EntityManager, ctx: CommandContext, ticket: Ticket, input: TransitionInput, forwardEvents: Record<string, unknown>[], intoNumber?: string): Promise<void> {
  if (input.action === "forward") {
    const ids = forwardEvents.filter((e) => e.change === "created").map((e) => e.agencyId as number);
    const agencies = ids.length ? await m.getRepository(Agency).findBy(ids.map((id) => ({ id }))) : [];
    await queueCaseNotice(m, ctx, ticket, "forwarded", { agency: agencies.map((a) => a.name).join(", ") });
  } else if (input.action === "answer") {
    // An answer held for review reaches the citizen when an operator approves it.
    if (forwardEvents.some((e) => e.change === "answer" && e.held !== true)) await queueCaseNotice(m, ctx, ticket, "answered", { answer: input.response.trim() });
  } else if (input.action === "approve_answer") {
    const f = await m.getRepository(Forward).findOneBy({ id: input.forwardId });
    if (f?.response) await queueCaseNotice(m, ctx, ticket, "answered", { answer: f.response });
  } else if (input.action === "resolve") {
    await queueCaseNotice(m, ctx, ticket, "resolved", {});
  } else if (input.action === "merge") {
    // One notice, on the merged ticket's channel: the report joined a case; its progress and answer
    // come to this citizen under their own number (queueCaseNotice) and show on their own tracking page.
    await queueTicketNotice(m, ctx, ticket, "merged", { into: intoNumber });
  }
}

async function applyForwardChange(
  m: EntityManager,
  ctx: CommandContext,
  ticket: Ticket,
  forwards: Forward[],
  change: ForwardChange,
  input: TransitionInput,
  texts: TextDigests,
): Promise<Record<string, unknown>> {
  const repo = m.getRepository(Forward);
  const at = ctx.at;
  const userId = ctx.actor.userId;
  if (change.kind === "create") {
    const f = await repo.save(
      repo.create({
        ticketId: ticket.id,
        agencyId: change.agencyId,
        forwardedByUserId: userId,
        instruction: input.action === "forward" ? input.instruction.trim() : "",
        status: "pending",
        isOpen: true,
        dueAt: null,
        createdAt: at,
        updatedAt: at,
      }),
    );
    forwards.push(f);
    Object.assign(texts, caseTextDigests("forwards", f.id, f));
    return { forwardId: f.id, agencyId: f.agencyId, change: "created", dueAt: f.dueAt };
  }
  const f = forwards.find((x) => x.id === change.forwardId)!;
  const patch: Partial<Forward> = {};
  switch (change.kind) {
    case "acknowledge":
      Object.assign(patch, { status: "acknowledged", acknowledgedAt: at, acknowledgedByUserId: userId });
      break;
    case "answer":
      Object.assign(patch, {
        status: change.held ? "in_review" : "answered",
        isOpen: false,
        dueAt: null,
        answeredAt: at,
        answeredByUserId: userId,
        response: input.action === "answer" ? input.response.trim() : null,
      });
      if (change.implicitAcknowledge) Object.assign(patch, { acknowledgedAt: at, acknowledgedByUserId: userId });
      const answer = newMessageRow({
        ticketId: ticket.id,
        direction: "answer",
        channel: ticket.channel,
        authorUserId: userId,
        forwardId: f.id,
        body: input.action === "answer" ? input.response.trim() : "",
        at,
      });
      const inserted = await m.getRepository(Message).insert(answer);
      Object.assign(texts, caseTextDigests("forwards", f.id, patch, ["response"]), caseTextDigests("messages", Number(inserted.identifiers[0]?.id), answer));
      // Files the OPD attached before answering are part of this answer.
      await m.getRepository(Attachment).update({ forwardId: f.id, messageId: IsNull() }, { messageId: Number(inserted.identifiers[0]?.id) });
      break;
    case "return":
      Object.assign(patch, { status: "returned", isOpen: false, dueAt: null, returnedAt: at, returnedByUserId: userId, returnReason: input.action === "return" ? input.reason.trim() : null });
      Object.assign(texts, caseTextDigests("forwards", f.id, patch, ["return_reason"]));
      break;
    case "withdraw":
      Object.assign(patch, { status: "withdrawn", isOpen: false, dueAt: null });
      break;
    case "approve":
      Object.assign(patch, { status: "answered" });
      break;
    case "send_back":
      // The OPD works on it again (its inbox shows it open); the next answer replaces this one.
      Object.assign(patch, { status: "acknowledged", isOpen: true });
      break;
  }
  await repo.update({ id: f.id }, { ...patch, updatedAt: at });
  Object.assign(f, patch);
  return { forwardId: f.id, agencyId: f.agencyId, change: change.kind, ...(change.kind === "answer" ? { held: change.held } : {}) };
}

function noteFor(input: TransitionInput): string | null {
  switch (input.action) {
    case "reject":
      return `Ditolak / rejected: ${input.reason.trim()}`;
    case "return":
      return `Dikembalikan, bukan wewenang / returned, not our authority: ${input.reason.trim()}`;
    case "send_back":
      return `Jawaban dikembalikan ke OPD untuk diperbaiki / answer sent back to the OPD: ${input.note.trim()}`;
    case "reopen":
      return `Dibuka kembali / reopened: ${input.reason.trim()}`;
    case "request_info":
      return input.message?.trim() ? `Meminta informasi / asked the citizen: ${input.message.trim()}` : null;
    case "resolve":
      return input.note?.trim() ? input.note.trim() : null;
    default:
      return null;
  }
}
