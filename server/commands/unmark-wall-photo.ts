import type { EntityManager } from "typeorm";
import { Attachment } from "../entities/attachment.entity.js";
import { WallPhoto } from "../entities/map.entity.js";
import { appendAuditEvent } from "./append-audit-event.js";
import type { CommandContext } from "./context.js";
import { removeDataFile } from "../lib/attachment-files.js";

/** Takes a photo off the wall: the row and its copy go; audited. Not shown: nothing to do. */
export async function unmarkWallPhoto(m: EntityManager, ctx: CommandContext, input: { attachmentId: number; dataDir: string }): Promise<{ kind: "ok"; removed: boolean } | { kind: "not_found"; what: string }> {
  const a = await m.getRepository(Attachment).findOneBy({ id: input.attachmentId });
  if (!a) return { kind: "not_found", what: `attachment ${input.attachmentId}` };
  const photo = await m.getRepository(WallPhoto).findOneBy({ attachmentId: a.id });
  if (!photo) return { kind: "ok", removed: false };
  await m.getRepository(WallPhoto).delete({ id: photo.id });
  await appendAuditEvent(m, { actor: ctx.actor, type: "attachment.wall_hidden", entityType: "attachment", entityId: a.id, ticketId: a.ticketId, after: { attachmentId: a.id, wallPhotoId: photo.id }, at: ctx.at });
  await removeDataFile(input.dataDir, photo.storageKey);
  return { kind: "ok", removed: true };
}
