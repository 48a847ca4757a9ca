import type { Router } from "express";
import { In, type SelectQueryBuilder } from "typeorm";
import { z } from "zod";
import { addMessage } from "../../commands/add-message.js";
import { assignForward } from "../../commands/assign-forward.js";
import { Attachment } from "../../entities/attachment.entity.js";
import { Call } from "../../entities/call.entity.js";
import { Forward } from "../../entities/forward.entity.js";
import { Message } from "../../entities/message.entity.js";
import { Ticket } from "../../entities/ticket.entity.js";
import { Transcription } from "../../entities/transcription.entity.js";
import { checkLimits, renderTemplateBody } from "../../../channels/connector.js";
import { badRequest, forbidden, HttpError, notFound } from "../../lib/errors.js";
import { replyOptions, type ReplyOptions } from "../../queries/reply-options.js";
import { openTicketFor, openTicketsFor, WITHHELD_NOTICE, type OpenedTicket } from "../../queries/access-gate.js";
import { isOpdViewer, seesAllTickets, type Viewer } from "../../queries/viewer.js";
import { simpleList } from "../../queries/simple-list.js";
import { deliveryViews } from "../../queries/outbound-delivery.js";
import { idList, raListQuery } from "../middleware/ra-list.js";
import { presentMessage } from "../presenters/message.presenter.js";
import { presentForward } from "../presenters/ticket.presenter.js";
import { commandContext, unwrap } from "../command-context.js";
import { addRoute, idParams } from "../route.js";
import type { AppDeps } from "../types.js";

import { presentGatedForward, presentReplyOptions } from "../presenters/conversation.presenter.js";
const READERS = ["operator", "supervisor", "opd_head", "opd_staff"] as const;
const id = z.number().int().positive();

/**
 * An OPD user sees conversation messages and the notes written by their own OPD; the center sees
 * all. In SQL, so that paging and totals count only what the viewer may see.
 */
function scopeMessages(viewer: Viewer) {
  return (qb: SelectQueryBuilder<Message>) => {
    if (seesAllTickets(viewer)) return qb;
    return qb.andWhere("(x.direction <> 'note' OR EXISTS (SELECT 1 FROM users nu WHERE nu.id = x.author_user_id AND nu.agency_id = :noteAgency))", { noteAgency: viewer.agencyId ?? -1 });
  };
}

/** Messages through the access gate: each one's texts by the field rule of its ticket (merged tickets by the ticket they joined). */
async function presentMessages(deps: AppDeps, viewer: Viewer, rows: Message[], opened: Map<number, OpenedTicket>) {
  const delivery = await deliveryViews(deps.db.manager, rows);
  const voice = rows.filter((x) => x.channel === "voice" && x.direction === "inbound").map((x) => x.id);
  const transcripts = new Map((voice.length ? await deps.db.manager.getRepository(Transcription).findBy({ messageId: In(voice) }) : []).map((t) => [t.messageId, t]));
  return rows.flatMap((x) => {
    const o = opened.get(x.ticketId);
    return o ? [presentMessage(viewer, x, o, delivery.get(x.id), transcripts.get(x.id))] : [];
  });
}

export function conversationRoutes(router: Router, deps: AppDeps) {
  addRoute(router, deps, {
    method: "get",
    path: "/messages",
    summary: "Messages of a ticket (and of tickets merged into it), oldest first by default",
    tag: "messages",
    roles: READERS,
    list: true,
    query: raListQuery(
      z.object({ ticketId: id.optional(), id: idList.optional(), direction: z.enum(["inbound", "outbound", "note", "answer"]).optional() }).strict(),
      ["id", "createdAt"] as const,
      ["createdAt", "ASC"],
    ),
    async handler({ query, viewer }) {
      const f = query.filter;
      if (!seesAllTickets(viewer) && f.ticketId === undefined) throw badRequest("filter.ticketId is required");
      let ticketIds: number[] | undefined;
      let main: OpenedTicket | null = null;
      if (f.ticketId !== undefined) {
        main = await openTicketFor(deps, viewer, f.ticketId, "messages", { withMerged: true });
        if (!main) throw notFound(`ticket ${f.ticketId}`);
        const merged = await deps.db.manager.getRepository(Ticket).find({ select: { id: true }, where: { mergedIntoId: main.ticket.id } });
        ticketIds = [main.ticket.id, ...merged.map((x) => x.id)];
      }
      const scope = scopeMessages(viewer);
      const { rows, total } = await simpleList(
        deps.db.manager.getRepository(Message),
        { ...query, filter: { id: f.id, direction: f.direction } },
        { id: "id", createdAt: "created_at", direction: "direction" },
        [],
        (qb) => {
          scope(qb);
          if (ticketIds) qb.andWhere("x.ticket_id IN (:...tids)", { tids: ticketIds });
        },
      );
      // Messages of merged tickets are read as part of the ticket they joined; without a ticket
      // filter (command center), each message's own ticket is opened through the gate.
      const opened = main ? new Map(ticketIds!.map((id) => [id, main])) : await openTicketsFor(deps, viewer, rows.map((x) => x.ticketId), "messages");
      return { resource: "messages", start: query.range.start, total, rows: await presentMessages(deps, viewer, rows, opened) };
    },
  });
  addRoute(router, deps, {
    method: "get",
    path: "/messages/:id",
    summary: "One message",
    tag: "messages",
    roles: READERS,
    params: idParams,
    async handler({ params, viewer }) {
      const msg = await scopeMessages(viewer)(deps.db.manager.getRepository(Message).createQueryBuilder("x").where("x.id = :id", { id: params.id })).getOne();
      // A message of a merged ticket is read through the ticket it joined.
      const t = msg ? await deps.db.manager.getRepository(Ticket).findOne({ select: { id: true, mergedIntoId: true }, where: { id: msg.ticketId } }) : null;
      const o = t ? await openTicketFor(deps, viewer, t.mergedIntoId ?? t.id, "message", { withMerged: true }) : null;
      if (!msg || !o) throw notFound(`message ${params.id}`);
      return (await presentMessages(deps, viewer, [msg], new Map([[msg.ticketId, o]])))[0];
    },
  });
  addRoute(router, deps, {
    method: "post",
    created: true,
    path: "/messages",
    summary: "Add an internal note, or (command center) a reply to the citizen on the ticket's channel",
    tag: "messages",
    roles: READERS,
    body: z
      .object({
        ticketId: id,
        direction: z.enum(["note", "outbound"]),
        body: z.string().trim().min(1).max(10000).optional(),
        template: z
          .object({ name: z.string().min(1).max(512), language: z.string().min(2).max(15), parameters: z.array(z.string().trim().min(1).max(1024)).max(20).default([]) })
          .strict()
          .optional()
          .describe("Outbound only: an approved template (WhatsApp outside the 24-hour window), see GET /tickets/:id/reply-options"),
      })
      .strict()
      .refine((b) => (b.body === undefined) !== (b.template === undefined), { message: "give either body or template", path: ["body"] })
      .refine((b) => b.template === undefined || b.direction === "outbound", { message: "a template is only sent to the citizen (direction outbound)", path: ["template"] }),
    async handler({ body, viewer, now }) {
      if (body.direction === "outbound" && isOpdViewer(viewer)) throw forbidden("OPD users answer through the answer action; replies to citizens are sent by the command center");
      const o = await openTicketFor(deps, viewer, body.ticketId, "write", { withMerged: true });
      if (!o) throw notFound(`ticket ${body.ticketId}`);
      const ticket = o.ticket;
      let text = body.body ?? "";
      if (body.direction === "outbound") {
        const options = await replyOptions(deps.db.manager, deps.config.encryptionKey, ticket, now);
        if (options.reachable) text = checkReply(options, body.body, body.template);
      }
      const out = unwrap(await deps.db.tx((m) => addMessage(m, commandContext(deps, viewer, now), { ticketId: body.ticketId, direction: body.direction, body: text, ...(body.template ? { template: body.template } : {}) })));
      return (await presentMessages(deps, viewer, [out.message], new Map([[out.message.ticketId, o]])))[0];
    },
  });
  addRoute(router, deps, {
    method: "get",
    path: "/calls",
    summary: "The call log: phone calls (answered or missed) with duration and recording, by contact or ticket",
    tag: "messages",
    roles: ["operator", "supervisor"],
    list: true,
    query: raListQuery(
      z.object({ id: idList.optional(), contactId: id.optional(), ticketId: id.optional(), answered: z.boolean().optional() }).strict(),
      ["id", "createdAt", "durationSeconds"] as const,
      ["createdAt", "DESC"],
    ),
    async handler({ query }) {
      const { rows, total } = await simpleList(
        deps.db.manager.getRepository(Call),
        query,
        { id: "id", contactId: "contact_id", ticketId: "ticket_id", answered: "answered", createdAt: "created_at", durationSeconds: "duration_seconds" },
        [],
      );
      // The recording of a call is the audio attached to a message of the same voice account on the
      // call's ticket (its recorded complaint), the one nearest in time; the console plays it through
      // /api/attachments/:id/content, which opens the ticket through the access gate.
      const withTicket = rows.filter((c) => c.ticketId !== null);
      const voiceMessages = withTicket.length
        ? await deps.db.manager.getRepository(Message).find({ select: { id: true, ticketId: true, channelAccountId: true, createdAt: true }, where: { ticketId: In(withTicket.map((c) => c.ticketId!)), channelAccountId: In([...new Set(withTicket.map((c) => c.channelAccountId))]) } })
        : [];
      const audio = voiceMessages.length ? await deps.db.manager.getRepository(Attachment).find({ select: { id: true, messageId: true, mimeType: true }, where: { messageId: In(voiceMessages.map((m) => m.id)) } }) : [];
      const recordingOf = (c: Call): number | null => {
        const candidates = voiceMessages
          .filter((m) => m.ticketId === c.ticketId && m.channelAccountId === c.channelAccountId)
          .map((m) => ({ m, a: audio.find((a) => a.messageId === m.id && a.mimeType.startsWith("audio/")) }))
          .filter((x) => x.a)
          .sort((x, y) => Math.abs(x.m.createdAt.getTime() - c.createdAt.getTime()) - Math.abs(y.m.createdAt.getTime() - c.createdAt.getTime()));
        return candidates[0]?.a?.id ?? null;
      };
      return {
        resource: "calls",
        start: query.range.start,
        total,
        rows: rows.map((c) => ({
          id: c.id,
          channelAccountId: c.channelAccountId,
          callSid: c.callSid,
          contactId: c.contactId,
          ticketId: c.ticketId,
          direction: c.direction,
          from: c.fromAddress,
          status: c.status,
          answered: c.answered,
          durationSeconds: c.durationSeconds,
          recordingRef: c.recordingRef,
          recordingAttachmentId: recordingOf(c),
          endedAt: c.endedAt,
          createdAt: c.createdAt,
        })),
      };
    },
  });
  addRoute(router, deps, {
    method: "get",
    path: "/tickets/:id/reply-options",
    summary: "How the citizen can be answered now: channel, limits, whether free text is allowed (WhatsApp 24-hour window) and which templates",
    tag: "messages",
    roles: ["operator", "supervisor"],
    params: idParams,
    async handler({ params, viewer, now }) {
      const o = await openTicketFor(deps, viewer, params.id, "reply-options");
      if (!o) throw notFound(`ticket ${params.id}`);
      return presentReplyOptions(await replyOptions(deps.db.manager, deps.config.encryptionKey, o.ticket, now));
    },
  });

  addRoute(router, deps, {
    method: "get",
    path: "/forwards",
    summary: "Forwards (disposisi); OPD users see only their own OPD's",
    tag: "forwards",
    roles: READERS,
    list: true,
    query: raListQuery(
      z.object({ id: idList.optional(), ticketId: id.optional(), agencyId: id.optional(), isOpen: z.boolean().optional(), status: z.enum(["pending", "acknowledged", "answered", "returned", "withdrawn"]).optional(), assigneeUserId: id.optional() }).strict(),
      ["id", "dueAt", "createdAt"] as const,
      ["dueAt", "ASC"],
    ),
    async handler({ query, viewer }) {
      const scope = isOpdViewer(viewer) ? (qb: import("typeorm").SelectQueryBuilder<Forward>) => qb.andWhere("x.agency_id = :own", { own: viewer.agencyId }) : undefined;
      const { rows, total } = await simpleList(
        deps.db.manager.getRepository(Forward),
        query,
        { id: "id", ticketId: "ticket_id", agencyId: "agency_id", isOpen: "is_open", status: "status", assigneeUserId: "assignee_user_id", dueAt: "due_at", createdAt: "created_at" },
        [],
        scope,
      );
      // Instructions and answers are texts of the ticket: through the gate, by the field rule of each forward's ticket.
      const opened = await openTicketsFor(deps, viewer, rows.map((x) => x.ticketId), "forwards");
      return { resource: "forwards", start: query.range.start, total, rows: rows.map((x) => presentGatedForward(x, opened.get(x.ticketId))) };
    },
  });
  addRoute(router, deps, {
    method: "get",
    path: "/forwards/:id",
    summary: "One forward",
    tag: "forwards",
    roles: READERS,
    params: idParams,
    async handler({ params, viewer }) {
      const f = await deps.db.manager.getRepository(Forward).findOneBy({ id: params.id });
      if (!f || (isOpdViewer(viewer) && f.agencyId !== viewer.agencyId)) throw notFound(`forward ${params.id}`);
      return presentGatedForward(f, await openTicketFor(deps, viewer, f.ticketId, "forward"));
    },
  });
  addRoute(router, deps, {
    method: "put",
    path: "/forwards/:id",
    summary: "Assign an open forward to a staff member of the OPD (OPD head)",
    tag: "forwards",
    roles: ["opd_head"],
    params: idParams,
    body: z.object({ assigneeUserId: id.nullable() }).strict(),
    async handler({ params, body, viewer, now }) {
      const out = unwrap(await deps.db.tx((m) => assignForward(m, commandContext(deps, viewer, now), params.id, viewer.agencyId!, body.assigneeUserId)));
      return presentGatedForward(out.forward, await openTicketFor(deps, viewer, out.forward.ticketId, "write"));
    },
  });
}

/**
 * The text to store for an outbound reply, after checking it against the channel: length, the
 * reply window (409 reply_window_closed, with the templates that may be sent instead) and, for a
 * template, that it is one of the account's approved templates with all its values.
 */
function checkReply(o: Extract<ReplyOptions, { reachable: true }>, body: string | undefined, template: { name: string; language: string; parameters: string[] } | undefined): string {
  if (template) {
    if (!o.connector.limits.replyWindow) throw badRequest(`${o.connector.id} does not send templates; write the reply as text`);
    const t = o.templates.find((x) => x.name === template.name && x.language === template.language);
    if (!t) throw badRequest(`template ${template.name} (${template.language}) is not approved for this account`, { templates: o.templates });
    if (template.parameters.length !== t.parameters) throw badRequest(`template ${t.name} needs ${t.parameters} value(s), got ${template.parameters.length}`);
    return renderTemplateBody(t.body, template.parameters);
  }
  const text = body ?? "";
  if (!o.freeText) {
    throw new HttpError(
      409,
      "reply_window_closed",
      o.templates.length
        ? `outside the ${o.window?.hours ?? 24}-hour customer-service window of ${o.connector.title}: only an approved template can be sent (di luar jendela ${o.window?.hours ?? 24} jam: kirim templat yang disetujui)`
        : `outside the ${o.window?.hours ?? 24}-hour messaging window of ${o.connector.title}: it cannot be answered until the citizen writes again (di luar jendela ${o.window?.hours ?? 24} jam)`,
      { window: o.window, templates: o.templates },
    );
  }
  const violations = checkLimits(o.connector.limits, { text, to: o.route.to });
  if (violations.length) throw new HttpError(422, "channel_limit", `${o.connector.title}: ${violations.map((v) => v.reason).join("; ")}`, { violations });
  return text;
}
