import { Table, TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from "typeorm";
import { col } from "./columns.js";

/**
 * Photos on public reports and the field check before closing (issue 19, items 8 and 9).
 *
 * - `public_photos`: attachments an operator approved, file by file, for the public report page
 *   and Open311 `media_url`, with the keys of the EXIF-free copies (a larger one and a small one)
 *   the public side is served; `stage` says whether it shows the problem (before: the citizen's
 *   photo) or the fix (after: a photo the OPD attached to its answer).
 * - `categories.field_check`: an OPD answer claiming a physical fix on such a ticket must carry an
 *   "after" photo and waits for a supervisor (or the category's `field_checker_user_id`).
 * - `forwards.field_check`: awaiting | confirmed | sent_back for an answer under field check.
 */
export class PublicPhotos1764990000000 implements MigrationInterface {
  name = "PublicPhotos1764990000000";

  async up(qr: QueryRunner): Promise<void> {
    const c = col(qr);
    await qr.createTable(
      new Table({
        name: "public_photos",
        columns: [
          c.id(),
          c.int("attachment_id"),
          c.int("ticket_id"),
          c.varchar("stage", 8),
          c.varchar("storage_key", 255),
          c.varchar("thumb_key", 255),
          c.int("width", false, "0"),
          c.int("height", false, "0"),
          c.int("thumb_width", false, "0"),
          c.int("thumb_height", false, "0"),
          c.int("size_bytes", false, "0"),
          c.int("approved_by_user_id", true),
          c.time("created_at"),
        ],
        uniques: [{ name: "uq_public_photos_attachment", columnNames: ["attachment_id"] }],
      }),
    );
    await qr.createIndex("public_photos", new TableIndex({ name: "ix_public_photos_ticket", columnNames: ["ticket_id"] }));
    await qr.addColumn("categories", new TableColumn(c.bool("field_check", false)));
    await qr.addColumn("categories", new TableColumn(c.int("field_checker_user_id", true)));
    await qr.addColumn("forwards", new TableColumn(c.varchar("field_check", 12, true)));
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropColumn("forwards", "field_check");
    await qr.dropColumn("categories", "field_checker_user_id");
    await qr.dropColumn("categories", "field_check");
    await qr.dropTable("public_photos", true);
  }
}
