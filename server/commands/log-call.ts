import type { EntityManager } from "typeorm";
import type { CallStatusReport } from "../../channels/connector.js";
import { Call } from "../entities/call.entity.js";
import type { ChannelAccount } from "../entities/channel-account.entity.js";
import { Message } from "../entities/message.entity.js";
import { isDuplicateKey, RetryableConflict } from "../lib/db.js";
import { appendAuditEvent } from "./append-audit-event.js";
import type { CommandContext } from "./context.js";
import { resolveContact } from "./resolve-contact.js";

export type LogCallOutcome = { kind: "logged"; call: Call; created: boolean };

/**
 * Records a call status report on the call log, once per (account, CallSid): the caller's contact
 * (created when the number is new, so a missed call is on their history too), the ticket the
 * call's recorded complaint went to, status, duration and recording. Later reports of the same
 * call update the row (Twilio posts ringing/in-progress before completed).
 */
export async function logCall(m: EntityManager, ctx: CommandContext, input: { account: ChannelAccount; report: CallStatusReport }): Promise<LogCallOutcome> {
  const { account, report } = input;
  const repo = m.getRepository(Call);
  const recording = await m.getRepository(Message).findOneBy({ channelAccountId: account.id, externalId: report.recordingExternalId });
  const answered = report.status === "completed" || report.status === "in-progress";
  const existing = await repo.findOneBy({ channelAccountId: account.id, callSid: report.callSid });
  const contact = existing?.contactId ? null : await resolveContact(m, { name: null, phone: report.from, email: null }, ctx.actor, ctx.at);
  const patch = {
    status: report.status.slice(0, 16),
    answered: answered || (existing?.answered ?? false),
    durationSeconds: Math.max(report.durationSeconds, existing?.durationSeconds ?? 0),
    recordingRef: report.recordingUrl ?? recording?.externalId ?? existing?.recordingRef ?? null,
    ticketId: recording?.ticketId ?? existing?.ticketId ?? null,
    contactId: existing?.contactId ?? contact?.id ?? null,
    endedAt: report.final ? ctx.at : null,
    updatedAt: ctx.at,
  };
  let call: Call;
  let created = false;
  if (existing) {
    await repo.update({ id: existing.id }, patch);
    call = Object.assign(existing, patch);
  } else {
    try {
      call = await repo.save(repo.create({ channelAccountId: account.id, callSid: report.callSid.slice(0, 64), direction: report.direction.slice(0, 16), fromAddress: report.from.slice(0, 64), toAddress: report.to.slice(0, 64), createdAt: ctx.at, ...patch }));
      created = true;
    } catch (err) {
      if (isDuplicateKey(err)) throw new RetryableConflict(`call ${report.callSid} logged concurrently`);
      throw err;
    }
  }
  if (report.final) {
    await appendAuditEvent(m, {
      actor: ctx.actor,
      type: answered ? "call.completed" : "call.missed",
      entityType: "call",
      entityId: call.id,
      ticketId: call.ticketId,
      after: { callId: call.id, channelAccountId: account.id, status: call.status, durationSeconds: call.durationSeconds, contactId: call.contactId },
      at: ctx.at,
    });
  }
  return { kind: "logged", call, created };
}
