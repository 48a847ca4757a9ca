import type { EntityManager } from "typeorm";
import { requestLogout } from "../sessions/lease.js";
import { appendAuditEvent } from "./append-audit-event.js";
import type { CommandContext } from "./context.js";

/**
 * An admin logs a WhatsApp Web session out from the console: the request is put on the session's
 * lease row and carried out by the owning sessions process at its next reconcile (the phone's
 * linked device is removed, the session then shows a new QR code). Audited.
 */
export async function requestSessionLogout(m: EntityManager, ctx: CommandContext, accountId: number, state: string): Promise<{ kind: "ok" } | { kind: "not_found"; what: string }> {
  if (!(await requestLogout(m, accountId, ctx.at))) return { kind: "not_found", what: `session of channel account ${accountId}` };
  await appendAuditEvent(m, { actor: ctx.actor, type: "channel_account.session_logout_requested", entityType: "channel_account", entityId: accountId, after: { state }, at: ctx.at });
  return { kind: "ok" };
}
