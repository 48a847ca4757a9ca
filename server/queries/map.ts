/**
 * The command center's map and photo wall: read models without ticket content. A point or a photo
 * carries the ticket's id, number, status, category and time, never its text or reporter, so the
 * wall roles (admin, supervisor, layar) and operators see them as aggregates of every ticket; an
 * OPD viewer (not admitted by the routes today) would get the row rule of the access gate.
 *
 * Privacy: rahasia tickets never appear; an anonim ticket's point is coarsened to 0.01° (about
 * 1 km), so the map does not point at a reporter's door. Photos come only from publik tickets.
 */
import type { EntityManager } from "typeorm";
import type { TicketStatus } from "../domain/ticket/lifecycle.js";
import { sqlTime } from "../lib/db.js";
import { isOpdViewer, type Viewer } from "./viewer.js";
import { forwardedToAgencySql } from "./tickets.js";

/** Newest geolocated tickets received within this many days… */
export const MAP_DEFAULT_DAYS = 30;
export const MAP_MAX_DAYS = 90;
/** …and at most this many (the newest first). */
export const MAP_MAX_POINTS = 2000;

export interface MapPoint {
  ticketId: number;
  number: string;
  status: TicketStatus;
  lat: number;
  lng: number;
  categoryName: string | null;
  receivedAt: Date;
  /** The point was coarsened (anonim ticket). */
  approximate: boolean;
}

const asDate = (v: unknown) => (v instanceof Date ? v : new Date(`${String(v).replace(" ", "T")}Z`));
const coarse = (v: number) => Math.round(v * 100) / 100;

/** The row rule in SQL for a viewer whose scope is one OPD (the wall and center roles see all). */
function scope(viewer: Viewer): { sql: string; params: unknown[] } {
  if (isOpdViewer(viewer)) {
    return { sql: ` AND ${forwardedToAgencySql("t.id", "?")}`, params: [viewer.agencyId ?? -1] };
  }
  return { sql: "", params: [] };
}

/**
 * Geolocated tickets received since `since`, newest first, at most `limit`: a range read of
 * ticket_locations' received_at index, then the tickets and categories by primary key.
 */
export async function mapPoints(m: EntityManager, viewer: Viewer, o: { since: Date; limit?: number }): Promise<MapPoint[]> {
  const limit = Math.max(1, Math.min(MAP_MAX_POINTS, o.limit ?? MAP_MAX_POINTS));
  const s = scope(viewer);
  // The join order is forced (SQLite: CROSS JOIN; MySQL/MariaDB: STRAIGHT_JOIN): the newest rows of
  // ticket_locations by its received_at index first, then tickets by primary key. Left to itself,
  // SQLite's planner walks tickets by the merged_into_id index and sorts (100× slower at 50k).
  const join = m.connection.options.type === "mysql" ? "STRAIGHT_JOIN" : "CROSS JOIN";
  const rows: { ticketId: number | string; number: string; status: TicketStatus; privacy: string; latitude: string | number; longitude: string | number; categoryName: string | null; receivedAt: unknown }[] =
    await m.query(
      `SELECT t.id AS ticketId, t.number AS number, t.status AS status, t.privacy AS privacy, l.latitude AS latitude, l.longitude AS longitude, c.name AS categoryName, l.received_at AS receivedAt
         FROM ticket_locations l
         ${join} tickets t ON t.id = l.ticket_id
         LEFT JOIN categories c ON c.id = t.category_id
        WHERE l.received_at >= ? AND t.privacy <> 'rahasia' AND t.merged_into_id IS NULL${s.sql}
        ORDER BY l.received_at DESC
        LIMIT ${limit}`,
      [sqlTime(m, o.since), ...s.params],
    );
  return rows.map((r) => {
    const approximate = r.privacy === "anonim";
    const lat = Number(r.latitude);
    const lng = Number(r.longitude);
    return {
      ticketId: Number(r.ticketId),
      number: r.number,
      status: r.status,
      lat: approximate ? coarse(lat) : lat,
      lng: approximate ? coarse(lng) : lng,
      categoryName: r.categoryName ?? null,
      receivedAt: asDate(r.receivedAt),
      approximate,
    };
  });
}

export const WALL_PHOTOS_MAX = 24;

export interface WallPhotoRow {
  id: number;
  attachmentId: number;
  ticketId: number;
  ticketNumber: string;
  categoryName: string | null;
  width: number;
  height: number;
  createdAt: Date;
}

/** The newest photos marked "boleh tampil", of publik tickets only (a ticket made anonim or rahasia later drops out). */
export async function wallPhotos(m: EntityManager, viewer: Viewer, limit = WALL_PHOTOS_MAX): Promise<WallPhotoRow[]> {
  const s = scope(viewer);
  const rows: { id: number | string; attachmentId: number | string; ticketId: number | string; ticketNumber: string; categoryName: string | null; width: number | string; height: number | string; createdAt: unknown }[] = await m.query(
    `SELECT w.id AS id, w.attachment_id AS attachmentId, t.id AS ticketId, t.number AS ticketNumber, c.name AS categoryName, w.width AS width, w.height AS height, w.created_at AS createdAt
       FROM wall_photos w
       JOIN tickets t ON t.id = w.ticket_id
       LEFT JOIN categories c ON c.id = t.category_id
      WHERE t.privacy = 'publik'${s.sql}
      ORDER BY w.id DESC
      LIMIT ${Math.max(1, Math.min(100, limit))}`,
    s.params,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    attachmentId: Number(r.attachmentId),
    ticketId: Number(r.ticketId),
    ticketNumber: r.ticketNumber,
    categoryName: r.categoryName ?? null,
    width: Number(r.width),
    height: Number(r.height),
    createdAt: asDate(r.createdAt),
  }));
}

/** One shown photo, if it is still showable (publik ticket), for serving its copy. */
export async function wallPhotoFile(m: EntityManager, id: number): Promise<{ storageKey: string; mimeType: string } | null> {
  const rows: { storageKey: string; mimeType: string }[] = await m.query(
    "SELECT w.storage_key AS storageKey, w.mime_type AS mimeType FROM wall_photos w JOIN tickets t ON t.id = w.ticket_id WHERE w.id = ? AND t.privacy = 'publik'",
    [id],
  );
  return rows[0] ?? null;
}
