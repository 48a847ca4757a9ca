import type { Router } from "express";
import { z } from "zod";
import { resendOutbound } from "../../commands/resend-outbound.js";
import { Message } from "../../entities/message.entity.js";
import { notFound } from "../../lib/errors.js";
import { deliveryViews, outboundProblems } from "../../queries/outbound-delivery.js";
import { openTicketFor } from "../../queries/access-gate.js";
import { seesContactDetails } from "../../queries/viewer.js";
import { maskPublicText } from "../../domain/privacy/mask.js";
import { commandContext, unwrap } from "../command-context.js";
import { presentMessage } from "../presenters/message.presenter.js";
import { addRoute, idParams } from "../route.js";
import type { AppDeps } from "../types.js";

/** Delivery of messages to citizens: resending a failed one, and the supervisor's view of what does not get through. */
export function deliveryRoutes(router: Router, deps: AppDeps) {
  addRoute(router, deps, {
    method: "post",
    path: "/messages/:id/resend",
    summary: "Send a failed message to the citizen again (Kirim ulang) through the outbox; does nothing when it is already queued or retrying",
    tag: "messages",
    roles: ["operator", "supervisor"],
    params: idParams,
    body: z.object({}).strict(),
    async handler({ params, viewer, now }) {
      const msg = await deps.db.manager.getRepository(Message).findOneBy({ id: params.id });
      const o = msg ? await openTicketFor(deps, viewer, msg.ticketId, "write") : null;
      if (!msg || !o) throw notFound(`message ${params.id}`);
      const out = await deps.db.tx((m) => resendOutbound(m, commandContext(deps, viewer, now), params.id));
      const { message, outboxId } = out.kind === "already_pending" ? out : unwrap(out);
      const delivery = (await deliveryViews(deps.db.manager, [message])).get(message.id);
      return { requeued: out.kind === "ok", outboxId, message: presentMessage(viewer, message, o, delivery) };
    },
  });
  addRoute(router, deps, {
    method: "get",
    path: "/delivery-problems",
    summary: "Messages to citizens that did not get through, per channel account: failed (last 7 days), retrying, stuck in the queue",
    tag: "messages",
    roles: ["supervisor", "admin"],
    async handler({ now, viewer }) {
      const { accounts, problems: all } = await outboundProblems(deps.db.manager, now);
      // A provider's failure reason may quote the citizen's address: masked for admins (no ticket content here otherwise).
      const problems = seesContactDetails(viewer) ? all : all.map((p) => ({ ...p, reason: p.reason == null ? null : maskPublicText(p.reason) }));
      return {
        at: now,
        totals: {
          failed: accounts.reduce((n, a) => n + a.failed, 0),
          retrying: accounts.reduce((n, a) => n + a.retrying, 0),
          stuck: accounts.reduce((n, a) => n + a.stuck, 0),
        },
        accounts,
        problems,
      };
    },
  });
}
