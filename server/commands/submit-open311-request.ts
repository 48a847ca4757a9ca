import type { EntityManager } from "typeorm";
import type { Privacy } from "../domain/privacy/levels.js";
import { Category } from "../entities/category.entity.js";
import { Open311Key } from "../entities/open311-key.entity.js";
import { Ticket } from "../entities/ticket.entity.js";
import { safeEqualStrings } from "../lib/crypto.js";
import { appendAuditEvent } from "./append-audit-event.js";
import type { CommandContext } from "./context.js";
import { queueTicketNotice } from "./queue-outbound.js";
import { TRACKING_LINK_SENT } from "./tracking-secrets.js";
import { recordComplaint } from "./record-complaint.js";
import { setTicketLocation } from "./set-ticket-location.js";
import { open311KeyHash } from "./save-open311-key.js";

export interface Open311RequestInput {
  apiKey: string;
  serviceCode: string;
  /** Optional in the spec: without one the ticket says which service and where. */
  description: string | null;
  lat: number | null;
  long: number | null;
  addressString: string | null;
  /** The partner's address registry id, kept and returned as `address_id`. */
  addressId: string | null;
  privacy: Privacy;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  publicUrl: string;
}

export type Open311RequestOutcome =
  | { kind: "created"; ticket: Ticket }
  | { kind: "bad_key" }
  | { kind: "unknown_service"; code: string };

/**
 * POST /open311/v2/requests: a partner system (an OPD's app, a kiosk) files a complaint with an
 * admin-issued key. It becomes an ordinary ticket in `received` — verified by operators like any
 * other before anything of it is public — and the citizen gets the usual acknowledgement.
 */
export async function submitOpen311Request(m: EntityManager, ctx: CommandContext, input: Open311RequestInput): Promise<Open311RequestOutcome> {
  const keys = m.getRepository(Open311Key);
  const hash = open311KeyHash(input.apiKey);
  const key = await keys.findOneBy({ keyHash: hash, active: true });
  if (!key || !safeEqualStrings(key.keyHash, hash)) return { kind: "bad_key" };
  const category = await m.getRepository(Category).findOneBy({ code: input.serviceCode, active: true });
  if (!category || !category.isPublic) return { kind: "unknown_service", code: input.serviceCode };
  const actor = { userId: null, label: `open311:${key.keyPrefix} (${key.name})`.slice(0, 200) };
  const cctx = { ...ctx, actor };
  const name = [input.firstName, input.lastName].filter(Boolean).join(" ").trim();
  const created = await recordComplaint(m, cctx, {
    channel: "web",
    description: input.description ?? `${category.name} (Open311, tanpa uraian / no description)${input.addressString ? ` — ${input.addressString}` : ""}`,
    categoryId: category.id,
    privacy: input.privacy,
    locationText: input.addressString?.slice(0, 300) ?? null,
    contact: input.email || input.phone || name ? { name: name || undefined, phone: input.phone ?? undefined, email: input.email ?? undefined } : undefined,
  });
  if (created.kind !== "created") return { kind: "unknown_service", code: input.serviceCode };
  const t = created.ticket;
  if (input.lat != null && input.long != null) await setTicketLocation(m, t, { latitude: input.lat, longitude: input.long });
  if (input.addressId) {
    t.addressId = input.addressId.slice(0, 100);
    await m.getRepository(Ticket).update({ id: t.id }, { addressId: t.addressId });
  }
  await keys.update({ id: key.id }, { lastUsedAt: ctx.at });
  await appendAuditEvent(m, { actor, type: "ticket.open311_submitted", entityType: "ticket", entityId: t.id, ticketId: t.id, after: { keyId: key.id, serviceCode: category.code }, at: ctx.at });
  await queueTicketNotice(m, cctx, t, "acknowledgement", { link: TRACKING_LINK_SENT });
  return { kind: "created", ticket: t };
}
