import { Table, TableIndex, type MigrationInterface, type QueryRunner } from "typeorm";
import { col } from "./columns.js";

/**
 * The command center's map and photos (issue 16).
 *
 * - `ticket_locations`: one row per ticket with coordinates, keyed by the ticket, indexed by when
 *   it was received. The map reads the newest geolocated tickets from here (a range scan of this
 *   narrow index plus primary-key reads of at most 2,000 tickets) instead of scanning `tickets`
 *   for the few rows with coordinates. Filled from the tickets that already have coordinates.
 * - `wall_photos`: image attachments an operator marked "boleh tampil" (shown on the wall), with
 *   the storage key of the resized, metadata-free copy the wall is served.
 */
export class MapPhotos1764910000000 implements MigrationInterface {
  name = "MapPhotos1764910000000";

  async up(qr: QueryRunner): Promise<void> {
    const c = col(qr);
    await qr.createTable(
      new Table({
        name: "ticket_locations",
        columns: [{ ...c.int("ticket_id"), isPrimary: true }, c.time("received_at"), c.decimal("latitude"), c.decimal("longitude")],
      }),
    );
    await qr.createIndex("ticket_locations", new TableIndex({ name: "ix_ticket_locations_received", columnNames: ["received_at"] }));
    await qr.query(
      "INSERT INTO ticket_locations (ticket_id, received_at, latitude, longitude) SELECT id, received_at, latitude, longitude FROM tickets WHERE latitude IS NOT NULL AND longitude IS NOT NULL",
    );
    await qr.createTable(
      new Table({
        name: "wall_photos",
        columns: [
          c.id(),
          c.int("attachment_id"),
          c.int("ticket_id"),
          c.varchar("storage_key", 255),
          c.varchar("mime_type", 127),
          c.int("width", false, "0"),
          c.int("height", false, "0"),
          c.int("size_bytes", false, "0"),
          c.int("marked_by_user_id", true),
          c.time("created_at"),
        ],
        uniques: [{ name: "uq_wall_photos_attachment", columnNames: ["attachment_id"] }],
      }),
    );
    await qr.createIndex("wall_photos", new TableIndex({ name: "ix_wall_photos_ticket", columnNames: ["ticket_id"] }));
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable("wall_photos", true);
    await qr.dropTable("ticket_locations", true);
  }
}
