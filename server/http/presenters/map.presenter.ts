import type { MapPoint, WallPhotoRow } from "../../queries/map.js";

/** One map point (contract: docs/command-center.md, "Peta"): no ticket text, no reporter. */
export const presentMapPoint = (p: MapPoint) => ({
  ticketId: p.ticketId,
  number: p.number,
  status: p.status,
  lat: p.lat,
  lng: p.lng,
  categoryName: p.categoryName,
  receivedAt: p.receivedAt.toISOString(),
  approximate: p.approximate,
});

/** One wall photo: the stripped copy's URL, the ticket's number and category. */
export const presentWallPhoto = (p: WallPhotoRow) => ({
  id: p.id,
  attachmentId: p.attachmentId,
  ticketNumber: p.ticketNumber,
  categoryName: p.categoryName,
  width: p.width,
  height: p.height,
  url: `/api/wall/photos/${p.id}/content`,
  markedAt: p.createdAt.toISOString(),
});
