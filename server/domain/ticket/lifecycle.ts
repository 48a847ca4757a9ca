/**
 * The ticket lifecycle as a pure state machine: decide(state, command) -> decision | violation.
 * No I/O: commands in server/commands load the state, call decide() and persist what it says.
 *
 *   received -> verified -> forwarded -> in_progress -> answered -> resolved -> closed
 *   side exits: rejected, merged, returned (bukan wewenang), waiting_on_citizen, reopened
 *   optional review: in_progress -> in_review (an OPD answer held for an operator) -> answered,
 *   or sent back to the OPD with a note (in_progress again); the field check before closing
 *   (category setting) is this same step, confirmed by a supervisor or the category's checker
 *   (server/commands/transition-ticket.ts, docs/notifications.md)
 */

export const TICKET_STATUSES = [
  "received",
  "verified",
  "forwarded",
  "in_progress",
  "answered",
  "resolved",
  "closed",
  "rejected",
  "merged",
  "returned",
  "waiting_on_citizen",
  "reopened",
  "in_review",
] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/** in_review: the OPD answered, and the answer waits for an operator's approval before it reaches the citizen. */
export const FORWARD_STATUSES = ["pending", "acknowledged", "answered", "returned", "withdrawn", "in_review"] as const;
export type ForwardStatus = (typeof FORWARD_STATUSES)[number];

/** Statuses after which the ticket leaves every queue. */
export const FINAL_STATUSES: readonly TicketStatus[] = ["closed", "rejected", "merged"];
export const isOpenStatus = (s: TicketStatus) => !FINAL_STATUSES.includes(s);
export const isOpenForward = (s: ForwardStatus) => s === "pending" || s === "acknowledged";

/** Labels for people (Bahasa Indonesia first). */
export const STATUS_LABELS: Record<TicketStatus, { id: string; en: string }> = {
  received: { id: "Diterima", en: "Received" },
  verified: { id: "Diverifikasi", en: "Verified" },
  forwarded: { id: "Didisposisikan", en: "Forwarded" },
  in_progress: { id: "Diproses OPD", en: "In progress" },
  answered: { id: "Ditanggapi", en: "Answered" },
  resolved: { id: "Selesai", en: "Resolved" },
  closed: { id: "Ditutup", en: "Closed" },
  rejected: { id: "Ditolak", en: "Rejected" },
  merged: { id: "Digabung", en: "Merged" },
  returned: { id: "Dikembalikan (bukan wewenang)", en: "Returned (not our authority)" },
  waiting_on_citizen: { id: "Menunggu pelapor", en: "Waiting on citizen" },
  reopened: { id: "Dibuka kembali", en: "Reopened" },
  in_review: { id: "Jawaban diperiksa operator", en: "Answer under review" },
};

export interface ForwardState {
  id: number;
  agencyId: number;
  status: ForwardStatus;
  /** False for forwards of an earlier round (before the last reopen). */
  current: boolean;
}

export interface TicketState {
  status: TicketStatus;
  /** Where waiting_on_citizen returns to. */
  previousStatus: TicketStatus | null;
  forwards: ForwardState[];
  /** Until when the citizen may dispute the answer (null: no window open). */
  reopenUntil: Date | null;
}

export type TicketCommand =
  | { type: "verify" }
  | { type: "reject"; reason: string }
  | { type: "merge"; intoTicketId: number; intoStatus: TicketStatus }
  | { type: "forward"; agencyIds: number[]; instruction: string }
  | { type: "acknowledge"; agencyId: number }
  /** review: the answer waits for an operator (OPD or category setting) instead of going out. */
  | { type: "answer"; agencyId: number; response: string; review?: boolean }
  | { type: "approve_answer"; forwardId: number }
  | { type: "send_back"; forwardId: number; note: string }
  | { type: "return"; agencyId: number; reason: string }
  | { type: "request_info" }
  | { type: "citizen_replied" }
  | { type: "resolve" }
  | { type: "close"; automatic?: boolean }
  | { type: "reopen"; reason: string; at: Date };

export type TicketAction = TicketCommand["type"];
export const TICKET_ACTIONS: readonly TicketAction[] = [
  "verify",
  "reject",
  "merge",
  "forward",
  "acknowledge",
  "answer",
  "approve_answer",
  "send_back",
  "return",
  "request_info",
  "citizen_replied",
  "resolve",
  "close",
  "reopen",
];

/** What happens to forwards; the command layer applies these to rows. */
export type ForwardChange =
  | { kind: "create"; agencyId: number }
  | { kind: "acknowledge"; forwardId: number }
  | { kind: "answer"; forwardId: number; implicitAcknowledge: boolean; held: boolean }
  | { kind: "approve"; forwardId: number }
  | { kind: "send_back"; forwardId: number }
  | { kind: "return"; forwardId: number }
  | { kind: "withdraw"; forwardId: number };

export interface Decision {
  ok: true;
  next: TicketStatus;
  previousStatus: TicketStatus | null;
  forwardChanges: ForwardChange[];
  /** Names of what happened, for the audit log and notifications. */
  events: string[];
}
export interface Violation {
  ok: false;
  /** Why, in words for the person who tried (English; the API adds the Indonesian label of the status). */
  reason: string;
}

const violation = (reason: string): Violation => ({ ok: false, reason });

function decision(state: TicketState, next: TicketStatus, events: string[], forwardChanges: ForwardChange[] = [], previousStatus: TicketStatus | null = null): Decision {
  return { ok: true, next, previousStatus, forwardChanges, events };
}

function requireStatus(state: TicketState, allowed: readonly TicketStatus[], action: string): Violation | null {
  if (allowed.includes(state.status)) return null;
  return violation(
    `cannot ${action} a ticket that is ${state.status} (${STATUS_LABELS[state.status].id}); allowed from: ${allowed.join(", ")}`,
  );
}

/** The status that follows from the forwards of the current round once a forward changed. */
function statusFromForwards(forwards: ForwardState[]): TicketStatus {
  const current = forwards.filter((f) => f.current);
  if (current.some((f) => f.status === "acknowledged")) return "in_progress";
  if (current.some((f) => f.status === "pending")) return "forwarded";
  // An answer held for review: the citizen has not heard it yet.
  if (current.some((f) => f.status === "in_review")) return "in_review";
  if (current.some((f) => f.status === "answered")) return "answered";
  return "returned";
}

function openForwardOf(state: TicketState, agencyId: number): ForwardState | undefined {
  return state.forwards.find((f) => f.agencyId === agencyId && f.current && isOpenForward(f.status));
}

const FORWARDABLE: readonly TicketStatus[] = ["verified", "returned", "reopened", "forwarded", "in_progress", "answered", "in_review"];
const OPD_WORKING: readonly TicketStatus[] = ["forwarded", "in_progress"];

export function decide(state: TicketState, cmd: TicketCommand): Decision | Violation {
  switch (cmd.type) {
    case "verify": {
      return requireStatus(state, ["received"], "verify") ?? decision(state, "verified", ["ticket.verified"]);
    }
    case "reject": {
      if (!cmd.reason.trim()) return violation("a reason is required to reject a ticket");
      return requireStatus(state, ["received", "verified", "returned"], "reject") ?? decision(state, "rejected", ["ticket.rejected"]);
    }
    case "merge": {
      const bad = requireStatus(state, ["received", "verified", "returned", "reopened", "waiting_on_citizen"], "merge");
      if (bad) return bad;
      if (!isOpenStatus(cmd.intoStatus)) return violation(`cannot merge into a ticket that is ${cmd.intoStatus}`);
      const withdraw = state.forwards.filter((f) => isOpenForward(f.status)).map((f): ForwardChange => ({ kind: "withdraw", forwardId: f.id }));
      return decision(state, "merged", ["ticket.merged"], withdraw);
    }
    case "forward": {
      const bad = requireStatus(state, FORWARDABLE, "forward");
      if (bad) return bad;
      if (cmd.agencyIds.length === 0) return violation("choose at least one OPD to forward to");
      if (!cmd.instruction.trim()) return violation("an instruction for the OPD is required");
      const unique = [...new Set(cmd.agencyIds)];
      const already = unique.filter((a) => openForwardOf(state, a));
      if (already.length) return violation(`the ticket is already forwarded to OPD ${already.join(", ")} and not yet answered there`);
      const changes = unique.map((agencyId): ForwardChange => ({ kind: "create", agencyId }));
      const next = state.status === "in_progress" ? "in_progress" : "forwarded";
      return decision(state, next, ["ticket.forwarded"], changes);
    }
    case "acknowledge": {
      const bad = requireStatus(state, OPD_WORKING, "acknowledge");
      if (bad) return bad;
      const f = openForwardOf(state, cmd.agencyId);
      if (!f) return violation("this ticket has no open forward to your OPD");
      if (f.status !== "pending") return violation("your OPD has already acknowledged this forward");
      const forwards = state.forwards.map((x) => (x.id === f.id ? { ...x, status: "acknowledged" as const } : x));
      return decision(state, statusFromForwards(forwards), ["forward.acknowledged"], [{ kind: "acknowledge", forwardId: f.id }]);
    }
    case "answer": {
      const bad = requireStatus(state, OPD_WORKING, "answer");
      if (bad) return bad;
      if (!cmd.response.trim()) return violation("the answer (tanggapan) must not be empty");
      const f = openForwardOf(state, cmd.agencyId);
      if (!f) return violation("this ticket has no open forward to your OPD");
      const held = cmd.review === true;
      const forwards = state.forwards.map((x) => (x.id === f.id ? { ...x, status: held ? ("in_review" as const) : ("answered" as const) } : x));
      return decision(state, statusFromForwards(forwards), [held ? "forward.answer_held" : "forward.answered"], [
        { kind: "answer", forwardId: f.id, implicitAcknowledge: f.status === "pending", held },
      ]);
    }
    case "approve_answer":
    case "send_back": {
      const bad = requireStatus(state, ["in_review", "in_progress", "forwarded"], cmd.type === "approve_answer" ? "approve an answer of" : "send back an answer of");
      if (bad) return bad;
      const f = state.forwards.find((x) => x.id === cmd.forwardId && x.current);
      if (!f || f.status !== "in_review") return violation("this forward has no answer waiting for review");
      if (cmd.type === "send_back" && !cmd.note.trim()) return violation("a note for the OPD is required to send an answer back");
      const approve = cmd.type === "approve_answer";
      const forwards = state.forwards.map((x) => (x.id === f.id ? { ...x, status: approve ? ("answered" as const) : ("acknowledged" as const) } : x));
      return decision(
        state,
        statusFromForwards(forwards),
        approve ? ["forward.answer_approved", "forward.answered"] : ["forward.sent_back"],
        [approve ? { kind: "approve", forwardId: f.id } : { kind: "send_back", forwardId: f.id }],
      );
    }
    case "return": {
      const bad = requireStatus(state, OPD_WORKING, "return");
      if (bad) return bad;
      if (!cmd.reason.trim()) return violation("a reason is required to return a ticket as not your authority");
      const f = openForwardOf(state, cmd.agencyId);
      if (!f) return violation("this ticket has no open forward to your OPD");
      const forwards = state.forwards.map((x) => (x.id === f.id ? { ...x, status: "returned" as const } : x));
      return decision(state, statusFromForwards(forwards), ["forward.returned"], [{ kind: "return", forwardId: f.id }]);
    }
    case "request_info": {
      const bad = requireStatus(state, ["received", "verified", "forwarded", "in_progress", "answered", "reopened", "in_review"], "ask the citizen about");
      return bad ?? decision(state, "waiting_on_citizen", ["ticket.waiting_on_citizen"], [], state.status);
    }
    case "citizen_replied": {
      const bad = requireStatus(state, ["waiting_on_citizen"], "resume");
      return bad ?? decision(state, state.previousStatus ?? "received", ["ticket.citizen_replied"]);
    }
    case "resolve": {
      return requireStatus(state, ["answered"], "resolve") ?? decision(state, "resolved", ["ticket.resolved"]);
    }
    case "close": {
      const allowed: readonly TicketStatus[] = cmd.automatic ? ["answered", "resolved"] : ["resolved"];
      return requireStatus(state, allowed, "close") ?? decision(state, "closed", [cmd.automatic ? "ticket.auto_closed" : "ticket.closed"]);
    }
    case "reopen": {
      const bad = requireStatus(state, ["answered", "resolved", "closed"], "reopen");
      if (bad) return bad;
      if (!cmd.reason.trim()) return violation("say why the answer does not resolve the complaint");
      if (!state.reopenUntil || cmd.at.getTime() > state.reopenUntil.getTime()) {
        return violation("the period to dispute this answer has ended");
      }
      return decision(state, "reopened", ["ticket.reopened"]);
    }
  }
}

/** Whether details (category, privacy, subject, assignee) may still be edited. */
export const canEdit = (status: TicketStatus) => isOpenStatus(status);
