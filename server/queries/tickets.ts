import type { EntityManager, SelectQueryBuilder } from "typeorm";
import { Forward } from "../entities/forward.entity.js";
import { Ticket } from "../entities/ticket.entity.js";
import type { ChannelKind } from "../../channels/rules/channel-kinds.js";
import type { TicketStatus } from "../domain/ticket/lifecycle.js";
import type { Privacy } from "../domain/privacy/levels.js";
import { isOpdViewer, seesAllTickets, type Viewer } from "./viewer.js";
import { parseTicketNumber } from "../../channels/rules/ticket-number.js";
import { searchTicketIds } from "./ticket-search.js";
import { unindexed } from "../lib/select-entities.js";

export interface TicketFilter {
  id?: number[];
  q?: string;
  status?: TicketStatus | TicketStatus[];
  agencyId?: number;
  categoryId?: number;
  channel?: ChannelKind;
  privacy?: Privacy;
  contactId?: number;
  assigneeUserId?: number;
  isOpen?: boolean;
  /** Only tickets whose clock (the OPD's, when filtered by OPD) is due at or before this instant. */
  dueBefore?: Date;
  number?: string;
}

export const TICKET_SORT_FIELDS = ["id", "number", "receivedAt", "dueAt", "status", "updatedAt", "subject"] as const;
export type TicketSortField = (typeof TICKET_SORT_FIELDS)[number];

export interface ListParams<F, S extends string> {
  filter: F;
  sort: { field: S; order: "ASC" | "DESC" };
  range: { start: number; end: number };
}

export interface TicketRow {
  ticket: Ticket;
  /** The viewer's OPD forward (OPD users) or the OPD-filtered forward, with its clock. */
  forward: Forward | null;
}

const COLUMN: Record<TicketSortField, string> = {
  id: "t.id",
  number: "t.number",
  receivedAt: "t.received_at",
  dueAt: "t.due_at",
  status: "t.status",
  updatedAt: "t.updated_at",
  subject: "t.subject",
};

/**
 * "Forwarded to this OPD and not withdrawn", for the ticket whose id is `ticketId` (a column, as
 * "t.id"; `agency`: the placeholder of the OPD's id). The forwards are found by the ticket, never
 * by the OPD: with the agency's index SQLite read every forward of the OPD for each ticket (268 s
 * for one page of an OPD's closed tickets at 1M tickets; 1.5 ms by the ticket).
 */
export const forwardedToAgencySql = (ticketId: string, agency: string, forwardAlias = "sf") =>
  `EXISTS (SELECT 1 FROM forwards ${forwardAlias} WHERE ${forwardAlias}.ticket_id = ${ticketId} AND ${unindexed(`${forwardAlias}.agency_id`)} = ${agency} AND ${forwardAlias}.status <> 'withdrawn')`;

/** The tickets a viewer may see at all: everything for the command center, forwarded ones for an OPD. */
export function scopeTickets(qb: SelectQueryBuilder<Ticket>, viewer: Viewer): SelectQueryBuilder<Ticket> {
  if (seesAllTickets(viewer)) return qb;
  if (isOpdViewer(viewer) && viewer.agencyId != null) {
    return qb.andWhere(forwardedToAgencySql("t.id", ":scopeAgency"), { scopeAgency: viewer.agencyId });
  }
  return qb.andWhere("1 = 0"); // admins manage configuration, not complaints
}

/**
 * The ticket list behind the operator queue and the OPD inbox. With an OPD in scope and only open
 * tickets asked for, the list is read from that OPD's open forwards in due order, so the
 * (agency_id, is_open, due_at) index serves the first page without sorting.
 */
export async function listTickets(m: EntityManager, viewer: Viewer, p: ListParams<TicketFilter, TicketSortField>): Promise<{ rows: TicketRow[]; total: number }> {
  const f = p.filter;
  const agencyId = isOpdViewer(viewer) ? viewer.agencyId ?? -1 : f.agencyId;
  if (isOpdViewer(viewer) && f.agencyId != null && f.agencyId !== viewer.agencyId) return { rows: [], total: 0 };
  // Contacts are the command center's (an OPD never learns who reported what): grouping an OPD's
  // tickets by reporter would tie an anonim ticket to a publik one of the same (linked) citizen.
  if (isOpdViewer(viewer) && f.contactId !== undefined) return { rows: [], total: 0 };
  const limit = p.range.end - p.range.start + 1;
  const order = p.sort.order;

  const qb = m.getRepository(Ticket).createQueryBuilder("t");
  const viaForward = agencyId != null && f.isOpen === true;
  if (viaForward) {
    qb.innerJoin(Forward, "f", "f.ticket_id = t.id AND f.agency_id = :agencyId AND f.is_open = :open", { agencyId, open: true });
  } else {
    scopeTickets(qb, viewer);
    // An OPD's own scope already is "forwarded to this OPD" (its agencyId is always its own, see
    // above): the filter would check it twice per ticket.
    if (agencyId != null && !isOpdViewer(viewer)) {
      qb.andWhere(forwardedToAgencySql("t.id", ":agencyId", "af"), { agencyId });
    }
    if (f.isOpen !== undefined) qb.andWhere("t.is_open = :isOpen", { isOpen: f.isOpen });
  }
  if (f.id?.length) qb.andWhere("t.id IN (:...ids)", { ids: f.id });
  if (f.number) qb.andWhere("t.number = :number", { number: f.number });
  if (f.status !== undefined) {
    const statuses = Array.isArray(f.status) ? f.status : [f.status];
    qb.andWhere("t.status IN (:...statuses)", { statuses: statuses.length ? statuses : ["-"] });
  }
  if (f.categoryId !== undefined) qb.andWhere("t.category_id = :categoryId", { categoryId: f.categoryId });
  if (f.channel) qb.andWhere("t.channel = :channel", { channel: f.channel });
  if (f.privacy) qb.andWhere("t.privacy = :privacy", { privacy: f.privacy });
  if (f.contactId !== undefined) qb.andWhere("t.contact_id = :contactId", { contactId: f.contactId });
  if (f.assigneeUserId !== undefined) qb.andWhere("t.assignee_user_id = :assignee", { assignee: f.assigneeUserId });
  if (f.dueBefore) qb.andWhere(viaForward ? "f.due_at <= :dueBefore" : "t.due_at <= :dueBefore", { dueBefore: f.dueBefore });
  if (f.q?.trim()) {
    const q = f.q.trim();
    if (parseTicketNumber(q)) qb.andWhere("t.number = :qn", { qn: parseTicketNumber(q) });
    else {
      // Full-text search through the field rule (queries/ticket-search.ts): an OPD never finds an
      // anonim or rahasia ticket by text the gate masks for it.
      const hits = await searchTicketIds(m, viewer, q, qb);
      // Integers from the database: a literal list (TypeORM's expansion of thousands of parameters is slow).
      qb.andWhere(hits?.ids.length ? `t.id IN (${hits.ids.map((id) => Math.trunc(id)).join(",")})` : "1 = 0");
    }
  }

  // The plain OPD queue (no filter on the ticket itself) counts that OPD's open forwards alone,
  // on the covering (agency_id, is_open, due_at) index: one open forward per ticket and OPD.
  const ticketFilters = (["id", "number", "status", "categoryId", "channel", "privacy", "contactId", "assigneeUserId", "q"] as const).some((k) => {
    const v = f[k];
    return v !== undefined && v !== "" && !(Array.isArray(v) && v.length === 0);
  });
  let total: number;
  if (viaForward && !ticketFilters) {
    const count = m.getRepository(Forward).createQueryBuilder("f").where("f.agency_id = :agencyId AND f.is_open = :open", { agencyId, open: true });
    if (f.dueBefore) count.andWhere("f.due_at <= :dueBefore", { dueBefore: f.dueBefore });
    total = await count.getCount();
  } else total = await qb.clone().getCount();
  if (viaForward && p.sort.field === "dueAt") qb.orderBy("f.due_at", order).addOrderBy("f.id", order);
  else qb.orderBy(COLUMN[p.sort.field], order).addOrderBy("t.id", order);
  const tickets = await qb.offset(p.range.start).limit(limit).getMany();
  const forwards = await forwardsForRows(m, tickets.map((t) => t.id), agencyId ?? null);
  return { rows: tickets.map((ticket) => ({ ticket, forward: forwards.get(ticket.id) ?? null })), total };
}

/** For each ticket, the forward to the given OPD that matters most (open first, then the latest). */
async function forwardsForRows(m: EntityManager, ticketIds: number[], agencyId: number | null): Promise<Map<number, Forward>> {
  const out = new Map<number, Forward>();
  if (agencyId == null || ticketIds.length === 0) return out;
  // By ticket only (a ticket has a few forwards): with the OPD in the WHERE, SQLite's planner
  // picked the (agency_id, …) index and read every forward of a large OPD (bench: 300 ms at 1M).
  const rows = (await m.getRepository(Forward).createQueryBuilder("f").where("f.ticket_id IN (:...ids)", { ids: ticketIds }).orderBy("f.id", "ASC").getMany()).filter((f) => f.agencyId === agencyId);
  for (const f of rows) {
    const cur = out.get(f.ticketId);
    if (!cur || f.isOpen || !cur.isOpen) out.set(f.ticketId, f);
  }
  return out;
}

/** One ticket if the viewer may see it (null otherwise: the API answers 404 either way). */
export async function findVisibleTicket(m: EntityManager, viewer: Viewer, id: number): Promise<Ticket | null> {
  const qb = m.getRepository(Ticket).createQueryBuilder("t").where("t.id = :id", { id });
  scopeTickets(qb, viewer);
  return qb.getOne();
}

export async function forwardsOfTicket(m: EntityManager, ticketId: number): Promise<Forward[]> {
  return m.getRepository(Forward).find({ where: { ticketId }, order: { id: "ASC" } });
}

/** The OPDs each ticket is (or was) forwarded to, for the queue's OPD column: one query per page. */
export async function agencyIdsOfTickets(m: EntityManager, ticketIds: number[]): Promise<Map<number, number[]>> {
  const out = new Map<number, number[]>();
  if (ticketIds.length === 0) return out;
  const rows = await m
    .getRepository(Forward)
    .createQueryBuilder("f")
    .select(["f.ticketId", "f.agencyId"])
    .where("f.ticket_id IN (:...ids)", { ids: ticketIds })
    .andWhere("f.status <> 'withdrawn'")
    .orderBy("f.id", "ASC")
    .getMany();
  for (const f of rows) {
    const list = out.get(f.ticketId) ?? [];
    if (!list.includes(f.agencyId)) list.push(f.agencyId);
    out.set(f.ticketId, list);
  }
  return out;
}
