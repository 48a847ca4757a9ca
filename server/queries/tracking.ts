// The read model of the citizen's tracking page (/lacak): the ticket's public timeline, built from
// its audit chain (every step is there, in order, with its time), the OPDs' answers, the running
// clock that dates the next step, and the rating. Still unmasked: the tracking presenter masks.
import { In, type EntityManager } from "typeorm";
import type { ClockKind } from "../domain/sla/policy.js";
import type { TicketStatus } from "../domain/ticket/lifecycle.js";
import { AuditEvent } from "../entities/audit-event.entity.js";
import { mergedContactsOf } from "../commands/merge-contacts.js";
import { Forward } from "../entities/forward.entity.js";
import { Message } from "../entities/message.entity.js";
import { SlaClock } from "../entities/sla.entity.js";
import { TicketRating } from "../entities/ticket-rating.entity.js";
import { Ticket } from "../entities/ticket.entity.js";
import { REOPEN_WINDOW_DAYS } from "../commands/transition-ticket.js";
import { RATABLE_STATUSES } from "../commands/rate-answer.js";
import { lookups, type PublicReportRow } from "./public-reports.js";
import { ContactIdentity } from "../entities/contact-identity.entity.js";
import { Contact } from "../entities/contact.entity.js";
import { clusterOf } from "./case-cluster.js";

export type TimelineKind =
  | "received"
  | "verified"
  | "forwarded"
  | "acknowledged"
  | "answered"
  | "returned"
  | "waiting"
  | "citizen_info"
  | "resolved"
  | "closed"
  | "reopened"
  | "rejected"
  | "merged"
  | "rated";

export interface TimelineEntry {
  kind: TimelineKind;
  at: Date;
  /** OPD names the step concerns. */
  agencies: string[];
  /** Free text (an answer, the citizen's addition); unmasked here. */
  text: string | null;
  rating?: number;
}

export interface TrackingView {
  ticketId: number;
  number: string;
  subject: string;
  description: string;
  status: TicketStatus;
  category: { name: string; nameEn: string | null } | null;
  privacy: string;
  receivedAt: Date;
  timeline: TimelineEntry[];
  /** The next step and until when it is due (the nearest running clock), or paused while waiting on the citizen. */
  nextStep: { kind: ClockKind; agency: string | null; dueAt: Date } | { kind: "paused" } | null;
  canAddInfo: boolean;
  canConfirm: boolean;
  /** Until when the citizen may dispute the answer; null: not (or no longer) possible. */
  disputeUntil: Date | null;
  canRate: boolean;
  rating: { rating: number; comment: string | null } | null;
  reporterNames: string[];
}

const AUDIT_KINDS: Record<string, TimelineKind> = {
  "ticket.received": "received",
  "ticket.verified": "verified",
  "ticket.forwarded": "forwarded",
  "forward.acknowledged": "acknowledged",
  "forward.answered": "answered",
  "forward.returned": "returned",
  "ticket.waiting_on_citizen": "waiting",
  "message.received": "citizen_info",
  "ticket.resolved": "resolved",
  "ticket.closed": "closed",
  "ticket.auto_closed": "closed",
  "ticket.reopened": "reopened",
  "ticket.rejected": "rejected",
  "ticket.merged": "merged",
  "ticket.rated": "rated",
};

const DAY = 24 * 60 * 60 * 1000;

export async function reporterNamesOf(m: EntityManager, contactId: number | null): Promise<string[]> {
  if (contactId == null) return [];
  const contact = await m.getRepository(Contact).findOne({ select: { id: true, name: true }, where: { id: contactId } });
  const identities = await m.getRepository(ContactIdentity).find({ select: { displayName: true }, where: { contactId } });
  const merged = (await mergedContactsOf(m, [contactId])).get(contactId) ?? [];
  return [contact?.name, ...identities.map((i) => i.displayName), ...merged.map((c) => c.name)].filter((x): x is string => !!x);
}

/** The steps of a case cluster's primary that a member's tracking page shows (the case's progress and answer, not the other reporter's own steps). */
const CASE_STEPS = new Set(["ticket.verified", "ticket.forwarded", "forward.acknowledged", "forward.answered", "forward.returned", "ticket.resolved", "ticket.closed", "ticket.auto_closed", "ticket.reopened", "ticket.rejected"]);

export async function loadTrackingView(m: EntityManager, ticketId: number, now: Date): Promise<TrackingView | null> {
  const ticket = await m.getRepository(Ticket).findOneBy({ id: ticketId });
  if (!ticket) return null;
  // A member of a case cluster (queries/case-cluster.ts) shows the case: the primary's status,
  // steps, answer and clock, next to its own receipt and citizen additions.
  const cluster = await clusterOf(m, ticket.id);
  const primary = cluster && cluster.primary.id !== ticket.id ? cluster.primary : null;
  const caseTicket = primary ?? ticket;
  const lk = await lookups(m);
  const own = await m.getRepository(AuditEvent).find({
    select: { id: true, type: true, entityId: true, afterJson: true, createdAt: true },
    where: { ticketId, type: In(Object.keys(AUDIT_KINDS)) },
    order: { id: "ASC" },
  });
  const ofCase = primary
    ? (
        await m.getRepository(AuditEvent).find({
          select: { id: true, type: true, entityId: true, afterJson: true, createdAt: true },
          where: { ticketId: primary.id, type: In([...CASE_STEPS, "message.received"]) },
          order: { id: "ASC" },
        })
      )
    : [];
  const verifiedAlready = own.some((e) => e.type === "ticket.verified");
  // Stable: at the same time, the ticket's own step comes first.
  const events = [...own, ...ofCase.filter((e) => !(verifiedAlready && e.type === "ticket.verified"))].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  // The case's forwards, and a member's own from before it joined (a reopened report's earlier answer).
  const forwards = await m.getRepository(Forward).find({ where: { ticketId: In([...new Set([ticket.id, caseTicket.id])]) }, order: { id: "ASC" } });
  const agencyName = (id: number) => lk.agencies.get(id)?.name ?? "OPD";
  const messageIds = events.filter((e) => e.type === "message.received" && e.entityId).map((e) => Number(e.entityId));
  const messages = messageIds.length ? await m.getRepository(Message).find({ select: { id: true, body: true, direction: true, contactId: true }, where: { id: In(messageIds) } }) : [];
  const rating = await m.getRepository(TicketRating).findOneBy({ ticketId });

  const timeline: TimelineEntry[] = [];
  for (const e of events) {
    const kind = AUDIT_KINDS[e.type]!;
    let after: { forwards?: { forwardId: number; agencyId: number; change: string }[]; rating?: number } = {};
    try {
      after = e.afterJson ? JSON.parse(e.afterJson) : {};
    } catch {
      after = {};
    }
    const fws = after.forwards ?? [];
    const entry: TimelineEntry = { kind, at: e.createdAt, agencies: [], text: null };
    if (kind === "forwarded") entry.agencies = fws.filter((f) => f.change === "created").map((f) => agencyName(f.agencyId));
    if (kind === "acknowledged" || kind === "answered" || kind === "returned") {
      const ids = fws.map((f) => f.forwardId);
      entry.agencies = fws.map((f) => agencyName(f.agencyId));
      if (kind === "answered") entry.text = forwards.filter((f) => ids.includes(f.id) && f.response).map((f) => f.response!).join("\n\n") || null;
    }
    if (kind === "citizen_info") {
      const msg = messages.find((x) => x.id === Number(e.entityId));
      if (!msg || msg.direction !== "inbound") continue;
      // Only this page's citizen's own words: in a case cluster, another reporter's follow-up lands on the primary.
      if (cluster && cluster.members.length > 0 && (msg.contactId ?? null) !== (ticket.contactId ?? null)) continue;
      entry.text = msg.body;
    }
    if (kind === "rated") entry.rating = after.rating;
    timeline.push(entry);
  }
  if (!timeline.some((x) => x.kind === "received")) timeline.unshift({ kind: "received", at: ticket.receivedAt, agencies: [], text: null });

  const clocks = await m.getRepository(SlaClock).find({ where: { ticketId: caseTicket.id, state: In(["running", "paused"]) } });
  let nextStep: TrackingView["nextStep"] = null;
  if (caseTicket.status === "waiting_on_citizen") nextStep = primary ? null : { kind: "paused" };
  else {
    const running = clocks.filter((c) => c.state === "running" && c.dueAt);
    const work = running.filter((c) => c.kind !== "auto_close");
    const pick = (work.length ? work : running).sort((a, b) => a.dueAt!.getTime() - b.dueAt!.getTime())[0];
    if (pick) {
      const f = pick.forwardId != null ? forwards.find((x) => x.id === pick.forwardId) : undefined;
      nextStep = { kind: pick.kind, agency: f ? agencyName(f.agencyId) : null, dueAt: pick.dueAt! };
    }
  }
  const lastAnswer = ticket.closedAt ?? ticket.resolvedAt ?? ticket.answeredAt;
  const windowEnd = lastAnswer ? new Date(lastAnswer.getTime() + REOPEN_WINDOW_DAYS * DAY) : null;
  const disputable = (["answered", "resolved", "closed"] as TicketStatus[]).includes(ticket.status) && windowEnd != null && now.getTime() <= windowEnd.getTime();
  const category = ticket.categoryId != null ? lk.categories.get(ticket.categoryId) : undefined;
  return {
    ticketId: ticket.id,
    number: ticket.number,
    subject: ticket.subject,
    description: ticket.description,
    status: caseTicket.status,
    category: category ? { name: category.name, nameEn: category.nameEn } : null,
    privacy: ticket.privacy,
    receivedAt: ticket.receivedAt,
    timeline,
    nextStep,
    canAddInfo: ticket.isOpen,
    canConfirm: ticket.status === "answered" || ticket.status === "resolved",
    disputeUntil: disputable ? windowEnd : null,
    canRate: (RATABLE_STATUSES as readonly string[]).includes(ticket.status),
    rating: rating ? { rating: rating.rating, comment: rating.comment } : null,
    // The case's texts (an answer) may name any reporter of the cluster: all of them are masked.
    reporterNames: (await Promise.all([ticket.contactId, ...(cluster ? [cluster.primary, ...cluster.members].map((t) => t.contactId) : [])].filter((c, i, a) => a.indexOf(c) === i).map((c) => reporterNamesOf(m, c)))).flat(),
  };
}

export type { PublicReportRow };
