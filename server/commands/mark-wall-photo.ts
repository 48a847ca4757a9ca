import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { EntityManager } from "typeorm";
import sharp from "sharp";
import { Attachment } from "../entities/attachment.entity.js";
import { WallPhoto } from "../entities/map.entity.js";
import { Ticket } from "../entities/ticket.entity.js";
import { writeAttachmentFile } from "../lib/attachment-files.js";
import { appendAuditEvent } from "./append-audit-event.js";
import type { CommandContext } from "./context.js";
import { existingDataFile } from "../lib/attachment-files.js";

/** The wall's copy: at most this many pixels on its longer side, JPEG, no metadata at all. */
export const WALL_PHOTO_MAX_SIDE = 1280;
export const IMAGE = /^image\//;

export type MarkWallPhotoOutcome =
  | { kind: "ok"; photo: WallPhoto; created: boolean }
  | { kind: "not_found"; what: string }
  | { kind: "violation"; code: string; reason: string };

/**
 * The copy the wall is served: turned upright by its EXIF orientation, shrunk to fit
 * maxSide (WALL_PHOTO_MAX_SIDE unless asked), re-encoded as JPEG; sharp writes no metadata unless asked, so EXIF (GPS,
 * camera, owner), ICC comments and XMP of the original are all gone.
 */
export async function strippedCopy(original: Buffer, maxSide = WALL_PHOTO_MAX_SIDE): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(original, { failOn: "error" })
    .rotate()
    .resize({ width: maxSide, height: maxSide, fit: "inside", withoutEnlargement: true })
    .flatten({ background: "#ffffff" })
    .jpeg({ quality: 82, mozjpeg: true })
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** The original file of an attachment under DATA_DIR, or null when it is not (yet) there. */
export function originalFile(dataDir: string, a: Pick<Attachment, "storageKey">): string | null {
  return existingDataFile(dataDir, a.storageKey);
}

/**
 * An operator marks an image attachment "boleh tampil": shown on the command center's wall. Only
 * photos of publik tickets (and not of a ticket merged into an anonim or rahasia one): an anonim
 * or rahasia complaint's photo is refused. What the wall gets is a stripped, resized copy
 * (strippedCopy), stored beside the original; the original is never served to the wall. Audited.
 */
export async function markWallPhoto(m: EntityManager, ctx: CommandContext, input: { attachmentId: number; dataDir: string }): Promise<MarkWallPhotoOutcome> {
  const a = await m.getRepository(Attachment).findOneBy({ id: input.attachmentId });
  if (!a) return { kind: "not_found", what: `attachment ${input.attachmentId}` };
  const existing = await m.getRepository(WallPhoto).findOneBy({ attachmentId: a.id });
  if (existing) return { kind: "ok", photo: existing, created: false };
  const ticket = await m.getRepository(Ticket).findOneBy({ id: a.ticketId });
  if (!ticket) return { kind: "not_found", what: `ticket ${a.ticketId}` };
  const joined = ticket.mergedIntoId ? await m.getRepository(Ticket).findOneBy({ id: ticket.mergedIntoId }) : null;
  const strictest = [ticket, joined].find((t) => t && t.privacy !== "publik");
  if (strictest) {
    return {
      kind: "violation",
      code: "wall_photo_not_public",
      reason: `photos of ${strictest.privacy} complaints are never shown on the wall (foto aduan ${strictest.privacy} tidak boleh ditampilkan di layar)`,
    };
  }
  if (!IMAGE.test(a.mimeType)) return { kind: "violation", code: "wall_photo_not_image", reason: "only photos can be shown on the wall (hanya foto yang dapat ditampilkan)" };
  const file = originalFile(input.dataDir, a);
  if (!file) return { kind: "violation", code: "wall_photo_not_fetched", reason: "the photo has not been fetched yet (foto belum diterima)" };
  let copy: Awaited<ReturnType<typeof strippedCopy>>;
  try {
    copy = await strippedCopy(await readFile(file));
  } catch {
    return { kind: "violation", code: "wall_photo_unreadable", reason: "the photo cannot be read as an image (foto tidak dapat dibaca)" };
  }
  const storageKey = join("wall", String(a.ticketId), `${a.id}.jpg`);
  // Written inside the transaction: a failed write rolls the row back.
  await writeAttachmentFile(input.dataDir, storageKey, copy.data);
  const repo = m.getRepository(WallPhoto);
  const photo = await repo.save(
    repo.create({ attachmentId: a.id, ticketId: a.ticketId, storageKey, mimeType: "image/jpeg", width: copy.width, height: copy.height, sizeBytes: copy.data.length, markedByUserId: ctx.actor.userId, createdAt: ctx.at }),
  );
  await appendAuditEvent(m, {
    actor: ctx.actor,
    type: "attachment.wall_shown",
    entityType: "attachment",
    entityId: a.id,
    ticketId: a.ticketId,
    after: { attachmentId: a.id, wallPhotoId: photo.id, width: copy.width, height: copy.height, sizeBytes: copy.data.length },
    at: ctx.at,
  });
  return { kind: "ok", photo, created: true };
}
