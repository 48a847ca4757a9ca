import type { EntityManager } from "typeorm";
import type { ChannelKind } from "../../channels/rules/channel-kinds.js";
import { normalizeEmail, normalizePhone } from "../domain/contacts/identity.js";
import { ContactIdentity } from "../entities/contact-identity.entity.js";
import { Contact } from "../entities/contact.entity.js";
import { isDuplicateKey, RetryableConflict } from "../lib/db.js";
import { appendAuditEvent, type Actor } from "./append-audit-event.js";
import { canonicalContactId } from "./merge-contacts.js";

export interface ContactInput {
  name?: string | null;
  phone?: string | null;
  email?: string | null;
  /** A channel-specific identity (Telegram user id, X handle…) besides phone/e-mail. */
  channelIdentity?: { channel: ChannelKind; address: string; displayName?: string | null };
}

/** Phone identities are shared by SMS, voice and WhatsApp: one number, one citizen. */
const PHONE_CHANNEL: ChannelKind = "sms";

/**
 * Finds the citizen by any of their identities or creates them, inside the caller's transaction.
 * Returns null when nothing identifies the reporter (an anonymous web form, say).
 */
export interface IdentityKey {
  channel: ChannelKind;
  address: string;
  displayName?: string | null;
}

/** The identities that name this reporter, in the order they are looked up: phone, e-mail, channel id. */
export function identityKeys(input: ContactInput): { phone: string | null; email: string | null; keys: IdentityKey[] } {
  const phone = input.phone ? normalizePhone(input.phone) : null;
  const email = input.email ? normalizeEmail(input.email) : null;
  const keys: IdentityKey[] = [];
  if (phone) keys.push({ channel: PHONE_CHANNEL, address: phone });
  if (email) keys.push({ channel: "email", address: email });
  if (input.channelIdentity) keys.push(input.channelIdentity);
  return { phone, email, keys };
}

export async function resolveContact(m: EntityManager, input: ContactInput, actor: Actor, at: Date): Promise<Contact | null> {
  const { phone, email, keys } = identityKeys(input);
  if (keys.length === 0) return null;

  const identities = m.getRepository(ContactIdentity);
  const contacts = m.getRepository(Contact);
  let contact: Contact | null = null;
  for (const k of keys) {
    const found = await identities.findOneBy({ channel: k.channel, address: k.address });
    if (found) {
      // A merged contact's identities moved with it; one written concurrently may still name it.
      contact = await contacts.findOneBy({ id: await canonicalContactId(m, found.contactId) });
      if (contact) break;
    }
  }
  if (!contact) {
    contact = await contacts.save(contacts.create({ name: input.name?.trim() || null, phone, email, mergedIntoId: null, createdAt: at, updatedAt: at }));
    await appendAuditEvent(m, { actor, type: "contact.created", entityType: "contact", entityId: contact.id, after: { name: contact.name, phone, email }, at });
  } else {
    const patch: Partial<Contact> = {};
    if (!contact.name && input.name?.trim()) patch.name = input.name.trim();
    if (!contact.phone && phone) patch.phone = phone;
    if (!contact.email && email) patch.email = email;
    if (Object.keys(patch).length) {
      await contacts.update({ id: contact.id }, { ...patch, updatedAt: at });
      Object.assign(contact, patch);
    }
  }
  for (const k of keys) {
    const exists = await identities.findOneBy({ channel: k.channel, address: k.address });
    if (exists) continue;
    try {
      await identities.insert({ contactId: contact.id, channel: k.channel, address: k.address, displayName: k.displayName ?? null, createdAt: at });
    } catch (err) {
      if (isDuplicateKey(err)) throw new RetryableConflict("identity created concurrently");
      throw err;
    }
  }
  return contact;
}
