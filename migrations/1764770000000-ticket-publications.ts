import { Table, type MigrationInterface, type QueryRunner } from "typeorm";
import { col } from "./columns.js";

/**
 * The public version of a report an operator approved before publication (issue 14): the texts the
 * public side shows instead of the automatic masking, and the operator's hand redactions (applied
 * to answers that arrive later too).
 */
export class TicketPublications1764770000000 implements MigrationInterface {
  name = "TicketPublications1764770000000";

  async up(qr: QueryRunner): Promise<void> {
    const c = col(qr);
    await qr.createTable(
      new Table({
        name: "ticket_publications",
        columns: [
          c.id(),
          c.int("ticket_id"),
          c.varchar("subject", 300, true),
          c.longText("description", true),
          c.text("location_text", true),
          c.longText("answers", true),
          c.text("redactions"),
          c.int("approved_by_user_id", true),
          c.time("approved_at"),
        ],
        uniques: [{ name: "uq_ticket_publications_ticket", columnNames: ["ticket_id"] }],
        foreignKeys: [
          { columnNames: ["ticket_id"], referencedTableName: "tickets", referencedColumnNames: ["id"], onDelete: "CASCADE" },
          { columnNames: ["approved_by_user_id"], referencedTableName: "users", referencedColumnNames: ["id"], onDelete: "SET NULL" },
        ],
      }),
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable("ticket_publications");
  }
}
