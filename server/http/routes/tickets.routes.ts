import type { Router } from "express";
import { TICKET_PRIORITIES } from "../../domain/ticket/priority.js";
import { z } from "zod";
import { mayCheckField, mayTake } from "../../domain/access/permissions.js";
import { Category } from "../../entities/category.entity.js";
import { Forward } from "../../entities/forward.entity.js";
import { CHANNEL_KINDS } from "../../../channels/rules/channel-kinds.js";
import { TICKET_STATUSES } from "../../domain/ticket/lifecycle.js";
import { PRIVACY_LEVELS } from "../../domain/privacy/levels.js";
import { recordComplaint } from "../../commands/record-complaint.js";
import { queueTicketNotice } from "../../commands/queue-outbound.js";
import { TRACKING_LINK_SENT } from "../../commands/tracking-secrets.js";
import { transitionTicket, type TransitionInput } from "../../commands/transition-ticket.js";
import { updateTicket } from "../../commands/update-ticket.js";
import { autoForwardVerified } from "../../commands/auto-forward-verified.js";
import { currentRoutingModel } from "../../queries/routing-model.js";
import { Ticket as TicketEntity } from "../../entities/ticket.entity.js";
import { suggestDuplicates, type DuplicateCandidate } from "../../domain/routing/duplicates.js";
import { forbidden, HttpError, notFound } from "../../lib/errors.js";
import { agencyIdsOfTickets, findVisibleTicket, forwardsOfTicket, TICKET_SORT_FIELDS } from "../../queries/tickets.js";
import { listTicketsFor, openTicketFor, openTicketsFor, type ReadPurpose } from "../../queries/access-gate.js";
import { isOpdViewer, seesAllTickets, type Viewer } from "../../queries/viewer.js";
import { searchHits } from "../../queries/ticket-search.js";
import type { Ticket } from "../../entities/ticket.entity.js";
import { idList, raListQuery } from "../middleware/ra-list.js";
import { presentDuplicateSuggestion, presentTicket } from "../presenters/ticket.presenter.js";
import { commandContext, unwrap } from "../command-context.js";
import { addRoute, idParams } from "../route.js";
import { unindexed } from "../../lib/select-entities.js";
import type { AppDeps } from "../types.js";

const CENTER = ["operator", "supervisor"] as const;
/** Open tickets weighed as a ticket's likely duplicates (the newest of its window and its citizen's). */
const DUPLICATE_CANDIDATES = 300;
const TICKET_READERS = ["operator", "supervisor", "opd_head", "opd_staff"] as const;
const id = z.number().int().positive();

export const ticketFilterSchema = z
  .object({
    id: idList.optional(),
    q: z.string().max(200).optional(),
    status: z.union([z.enum(TICKET_STATUSES), z.array(z.enum(TICKET_STATUSES)).max(20)]).optional(),
    agencyId: id.optional(),
    categoryId: id.optional(),
    channel: z.enum(CHANNEL_KINDS).optional(),
    privacy: z.enum(PRIVACY_LEVELS).optional(),
    contactId: id.optional(),
    assigneeUserId: id.optional(),
    isOpen: z.boolean().optional(),
    dueBefore: z.iso.datetime({ offset: true }).transform((s) => new Date(s)).optional(),
    number: z.string().max(20).optional(),
  })
  .strict();

const createBody = z
  .object({
    channel: z.enum(CHANNEL_KINDS).default("voice"),
    subject: z.string().trim().max(300).optional(),
    description: z.string().trim().min(5, "describe the complaint in at least 5 characters").max(20000),
    categoryId: id.nullable().optional(),
    privacy: z.enum(PRIVACY_LEVELS).default("publik"),
    locationText: z.string().trim().max(300).nullable().optional(),
    caller: z
      .object({ name: z.string().trim().max(200).optional(), phone: z.string().trim().max(40).optional(), email: z.string().trim().max(254).optional() })
      .strict()
      .optional(),
  })
  .strict();

const updateBody = z
  .object({
    subject: z.string().trim().min(1).max(300).optional(),
    description: z.string().trim().min(1).max(20000).optional(),
    categoryId: id.nullable().optional(),
    privacy: z.enum(PRIVACY_LEVELS).optional(),
    priority: z.enum(TICKET_PRIORITIES).optional(),
    complaintClass: z.string().trim().min(1).max(32).optional(),
    assigneeUserId: id.nullable().optional(),
    locationText: z.string().trim().max(300).nullable().optional(),
  })
  .strict();

const reason = z.string().trim().min(3, "give a reason of at least 3 characters").max(5000);
export const transitionBody = z.discriminatedUnion("action", [
  z.object({ action: z.literal("verify") }).strict(),
  z.object({ action: z.literal("reject"), reason }).strict(),
  z.object({ action: z.literal("merge"), intoTicketId: id }).strict(),
  z.object({ action: z.literal("forward"), agencyIds: z.array(id).min(1).max(20), instruction: z.string().trim().min(3).max(5000) }).strict(),
  z.object({ action: z.literal("acknowledge") }).strict(),
  z
    .object({
      action: z.literal("answer"),
      response: z.string().trim().min(3).max(20000),
      /** In a field-check category an answer is taken to claim a physical fix (and needs an "after" photo) unless this is false. */
      physicalFix: z.boolean().optional(),
    })
    .strict(),
  z.object({ action: z.literal("return"), reason }).strict(),
  z.object({ action: z.literal("approve_answer"), forwardId: id }).strict(),
  z.object({ action: z.literal("send_back"), forwardId: id, note: z.string().trim().min(3, "write a note of at least 3 characters for the OPD").max(5000) }).strict(),
  z.object({ action: z.literal("request_info"), message: z.string().trim().max(5000).optional() }).strict(),
  z.object({ action: z.literal("citizen_replied") }).strict(),
  z.object({ action: z.literal("resolve"), note: z.string().trim().max(5000).optional() }).strict(),
  z.object({ action: z.literal("close") }).strict(),
  z.object({ action: z.literal("reopen"), reason }).strict(),
]);

/**
 * A ticket with its forwards as the access gate opens it for this viewer (null: not visible).
 * Every route answering with a ticket goes through here or through listTicketsFor.
 */
export async function presentTicketDetail(deps: AppDeps, viewer: Viewer, ticketId: number, purpose: ReadPurpose) {
  const o = await openTicketFor(deps, viewer, ticketId, purpose);
  if (!o) return null;
  const forwards = await forwardsOfTicket(deps.db.manager, o.ticket.id);
  const own = isOpdViewer(viewer) ? (forwards.filter((f) => f.agencyId === viewer.agencyId).sort((a, b) => Number(b.isOpen) - Number(a.isOpen) || b.id - a.id)[0] ?? null) : null;
  return presentTicket(viewer, o, { forwards, forward: own });
}

const detailOr404 = async (deps: AppDeps, viewer: Viewer, id: number, purpose: ReadPurpose) => {
  const d = await presentTicketDetail(deps, viewer, id, purpose);
  if (!d) throw notFound(`ticket ${id}`);
  return d;
};

/** An answer under field check is confirmed or sent back only by a supervisor or the category's checker (403 otherwise). */
async function requireFieldChecker(deps: AppDeps, viewer: Viewer, ticketId: number, forwardId: number): Promise<void> {
  const f = await deps.db.manager.getRepository(Forward).findOneBy({ id: forwardId, ticketId });
  if (f?.fieldCheck !== "awaiting") return;
  const ticket = await deps.db.manager.getRepository(TicketEntity).findOne({ select: { id: true, categoryId: true }, where: { id: ticketId } });
  const category = ticket?.categoryId != null ? await deps.db.manager.getRepository(Category).findOneBy({ id: ticket.categoryId }) : null;
  if (!mayCheckField(viewer, category?.fieldCheckerUserId)) {
    throw new HttpError(403, "field_checker_only", "this answer waits for a field check: only a supervisor or the category's field checker may confirm it or send it back (jawaban ini menunggu cek lapangan: hanya supervisor atau pemeriksa lapangan yang dapat mengonfirmasi atau mengembalikannya)");
  }
}

export function ticketRoutes(router: Router, deps: AppDeps) {
  addRoute(router, deps, {
    method: "get",
    path: "/tickets",
    summary: "List tickets (operator queue, OPD inbox). react-admin list dialect.",
    tag: "tickets",
    roles: TICKET_READERS,
    list: true,
    query: raListQuery(ticketFilterSchema, TICKET_SORT_FIELDS, ["dueAt", "ASC"]),
    async handler({ query, viewer }) {
      const { rows, total } = await listTicketsFor(deps, viewer, query);
      const q = query.filter.q?.trim();
      const hits = q ? await searchHits(deps.db.manager, viewer, rows.map((r) => r.opened), q) : null;
      // The command center's queue shows which OPDs hold each ticket; an OPD sees only its own forward.
      const agencies = seesAllTickets(viewer) ? await agencyIdsOfTickets(deps.db.manager, rows.map((r) => r.ticket.id)) : null;
      return {
        resource: "tickets",
        start: query.range.start,
        total,
        rows: rows.map((r) => ({
          ...presentTicket(viewer, r.opened, { forward: r.forward, ...(hits ? { searchHit: hits.get(r.ticket.id) ?? null } : {}) }),
          ...(agencies ? { agencyIds: agencies.get(r.ticket.id) ?? [] } : {}),
        })),
      };
    },
  });
  addRoute(router, deps, {
    method: "get",
    path: "/tickets/:id",
    summary: "One ticket with its forwards; reads of rahasia tickets are audited",
    tag: "tickets",
    roles: TICKET_READERS,
    params: idParams,
    async handler({ params, viewer }) {
      return detailOr404(deps, viewer, params.id, "ticket");
    },
  });
  addRoute(router, deps, {
    method: "get",
    path: "/tickets/:id/duplicates",
    summary: "Likely duplicates of a ticket among open tickets (same citizen, or received within 30 days; by text, place and time), best first: the suggestions for a case cluster",
    tag: "tickets",
    roles: CENTER,
    params: idParams,
    async handler({ params, viewer }) {
      const o = await openTicketFor(deps, viewer, params.id, "duplicates");
      if (!o) throw notFound(`ticket ${params.id}`);
      const t = o.ticket;
      const day = 24 * 3600_000;
      // The 300 newest open tickets of the same citizen or received within 30 days either side.
      // Two reads, each bounded by its own index: the window newest first through received_at
      // (stopping at 300 open ones), and the citizen's through contact_id. One read with an OR
      // was planned on the is_open index on SQLite (every open ticket: 390 ms at 1M tickets).
      const newestOpen = (where: string, params: Record<string, unknown>) =>
        deps.db.manager
          .getRepository(TicketEntity)
          .createQueryBuilder("t")
          .where(where, params)
          .andWhere(`${unindexed("t.is_open")} = :open AND t.id <> :id`, { open: true, id: t.id })
          .orderBy("t.received_at", "DESC")
          .limit(DUPLICATE_CANDIDATES)
          .getMany();
      const [near, same] = await Promise.all([
        newestOpen("t.received_at BETWEEN :from AND :to", { from: new Date(t.receivedAt.getTime() - 30 * day), to: new Date(t.receivedAt.getTime() + 30 * day) }),
        t.contactId != null ? newestOpen("t.contact_id = :contactId", { contactId: t.contactId }) : Promise.resolve([]),
      ]);
      const candidates = [...new Map([...near, ...same].map((x) => [x.id, x])).values()]
        .sort((a, b) => b.receivedAt.getTime() - a.receivedAt.getTime() || b.id - a.id)
        .slice(0, DUPLICATE_CANDIDATES);
      const asCandidate = (x: Ticket): DuplicateCandidate => ({ id: x.id, contactId: x.contactId, categoryId: x.categoryId, subject: x.subject, description: x.description, receivedAt: x.receivedAt, locationText: x.locationText, latitude: x.latitude, longitude: x.longitude });
      const best = suggestDuplicates(asCandidate(t), candidates.map(asCandidate), { limit: 5 });
      // The candidates' texts are other tickets' content: through the gate too (and audited when rahasia).
      const opened = await openTicketsFor(deps, viewer, candidates.filter((c) => best.some((s) => Number(s.id) === c.id)), "duplicates");
      return best.flatMap((s) => {
        const c = opened.get(Number(s.id));
        if (!c) return [];
        return [presentDuplicateSuggestion(c, s)];
      });
    },
  });
  addRoute(router, deps, {
    method: "post",
    created: true,
    path: "/tickets",
    summary: "Record a complaint taken by the operator (e.g. a phone call): caller becomes a citizen",
    tag: "tickets",
    roles: CENTER,
    body: createBody,
    async handler({ body, viewer, now }) {
      const out = unwrap(
        await deps.db.tx(async (m) => {
          const ctx = commandContext(deps, viewer, now);
          const created = await recordComplaint(m, ctx, {
            channel: body.channel,
            subject: body.subject,
            description: body.description,
            categoryId: body.categoryId ?? null,
            privacy: body.privacy,
            locationText: body.locationText ?? null,
            contact: body.caller,
            createdByUserId: viewer.id,
          });
          // The tracking link goes to the citizen on their channel; the operator never sees its secret.
          const ack = created.kind === "created" ? await queueTicketNotice(m, ctx, created.ticket, "acknowledgement", { link: TRACKING_LINK_SENT }) : null;
          return created.kind === "created" ? { ...created, acknowledgementQueued: !!ack } : created;
        }),
      );
      const detail = await detailOr404(deps, viewer, out.ticket.id, "write");
      return {
        ...detail,
        trackingLinkSent: out.acknowledgementQueued,
        tracking: out.acknowledgementQueued
          ? "Tautan pelacakan dikirim ke warga / The tracking link is sent to the citizen"
          : "Warga tidak dapat dihubungi: minta warga membuka /lacak dan meminta kode / The citizen cannot be reached: they can ask for a code at /lacak",
      };
    },
  });
  addRoute(router, deps, {
    method: "put",
    path: "/tickets/:id",
    summary: "Edit a ticket: categorise, set privacy, priority, assignee, correct text",
    tag: "tickets",
    roles: CENTER,
    params: idParams,
    body: updateBody,
    async handler({ params, body, viewer, now }) {
      const out = unwrap(await deps.db.tx((m) => updateTicket(m, commandContext(deps, viewer, now), params.id, body)));
      return detailOr404(deps, viewer, out.ticket.id, "write");
    },
  });
  addRoute(router, deps, {
    method: "post",
    path: "/tickets/:id/transitions",
    summary: "Take a lifecycle action (verify, forward, acknowledge, answer, return, resolve, close, …). 409 if not allowed now.",
    tag: "tickets",
    roles: TICKET_READERS,
    params: idParams,
    body: transitionBody,
    async handler({ params, body, viewer, now }) {
      if (!mayTake(viewer.role, body.action)) throw forbidden(`your role (${viewer.role}) may not ${body.action} tickets`);
      const visible = await findVisibleTicket(deps.db.manager, viewer, params.id);
      if (!visible) throw notFound(`ticket ${params.id}`);
      if (body.action === "merge" && !(await findVisibleTicket(deps.db.manager, viewer, body.intoTicketId))) throw notFound(`ticket ${body.intoTicketId}`);
      if (body.action === "approve_answer" || body.action === "send_back") await requireFieldChecker(deps, viewer, params.id, body.forwardId);
      const input = (["acknowledge", "answer", "return"].includes(body.action) ? { ...body, agencyId: viewer.agencyId! } : body) as TransitionInput;
      // An admin may let a confident routing suggestion forward a verified ticket (per category; off by default).
      const routing = body.action === "verify" ? (await currentRoutingModel(deps.db.manager)).model : null;
      const out = unwrap(
        await deps.db.tx(async (m) => {
          const done = await transitionTicket(m, commandContext(deps, viewer, now), params.id, input);
          if (done.kind === "ok" && routing) await autoForwardVerified(m, commandContext(deps, viewer, now), params.id, routing);
          return done;
        }),
      );
      // After a return or a merge the OPD may no longer see the ticket: answer with what it may see.
      return (await presentTicketDetail(deps, viewer, out.ticket.id, "write")) ?? { id: out.ticket.id, number: out.ticket.number, status: out.ticket.status };
    },
  });
}

