import { TableColumn, type MigrationInterface, type QueryRunner } from "typeorm";
import { col } from "./columns.js";

/**
 * Open311 to the letter (issue 19): a request's `address_id` (the partner's address registry id) is
 * kept as given and returned as `address_id`, no longer folded into the location text.
 */
export class Open311AddressId1764960000000 implements MigrationInterface {
  name = "Open311AddressId1764960000000";

  async up(qr: QueryRunner): Promise<void> {
    await qr.addColumn("tickets", new TableColumn(col(qr).varchar("address_id", 100, true)));
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropColumn("tickets", "address_id");
  }
}
