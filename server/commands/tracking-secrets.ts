// Tracking secrets nobody can read back (issue 14). The citizen's tracking link and one-time codes
// are never stored in a readable form: a ticket keeps the keyed hash (HMAC with SESSION_SECRET) of
// the secret of the link shown on the web form's confirmation page, `tracking_links` the hashes of
// links minted for messages, `tracking_codes` the hashes of codes. A message to the citizen that
// carries a link or a code is stored (message, outbox, audit) with a placeholder instead; the link
// or code is minted when the outbox row is handed to the provider, put into the text in memory,
// and only its hash is written. So every attempt, and every resend, sends a working link, and
// earlier links keep working. Staff read the placeholder: "tautan pelacakan dikirim ke warga".
import { randomInt } from "node:crypto";
import type { EntityManager } from "typeorm";
import { ContactLinkRequest } from "../entities/contact-merge.entity.js";
import { Ticket } from "../entities/ticket.entity.js";
import { TrackingCode } from "../entities/tracking-code.entity.js";
import { TrackingLink } from "../entities/tracking-link.entity.js";
import type { OutboxItem } from "../entities/outbox.entity.js";
import { hmacHex, randomToken, safeEqualStrings } from "../lib/crypto.js";

/** What staff read where the citizen received their tracking link. */
export const TRACKING_LINK_SENT = "[tautan pelacakan dikirim ke warga / tracking link sent to the citizen]";
/** What staff read where the citizen received a one-time code. */
export const TRACKING_CODE_SENT = "[kode sekali pakai dikirim ke warga / one-time code sent to the citizen]";

export const TRACKING_CODE_MINUTES = 10;
/** Wrong guesses a code survives. */
export const TRACKING_CODE_ATTEMPTS = 5;

export const trackingSecretHash = (key: string, secret: string) => hmacHex(key, `tracking:${secret}`);
export const trackingCodeHash = (key: string, ticketId: number, code: string) => hmacHex(key, `tracking-code:${ticketId}:${code}`);

/** A citizen's identity-link code (see citizen-link-identity.ts): keyed to its request. */
export const identityLinkCodeHash = (key: string, requestId: number, code: string) => hmacHex(key, `identity-link:${requestId}:${code}`);
export const IDENTITY_LINK_CODE_MINUTES = 10;

export const trackingUrl = (publicUrl: string, number: string, secret: string) => `${publicUrl}/lacak/${number}?k=${secret}`;

/** A new link secret for the ticket: its hash is kept, the URL goes to the citizen only. */
export async function mintTrackingLink(m: EntityManager, key: string, ticket: { id: number; number: string }, publicUrl: string, at: Date): Promise<string> {
  const secret = randomToken(24);
  await m.getRepository(TrackingLink).insert({ ticketId: ticket.id, secretHash: trackingSecretHash(key, secret), createdAt: at });
  return trackingUrl(publicUrl, ticket.number, secret);
}

/** A new one-time code for the ticket, valid TRACKING_CODE_MINUTES; earlier codes stay valid. */
export async function mintTrackingCode(m: EntityManager, key: string, ticketId: number, at: Date): Promise<string> {
  const code = String(randomInt(0, 1_000_000)).padStart(6, "0");
  await m.getRepository(TrackingCode).insert({
    ticketId,
    codeHash: trackingCodeHash(key, ticketId, code),
    attempts: 0,
    expiresAt: new Date(at.getTime() + TRACKING_CODE_MINUTES * 60_000),
    usedAt: null,
    createdAt: at,
  });
  return code;
}

/**
 * A new code for the open identity-link request this outbox row carries, valid
 * IDENTITY_LINK_CODE_MINUTES from now. A request keeps one code: a resend or a retry replaces it
 * (the last code sent is the one that works). Null when the request is gone or used.
 */
async function mintIdentityLinkCode(m: EntityManager, key: string, outboxId: number, at: Date): Promise<string | null> {
  const requests = m.getRepository(ContactLinkRequest);
  const request = await requests.findOneBy({ outboxId });
  if (!request || request.usedAt) return null;
  const code = String(randomInt(0, 1_000_000)).padStart(6, "0");
  await requests.update({ id: request.id }, { codeHash: identityLinkCodeHash(key, request.id, code), attempts: 0, expiresAt: new Date(at.getTime() + IDENTITY_LINK_CODE_MINUTES * 60_000) });
  return code;
}

/**
 * The text of an outbox row as the citizen receives it: the placeholder of its link or code
 * replaced by a freshly minted one (its hash committed by the caller's transaction before the send).
 * Rows without a secret, or whose template dropped the placeholder, are returned as stored.
 */
export async function composeForDelivery(m: EntityManager, key: string, publicUrl: string, item: OutboxItem, at: Date): Promise<{ body: string; subject: string | null }> {
  if (item.secretKind === "identity" && item.body.includes(TRACKING_CODE_SENT)) {
    const code = await mintIdentityLinkCode(m, key, item.id, at);
    return code ? { body: item.body.replaceAll(TRACKING_CODE_SENT, code), subject: item.subject?.replaceAll(TRACKING_CODE_SENT, code) ?? null } : { body: item.body, subject: item.subject };
  }
  const placeholder = item.secretKind === "link" ? TRACKING_LINK_SENT : item.secretKind === "code" ? TRACKING_CODE_SENT : null;
  if (!placeholder || !item.secretTicketId || !(item.body.includes(placeholder) || item.subject?.includes(placeholder))) return { body: item.body, subject: item.subject };
  const ticket = await m.getRepository(Ticket).findOne({ select: { id: true, number: true }, where: { id: item.secretTicketId } });
  if (!ticket) return { body: item.body, subject: item.subject };
  const secret = item.secretKind === "link" ? await mintTrackingLink(m, key, ticket, publicUrl, at) : await mintTrackingCode(m, key, ticket.id, at);
  return { body: item.body.replaceAll(placeholder, secret), subject: item.subject?.replaceAll(placeholder, secret) ?? null };
}

/** The ticket a tracking link opens, or null: the number's own secret or any link minted for it. */
export async function ticketByTrackingSecret(m: EntityManager, key: string, number: string, secret: string): Promise<Ticket | null> {
  const ticket = await m.getRepository(Ticket).findOneBy({ number });
  // Unknown numbers cost the same HMAC; comparisons are constant-time.
  const given = trackingSecretHash(key, secret.slice(0, 100));
  if (!ticket) return null;
  if (safeEqualStrings(ticket.trackingSecretHash, given)) return ticket;
  const links = await m.getRepository(TrackingLink).find({ select: { secretHash: true }, where: { ticketId: ticket.id } });
  let found = false;
  for (const l of links) found = safeEqualStrings(l.secretHash, given) || found;
  return found ? ticket : null;
}
