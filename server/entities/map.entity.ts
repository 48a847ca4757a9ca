import { Column, Entity, PrimaryColumn } from "typeorm";
import { CreatedColumn, IdColumn, IntColumn, StrColumn, TimeColumn } from "./columns.js";

/** A ticket's coordinates (WGS84) beside its receipt time: the map's index (one row per geolocated ticket). */
@Entity("ticket_locations")
export class TicketLocation {
  @PrimaryColumn({ type: "integer", name: "ticket_id" }) ticketId: number;
  @TimeColumn("received_at") receivedAt: Date;
  @Column({ type: "decimal", precision: 10, scale: 7, name: "latitude" }) latitude: string;
  @Column({ type: "decimal", precision: 10, scale: 7, name: "longitude" }) longitude: string;
}

/** An image attachment marked "boleh tampil": the wall is served only the stripped copy at storage_key. */
@Entity("wall_photos")
export class WallPhoto {
  @IdColumn() id: number;
  @IntColumn("attachment_id") attachmentId: number;
  @IntColumn("ticket_id") ticketId: number;
  /** The resized copy without EXIF/GPS/device data, relative to DATA_DIR. */
  @StrColumn("storage_key", 255) storageKey: string;
  @StrColumn("mime_type", 127) mimeType: string;
  @IntColumn("width", { default: 0 }) width: number;
  @IntColumn("height", { default: 0 }) height: number;
  @IntColumn("size_bytes", { default: 0 }) sizeBytes: number;
  @IntColumn("marked_by_user_id", { nullable: true }) markedByUserId: number | null;
  @CreatedColumn() createdAt: Date;
}

/** Where an approved public photo belongs on the report page: the problem (the citizen's) or the fix (the OPD's answer). */
export type PublicPhotoStage = "before" | "after";

/**
 * An attachment an operator approved for the public report page and Open311 media_url. The public
 * side is served only the copies at storage_key / thumb_key (resized, no EXIF), and only while the
 * ticket is published (never rahasia).
 */
@Entity("public_photos")
export class PublicPhoto {
  @IdColumn() id: number;
  @IntColumn("attachment_id") attachmentId: number;
  @IntColumn("ticket_id") ticketId: number;
  @StrColumn("stage", 8) stage: PublicPhotoStage;
  /** The larger copy (at most 1280 px), relative to DATA_DIR. */
  @StrColumn("storage_key", 255) storageKey: string;
  /** The small copy for the page (at most 480 px). */
  @StrColumn("thumb_key", 255) thumbKey: string;
  @IntColumn("width", { default: 0 }) width: number;
  @IntColumn("height", { default: 0 }) height: number;
  @IntColumn("thumb_width", { default: 0 }) thumbWidth: number;
  @IntColumn("thumb_height", { default: 0 }) thumbHeight: number;
  @IntColumn("size_bytes", { default: 0 }) sizeBytes: number;
  @IntColumn("approved_by_user_id", { nullable: true }) approvedByUserId: number | null;
  @CreatedColumn() createdAt: Date;
}
