import type { Message } from "../../entities/message.entity.js";
import { seesContactDetails, type Viewer } from "../../queries/viewer.js";

/** OPD users never get the sender's identity fields, only the text. */
export function presentMessage(viewer: Viewer, msg: Message) {
  const center = seesContactDetails(viewer);
  return {
    id: msg.id,
    ticketId: msg.ticketId,
    direction: msg.direction,
    channel: msg.channel,
    authorUserId: msg.authorUserId,
    forwardId: msg.forwardId,
    subject: msg.subject,
    body: msg.body,
    deliveryStatus: msg.deliveryStatus,
    sentAt: msg.sentAt,
    createdAt: msg.createdAt,
    ...(center ? { contactId: msg.contactId, bodyHtml: msg.bodyHtml, externalId: msg.externalId, channelAccountId: msg.channelAccountId } : {}),
  };
}
