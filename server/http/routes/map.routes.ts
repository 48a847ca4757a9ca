import { createReadStream } from "node:fs";
import type { Router } from "express";
import type { EntityManager } from "typeorm";
import type { CommandContext } from "../../commands/context.js";
import { z } from "zod";
import { markWallPhoto } from "../../commands/mark-wall-photo.js";
import { unmarkWallPhoto } from "../../commands/unmark-wall-photo.js";
import { approvePublicPhoto, withdrawPublicPhoto } from "../../commands/approve-public-photo.js";
import { CENTER_ROLES, WALL_ROLES, type Role } from "../../domain/access/roles.js";
import { Attachment } from "../../entities/attachment.entity.js";
import { PublicPhoto, WallPhoto } from "../../entities/map.entity.js";
import { Ticket } from "../../entities/ticket.entity.js";
import { notFound } from "../../lib/errors.js";
import { openTicketFor } from "../../queries/access-gate.js";
import { MAP_DEFAULT_DAYS, MAP_MAX_DAYS, MAP_MAX_POINTS, mapPoints, wallPhotoFile, wallPhotos } from "../../queries/map.js";
import { commandContext, unwrap } from "../command-context.js";
import { presentMapPoint, presentWallPhoto } from "../presenters/map.presenter.js";
import { addRoute, idParams } from "../route.js";
import type { AppDeps } from "../types.js";
import { existingDataFile } from "../../lib/attachment-files.js";

/** The wall's map and photo panels, and the operator's map page. */
const VIEWERS: readonly Role[] = [...WALL_ROLES, "operator"];

const pointsQuery = z
  .object({
    days: z.coerce.number().int().min(1).max(MAP_MAX_DAYS).default(MAP_DEFAULT_DAYS),
    limit: z.coerce.number().int().min(1).max(MAP_MAX_POINTS).default(MAP_MAX_POINTS),
  })
  .strict();

/** GET /api/map/points, GET /api/wall/photos (+ the copy's bytes), marking a photo "boleh tampil" (wall) and approving it for the public report page. */
export function mapRoutes(router: Router, deps: AppDeps) {
  addRoute(router, deps, {
    method: "get",
    path: "/map/points",
    summary: `Geolocated tickets of the last days (default ${MAP_DEFAULT_DAYS}, newest first, at most ${MAP_MAX_POINTS}): id, number, status, point, category, time; no rahasia tickets, anonim points coarsened to about 1 km`,
    tag: "wall",
    roles: VIEWERS,
    query: pointsQuery,
    async handler({ query, viewer, now }) {
      const points = await mapPoints(deps.db.manager, viewer, { since: new Date(now.getTime() - query.days * 86_400_000), limit: query.limit });
      return { points: points.map(presentMapPoint), days: query.days, limit: query.limit };
    },
  });
  addRoute(router, deps, {
    method: "get",
    path: "/wall/photos",
    summary: "The newest photos an operator marked \"boleh tampil\" (publik tickets only), as EXIF-free copies, with the ticket's number and category",
    tag: "wall",
    roles: VIEWERS,
    async handler({ viewer }) {
      return { photos: (await wallPhotos(deps.db.manager, viewer)).map(presentWallPhoto) };
    },
  });
  addRoute(router, deps, {
    method: "get",
    path: "/wall/photos/:id/content",
    summary: "A wall photo's stripped copy (JPEG, no metadata); gone when its ticket is no longer publik",
    tag: "wall",
    roles: VIEWERS,
    params: idParams,
    async handler({ params, res }) {
      const photo = await wallPhotoFile(deps.db.manager, params.id);
      const file = existingDataFile(deps.config.dataDir, photo?.storageKey);
      if (!file) throw notFound(`wall photo ${params.id}`);
      res.setHeader("Content-Type", "image/jpeg");
      res.setHeader("Content-Disposition", `inline; filename="foto-${params.id}.jpg"`);
      res.setHeader("Cache-Control", "private, max-age=300");
      await new Promise<void>((done, fail) => {
        createReadStream(file).on("error", fail).pipe(res).on("finish", () => done());
      });
    },
  });

  /** The ticket an attachment belongs to, opened through the gate (404 when the viewer may not see it). */
  const openOwner = async (viewer: Parameters<typeof openTicketFor>[1], attachmentId: number) => {
    const a = await deps.db.manager.getRepository(Attachment).findOneBy({ id: attachmentId });
    const owner = a ? await deps.db.manager.getRepository(Ticket).findOne({ select: { id: true, mergedIntoId: true }, where: { id: a.ticketId } }) : null;
    const o = owner ? await openTicketFor(deps, viewer, owner.mergedIntoId ?? owner.id, "write", { detail: String(attachmentId) }) : null;
    if (!a || !o) throw notFound(`attachment ${attachmentId}`);
    return a;
  };
  const shown = async (attachmentId: number) => {
    const p = await deps.db.manager.getRepository(WallPhoto).findOneBy({ attachmentId });
    return { attachmentId, shown: !!p, wallPhotoId: p?.id ?? null };
  };
  /** A photo switch on an attachment (PUT turns it on, DELETE off), each a command through the owner's ticket. */
  type PhotoCommand = (m: EntityManager, ctx: CommandContext, input: { attachmentId: number; dataDir: string }) => Promise<Parameters<typeof unwrap>[0]>;
  const photoSwitch = (p: { path: string; tag: string; on: [PhotoCommand, string]; off: [PhotoCommand, string]; state: (attachmentId: number) => Promise<object> }) => {
    for (const [method, [command, summary]] of [["put", p.on], ["delete", p.off]] as const) {
      addRoute(router, deps, {
        method, path: p.path, summary, tag: p.tag, roles: CENTER_ROLES, params: idParams,
        async handler({ params, viewer, now }) {
          await openOwner(viewer, params.id);
          unwrap(await deps.db.tx((m) => command(m, commandContext(deps, viewer, now), { attachmentId: params.id, dataDir: deps.config.dataDir })));
          return p.state(params.id);
        },
      });
    }
  };
  photoSwitch({
    path: "/attachments/:id/wall",
    tag: "wall",
    on: [markWallPhoto, "Mark an image attachment \"boleh tampil\": a resized copy without EXIF/GPS is shown on the wall (publik tickets only: anonim and rahasia are refused with 409); audited"],
    off: [unmarkWallPhoto, "Take an attachment's photo off the wall (its copy is deleted); audited"],
    state: async (attachmentId) => {
      const p = await deps.db.manager.getRepository(WallPhoto).findOneBy({ attachmentId });
      return { attachmentId, shown: !!p, wallPhotoId: p?.id ?? null };
    },
  });
  photoSwitch({
    path: "/attachments/:id/public",
    tag: "publication",
    on: [approvePublicPhoto, "Approve an image attachment for the public report page and Open311 media_url: resized copies without EXIF/GPS/device data are served (rahasia tickets are refused with 409); the citizen's photo shows \"before\", an OPD answer's photo \"after\"; audited"],
    off: [withdrawPublicPhoto, "Withdraw an attachment's photo from the public report page (its copies are deleted); audited"],
    state: async (attachmentId) => {
      const p = await deps.db.manager.getRepository(PublicPhoto).findOneBy({ attachmentId });
      return { attachmentId, approved: !!p, publicPhotoId: p?.id ?? null, stage: p?.stage ?? null };
    },
  });
}
