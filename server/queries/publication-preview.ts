// The publication preview (issue 14): exactly what the public side will show of a report — the
// automatic masking plus the operator's hand redactions — with what the console highlights in it.
// The same draft is what approvePublication stores, so the operator approves what they saw.
import type { EntityManager } from "typeorm";
import { PUBLISHABLE_PRIVACY, UNPUBLISHED_STATUSES } from "../domain/privacy/publication.js";
import { highlightsOf, normalizeRedactions, publicVersion, type Highlight } from "../domain/privacy/public-preview.js";
import { Agency } from "../entities/agency.entity.js";
import { Forward } from "../entities/forward.entity.js";
import { TicketPublication } from "../entities/ticket-publication.entity.js";
import { Ticket } from "../entities/ticket.entity.js";
import { User } from "../entities/user.entity.js";
import { reporterNamesOf } from "./tracking.js";

export interface DraftText {
  /** "subject", "description", "location" or "answer:<forward id>". */
  key: string;
  /** The OPD, for answers. */
  agencyName?: string;
  forwardId?: number;
  /** The public version: masked, then redacted by hand. */
  text: string;
  highlights: Highlight[];
}

export interface PublicationDraft {
  ticketId: number;
  number: string;
  /** publik/anonim and not rejected or merged: may be published. */
  publishable: boolean;
  /** Verified by an operator: public now (with the approved version, when there is one). */
  verified: boolean;
  redactions: string[];
  texts: DraftText[];
  /**
   * The approved version: `current` while the texts still produce it (an answer that came later or
   * an edited text make it stale), `sameAsDraft` when it is exactly this draft.
   */
  approved: { at: Date; byUserId: number | null; byName: string | null; current: boolean; redactions: string[]; sameAsDraft: boolean } | null;
}

/** The answers (forward id -> public text) stored with an approved version. */
export function approvedAnswers(p: Pick<TicketPublication, "answers">): Map<number, string> {
  try {
    const list = JSON.parse(p.answers ?? "[]") as { forwardId: number; text: string }[];
    return new Map(list.map((a) => [a.forwardId, a.text]));
  } catch {
    return new Map();
  }
}

export const redactionsOf = (p: Pick<TicketPublication, "redactions"> | null | undefined): string[] => {
  try {
    const list = JSON.parse(p?.redactions ?? "[]") as unknown;
    return Array.isArray(list) ? list.filter((x): x is string => typeof x === "string") : [];
  } catch {
    return [];
  }
};

/**
 * The draft of a ticket's public version with `redactions` (default: the approved ones); null when
 * the ticket does not exist.
 */
export async function publicationDraft(m: EntityManager, ticketId: number, redactions?: readonly string[]): Promise<PublicationDraft | null> {
  const ticket = await m.getRepository(Ticket).findOneBy({ id: ticketId });
  if (!ticket) return null;
  const publishable = PUBLISHABLE_PRIVACY.includes(ticket.privacy) && !UNPUBLISHED_STATUSES.includes(ticket.status);
  // A report that is never published has no public version: nothing of its text is shown here.
  if (!publishable) return { ticketId, number: ticket.number, publishable, verified: ticket.verifiedAt != null, redactions: [], texts: [], approved: null };
  const stored = await m.getRepository(TicketPublication).findOneBy({ ticketId });
  const chosen = normalizeRedactions(redactions ?? redactionsOf(stored));
  const names = await reporterNamesOf(m, ticket.contactId);
  const version = (s: string) => publicVersion(s, { names }, chosen);
  const draft = (key: string, text: string, extra: Partial<DraftText> = {}): DraftText => {
    const v = version(text);
    return { key, ...extra, text: v, highlights: highlightsOf(v) };
  };
  const texts: DraftText[] = [draft("subject", ticket.subject), draft("description", ticket.description)];
  if (ticket.locationText) texts.push(draft("location", ticket.locationText));
  const forwards = await m.getRepository(Forward).find({ where: { ticketId }, order: { id: "ASC" } });
  const answered = forwards.filter((f) => f.status === "answered" && f.response && f.answeredAt);
  const agencies = answered.length ? await m.getRepository(Agency).findBy(answered.map((f) => ({ id: f.agencyId }))) : [];
  for (const f of answered) texts.push(draft(`answer:${f.id}`, f.response!, { forwardId: f.id, agencyName: agencies.find((a) => a.id === f.agencyId)?.name ?? "OPD" }));

  let approved: PublicationDraft["approved"] = null;
  if (stored) {
    const by = stored.approvedByUserId ? await m.getRepository(User).findOne({ select: { id: true, name: true }, where: { id: stored.approvedByUserId } }) : null;
    const answers = approvedAnswers(stored);
    const storedRedactions = normalizeRedactions(redactionsOf(stored));
    const asStored = (s: string) => publicVersion(s, { names }, storedRedactions);
    const current =
      stored.subject === asStored(ticket.subject) &&
      stored.description === asStored(ticket.description) &&
      stored.locationText === (ticket.locationText ? asStored(ticket.locationText) : null) &&
      answered.every((f) => answers.get(f.id) === asStored(f.response!));
    approved = { at: stored.approvedAt, byUserId: stored.approvedByUserId, byName: by?.name ?? null, current, redactions: storedRedactions, sameAsDraft: current && JSON.stringify(storedRedactions) === JSON.stringify(chosen) };
  }
  return {
    ticketId,
    number: ticket.number,
    publishable,
    verified: ticket.verifiedAt != null,
    redactions: chosen,
    texts,
    approved,
  };
}
