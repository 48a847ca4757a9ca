import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { EntityManager } from "typeorm";
import { Attachment } from "../entities/attachment.entity.js";
import { PublicPhoto } from "../entities/map.entity.js";
import { Ticket } from "../entities/ticket.entity.js";
import { writeAttachmentFile } from "../lib/attachment-files.js";
import { appendAuditEvent } from "./append-audit-event.js";
import type { CommandContext } from "./context.js";
import { IMAGE, originalFile, strippedCopy } from "./mark-wall-photo.js";
import { removeDataFile } from "../lib/attachment-files.js";

/** The small copy the report page shows (the larger one is WALL_PHOTO_MAX_SIDE, as on the wall). */
export const PUBLIC_THUMB_MAX_SIDE = 480;

export type ApprovePublicPhotoOutcome =
  | { kind: "ok"; photo: PublicPhoto; created: boolean }
  | { kind: "not_found"; what: string }
  | { kind: "violation"; code: string; reason: string };

/**
 * An operator approves one image attachment for the public report page and Open311 media_url.
 * Never a rahasia complaint's photo (nor one of a ticket merged into a rahasia one). The public side
 * is served two copies made by the wall's pipeline (strippedCopy: upright, resized, re-encoded, no
 * EXIF/GPS/device data); the original is never served. The citizen's photos show the problem
 * ("before"); a photo an OPD attached to its answer shows the fix ("after"). Audited.
 */
export async function approvePublicPhoto(m: EntityManager, ctx: CommandContext, input: { attachmentId: number; dataDir: string }): Promise<ApprovePublicPhotoOutcome> {
  const a = await m.getRepository(Attachment).findOneBy({ id: input.attachmentId });
  if (!a) return { kind: "not_found", what: `attachment ${input.attachmentId}` };
  const existing = await m.getRepository(PublicPhoto).findOneBy({ attachmentId: a.id });
  if (existing) return { kind: "ok", photo: existing, created: false };
  const ticket = await m.getRepository(Ticket).findOneBy({ id: a.ticketId });
  if (!ticket) return { kind: "not_found", what: `ticket ${a.ticketId}` };
  const joined = ticket.mergedIntoId ? await m.getRepository(Ticket).findOneBy({ id: ticket.mergedIntoId }) : null;
  if ([ticket, joined].some((t) => t?.privacy === "rahasia")) {
    return { kind: "violation", code: "public_photo_rahasia", reason: "photos of rahasia complaints are never published (foto aduan rahasia tidak pernah ditampilkan untuk umum)" };
  }
  if (!IMAGE.test(a.mimeType)) return { kind: "violation", code: "public_photo_not_image", reason: "only photos can be published (hanya foto yang dapat ditampilkan)" };
  const file = originalFile(input.dataDir, a);
  if (!file) return { kind: "violation", code: "public_photo_not_fetched", reason: "the photo has not been fetched yet (foto belum diterima)" };
  let large: Awaited<ReturnType<typeof strippedCopy>>, small: Awaited<ReturnType<typeof strippedCopy>>;
  try {
    const original = await readFile(file);
    large = await strippedCopy(original);
    small = await strippedCopy(original, PUBLIC_THUMB_MAX_SIDE);
  } catch {
    return { kind: "violation", code: "public_photo_unreadable", reason: "the photo cannot be read as an image (foto tidak dapat dibaca)" };
  }
  const ticketId = joined?.id ?? ticket.id;
  const storageKey = join("public", String(ticketId), `${a.id}.jpg`);
  const thumbKey = join("public", String(ticketId), `${a.id}-kecil.jpg`);
  // Written inside the transaction: a failed write rolls the row back.
  await writeAttachmentFile(input.dataDir, storageKey, large.data);
  await writeAttachmentFile(input.dataDir, thumbKey, small.data);
  const repo = m.getRepository(PublicPhoto);
  const photo = await repo.save(
    repo.create({
      attachmentId: a.id,
      ticketId,
      stage: a.forwardId != null ? "after" : "before",
      storageKey,
      thumbKey,
      width: large.width,
      height: large.height,
      thumbWidth: small.width,
      thumbHeight: small.height,
      sizeBytes: large.data.length,
      approvedByUserId: ctx.actor.userId,
      createdAt: ctx.at,
    }),
  );
  await appendAuditEvent(m, {
    actor: ctx.actor,
    type: "attachment.public_approved",
    entityType: "attachment",
    entityId: a.id,
    ticketId: a.ticketId,
    after: { attachmentId: a.id, publicPhotoId: photo.id, stage: photo.stage, width: large.width, height: large.height, sizeBytes: large.data.length },
    at: ctx.at,
  });
  await m.getRepository(Ticket).update({ id: ticketId }, { updatedAt: ctx.at });
  return { kind: "ok", photo, created: true };
}

/** Deletes a public photo's copies (the originals stay); missing files are fine. */
export async function removePublicCopies(dataDir: string, photo: Pick<PublicPhoto, "storageKey" | "thumbKey">): Promise<void> {
  for (const key of [photo.storageKey, photo.thumbKey]) await removeDataFile(dataDir, key);
}

/** Withdraws a photo from the public page: the row and its copies go; audited. Not approved: nothing to do. */
export async function withdrawPublicPhoto(m: EntityManager, ctx: CommandContext, input: { attachmentId: number; dataDir: string }): Promise<{ kind: "ok"; removed: boolean } | { kind: "not_found"; what: string }> {
  const a = await m.getRepository(Attachment).findOneBy({ id: input.attachmentId });
  if (!a) return { kind: "not_found", what: `attachment ${input.attachmentId}` };
  const photo = await m.getRepository(PublicPhoto).findOneBy({ attachmentId: a.id });
  if (!photo) return { kind: "ok", removed: false };
  await m.getRepository(PublicPhoto).delete({ id: photo.id });
  await appendAuditEvent(m, { actor: ctx.actor, type: "attachment.public_withdrawn", entityType: "attachment", entityId: a.id, ticketId: a.ticketId, after: { attachmentId: a.id, publicPhotoId: photo.id }, at: ctx.at });
  await m.getRepository(Ticket).update({ id: photo.ticketId }, { updatedAt: ctx.at });
  await removePublicCopies(input.dataDir, photo);
  return { kind: "ok", removed: true };
}
