// A citizen links another of their identities themselves (issue 19): on Telegram (or any chat
// channel) they write "HUBUNGKAN 0812…" / "LINK budi@example.id"; a one-time code goes by SMS to that
// number (or by e-mail to that address); they write the code back where they asked, and the two
// contacts become one (mergeContacts, method "citizen"). The code is minted when the SMS is handed
// to the provider and only its keyed hash is kept (tracking-secrets.ts); a request lives
// IDENTITY_LINK_CODE_MINUTES, survives IDENTITY_LINK_ATTEMPTS wrong guesses, and a contact may ask
// IDENTITY_LINK_REQUESTS_PER_HOUR times an hour (each request sends a message to a number the
// asker named: the limit keeps the feature from being a way to send SMS to strangers).
import { IsNull, LessThan, MoreThan, type EntityManager } from "typeorm";
import { IDENTITY_LINK_CHANNELS, parseLinkCode, parseLinkRequest } from "../../channels/rules/index.js";
import type { InboundMessage } from "../../channels/connector.js";
import { normalizeEmail, normalizePhone } from "../domain/contacts/identity.js";
import { ChannelAccount } from "../entities/channel-account.entity.js";
import { ContactIdentity } from "../entities/contact-identity.entity.js";
import { ContactLinkRequest } from "../entities/contact-merge.entity.js";
import { safeEqualStrings } from "../lib/crypto.js";
import { appendAuditEvent } from "./append-audit-event.js";
import type { CommandContext } from "./context.js";
import { canonicalContactId, mergeContacts } from "./merge-contacts.js";
import { queueOutbound, type ReplyRoute } from "./queue-outbound.js";
import { resolveContact, type ContactInput } from "./resolve-contact.js";
import { IDENTITY_LINK_CODE_MINUTES, identityLinkCodeHash, TRACKING_CODE_SENT } from "./tracking-secrets.js";

export const IDENTITY_LINK_ATTEMPTS = 5;
export const IDENTITY_LINK_REQUESTS_PER_HOUR = 3;

/** What the citizen reads, Bahasa Indonesia first, then English. */
export const IDENTITY_LINK_TEXTS = {
  code: (minutes: number) =>
    `Kode untuk menautkan akun Anda: ${TRACKING_CODE_SENT}. Kirim kode ini di percakapan tempat Anda memintanya, dalam ${minutes} menit. Abaikan bila Anda tidak memintanya. / Code to link your account: ${TRACKING_CODE_SENT}. Send it in the chat where you asked, within ${minutes} minutes. Ignore this if you did not ask.`,
  sent: (address: string, minutes: number) =>
    `Kode sekali pakai telah dikirim ke ${address}. Balas dengan kode itu di sini dalam ${minutes} menit. / A one-time code was sent to ${address}. Reply with it here within ${minutes} minutes.`,
  invalidAddress: "Nomor telepon atau alamat e-mail tidak dikenali. Contoh: HUBUNGKAN 081234567890 / The phone number or e-mail address was not recognised. Example: LINK 081234567890",
  unreachable: "Maaf, kode tidak dapat dikirim ke sana saat ini. Silakan hubungi pusat pengaduan. / Sorry, a code cannot be sent there now. Please contact the complaint center.",
  tooMany: "Terlalu banyak permintaan. Coba lagi satu jam lagi. / Too many requests. Try again in an hour.",
  already: (address: string) => `${address} sudah tertaut dengan akun ini. / ${address} is already linked to this account.`,
  wrongCode: "Kode salah atau kedaluwarsa. / The code is wrong or has expired.",
  linked: (address: string) =>
    `Berhasil: ${address} kini tertaut dengan akun ini; laporan Anda dari keduanya menjadi satu riwayat. / Done: ${address} is now linked to this account; your reports from both share one history.`,
  refused: "Akun ini tidak dapat ditautkan otomatis. Silakan hubungi pusat pengaduan. / This account cannot be linked automatically. Please contact the complaint center.",
} as const;

export type IdentityLinkResult = "code_sent" | "invalid_address" | "unreachable" | "too_many" | "already_linked" | "wrong_code" | "linked" | "refused";

/** Whether the message is a link request or may be a link code: such messages are ingested one by one. */
export const mayBeIdentityLink = (msg: InboundMessage) => IDENTITY_LINK_CHANNELS.includes(msg.channelKind) && (!!parseLinkRequest(msg.text) || !!parseLinkCode(msg.text));

/** The identity a request names: a phone number (by SMS) or an e-mail address. */
function claimedIdentity(raw: string): { channel: "sms" | "email"; address: string; input: ContactInput } | null {
  const email = raw.includes("@") ? normalizeEmail(raw) : null;
  if (email) return { channel: "email", address: email, input: { email } };
  const phone = raw.includes("@") ? null : normalizePhone(raw);
  return phone ? { channel: "sms", address: phone, input: { phone } } : null;
}

/**
 * Handles a link request or a link code from a citizen; null when the message is neither (a code
 * without a live request is an ordinary message). `route` answers the citizen where they wrote.
 */
export async function citizenLinkIdentity(
  m: EntityManager,
  ctx: CommandContext,
  input: { msg: InboundMessage; senderContact: ContactInput; knownContactId: number | null; route: ReplyRoute },
): Promise<{ result: IdentityLinkResult; replyId: number } | null> {
  const { msg } = input;
  if (!IDENTITY_LINK_CHANNELS.includes(msg.channelKind)) return null;
  const reply = async (result: IdentityLinkResult, body: string) => {
    const queued = await queueOutbound(m, ctx, { route: input.route, ticket: null, body, automated: true, auditType: "message.identity_link_queued" });
    return { result, replyId: queued.item.id };
  };
  const requests = m.getRepository(ContactLinkRequest);

  const asked = parseLinkRequest(msg.text);
  if (asked) {
    const claimed = claimedIdentity(asked);
    if (!claimed) return reply("invalid_address", IDENTITY_LINK_TEXTS.invalidAddress);
    const contact = await resolveContact(m, input.senderContact, ctx.actor, ctx.at);
    if (!contact) return reply("refused", IDENTITY_LINK_TEXTS.refused);
    const owner = await m.getRepository(ContactIdentity).findOneBy({ channel: claimed.channel, address: claimed.address });
    if (owner && (await canonicalContactId(m, owner.contactId)) === contact.id) return reply("already_linked", IDENTITY_LINK_TEXTS.already(claimed.address));
    const hourAgo = new Date(ctx.at.getTime() - 3_600_000);
    // Requests older than the rate window are spent: they (and the address they named) go.
    await requests.delete({ contactId: contact.id, createdAt: LessThan(hourAgo) });
    const recent = await requests.countBy({ contactId: contact.id, createdAt: MoreThan(hourAgo) });
    if (recent >= IDENTITY_LINK_REQUESTS_PER_HOUR) return reply("too_many", IDENTITY_LINK_TEXTS.tooMany);
    const account = await m.getRepository(ChannelAccount).findOne({ where: { kind: claimed.channel, active: true }, order: { id: "ASC" } });
    if (!account) return reply("unreachable", IDENTITY_LINK_TEXTS.unreachable);
    // Earlier open requests of this contact end: only the newest code works.
    await requests.update({ contactId: contact.id, usedAt: IsNull() }, { expiresAt: ctx.at });
    const request = await requests.save(
      requests.create({ contactId: contact.id, channel: claimed.channel, address: claimed.address, outboxId: null, codeHash: null, attempts: 0, expiresAt: new Date(ctx.at.getTime() + IDENTITY_LINK_CODE_MINUTES * 60_000), usedAt: null, createdAt: ctx.at }),
    );
    const sent = await queueOutbound(m, ctx, {
      route: { account, to: claimed.address, inReplyTo: null, references: [] },
      ticket: null,
      subject: claimed.channel === "email" ? "Kode penautan akun / Account link code" : null,
      body: IDENTITY_LINK_TEXTS.code(IDENTITY_LINK_CODE_MINUTES),
      automated: true,
      auditType: "message.identity_link_code_queued",
      secret: { kind: "identity" },
    });
    await requests.update({ id: request.id }, { outboxId: sent.item.id });
    await appendAuditEvent(m, { actor: ctx.actor, type: "contact.link_requested", entityType: "contact", entityId: contact.id, after: { requestId: request.id, channel: claimed.channel, outboxId: sent.item.id }, at: ctx.at });
    return reply("code_sent", IDENTITY_LINK_TEXTS.sent(claimed.address, IDENTITY_LINK_CODE_MINUTES));
  }

  const code = parseLinkCode(msg.text);
  if (!code || input.knownContactId === null) return null;
  const contactId = await canonicalContactId(m, input.knownContactId);
  const mysql = m.connection.options.type === "mysql";
  const live = (
    await requests.find({ where: { contactId, usedAt: IsNull() }, order: { id: "DESC" }, take: 5, ...(mysql ? { lock: { mode: "pessimistic_write" as const } } : {}) })
  ).filter((r) => r.codeHash && r.expiresAt.getTime() > ctx.at.getTime() && r.attempts < IDENTITY_LINK_ATTEMPTS);
  if (!live.length) return null;
  const match = live.find((r) => safeEqualStrings(r.codeHash!, identityLinkCodeHash(ctx.secretKey, r.id, code)));
  if (!match) {
    for (const r of live) await requests.update({ id: r.id }, { attempts: r.attempts + 1 });
    await appendAuditEvent(m, { actor: ctx.actor, type: "contact.link_code_wrong", entityType: "contact", entityId: contactId, after: { requestIds: live.map((r) => r.id) }, at: ctx.at });
    return reply("wrong_code", IDENTITY_LINK_TEXTS.wrongCode);
  }
  await requests.update({ id: match.id }, { usedAt: ctx.at });
  // The claimed identity's contact, created if nobody wrote from it yet.
  const other = await resolveContact(m, match.channel === "sms" ? { phone: match.address } : { email: match.address }, ctx.actor, ctx.at);
  if (!other) return reply("refused", IDENTITY_LINK_TEXTS.refused);
  if (other.id === contactId) return reply("already_linked", IDENTITY_LINK_TEXTS.already(match.address));
  // The phone's (or e-mail's) contact survives; if the asker's own contact already holds links, the other way round.
  let merged = await mergeContacts(m, ctx, { intoId: other.id, fromId: contactId, method: "citizen" });
  if (merged.kind === "refused" && merged.reason === "has_links") merged = await mergeContacts(m, ctx, { intoId: contactId, fromId: other.id, method: "citizen" });
  if (merged.kind === "refused") return reply("refused", IDENTITY_LINK_TEXTS.refused);
  await appendAuditEvent(m, { actor: ctx.actor, type: "contact.link_confirmed", entityType: "contact", entityId: merged.contactId, after: { requestId: match.id, mergeId: merged.merge.id, channel: match.channel }, at: ctx.at });
  return reply("linked", IDENTITY_LINK_TEXTS.linked(match.address));
}
