import type { EntityManager } from "typeorm";
import { ReplyTemplate } from "../entities/reply-template.entity.js";
import { appendAuditEvent } from "./append-audit-event.js";
import type { CommandContext } from "./context.js";

export type SaveReplyTemplateOutcome = { kind: "ok"; value: ReplyTemplate } | { kind: "not_found"; what: string };

/** Edits the text of a reply template (the set of keys and locales comes with the migrations). */
export async function saveReplyTemplate(
  m: EntityManager,
  ctx: CommandContext,
  id: number,
  input: { subject?: string | null; body?: string },
): Promise<SaveReplyTemplateOutcome> {
  const repo = m.getRepository(ReplyTemplate);
  const t = await repo.findOneBy({ id });
  if (!t) return { kind: "not_found", what: `reply template ${id}` };
  const before = { subject: t.subject, body: t.body };
  if (input.subject !== undefined) t.subject = input.subject?.trim() || null;
  if (input.body !== undefined) t.body = input.body.trim();
  t.updatedAt = ctx.at;
  await repo.save(t);
  await appendAuditEvent(m, { actor: ctx.actor, type: "reply_template.updated", entityType: "reply_template", entityId: t.id, before, after: { subject: t.subject, body: t.body }, at: ctx.at });
  return { kind: "ok", value: t };
}
