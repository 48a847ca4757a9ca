// An attachment as the access gate lets the viewer see it.
import { Attachment } from "../../entities/attachment.entity.js";
import { sanitizeFileName } from "../../lib/attachment-files.js";
import { type OpenedTicket } from "../../queries/access-gate.js";

/** An attachment; its file name is a text of the ticket, through the gate's field rule. */
export const presentAttachment = (a: Attachment, o: OpenedTicket, shownOnWall = false, publicPhoto = false) => ({
  id: a.id,
  ticketId: a.ticketId,
  messageId: a.messageId,
  forwardId: a.forwardId ?? null,
  fileName: sanitizeFileName(o.text(a.fileName)),
  withheld: o.withheld,
  mimeType: a.mimeType,
  sizeBytes: a.sizeBytes,
  state: a.fetchState ?? (a.storageKey ? "fetched" : "pending"),
  url: `/api/attachments/${a.id}/content`,
  /** Marked "boleh tampil" (its stripped copy is on the command center's wall). */
  shownOnWall,
  /** Approved for the public report page and Open311 media_url (its stripped copies are served there). */
  publicPhoto,
  createdAt: a.createdAt,
});
