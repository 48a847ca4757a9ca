import type { ContactIdentity } from "../../entities/contact-identity.entity.js";
import type { Contact } from "../../entities/contact.entity.js";

/** Contacts are only ever presented to the command center (operators, supervisors). */
export function presentContact(c: Contact, identities?: ContactIdentity[]) {
  return {
    id: c.id,
    name: c.name,
    phone: c.phone,
    email: c.email,
    mergedIntoId: c.mergedIntoId,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    identities: identities?.map((i) => ({ id: i.id, channel: i.channel, address: i.address, displayName: i.displayName, createdAt: i.createdAt })),
  };
}
