import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from "typeorm";
import { col } from "./columns.js";

/**
 * Files an OPD attaches to its official answer (tanggapan): an attachment may belong to a
 * forward (disposisi). The forward decides who may read it — the command center and that OPD,
 * never another OPD the ticket was also forwarded to.
 */
export class AnswerAttachments1764730000000 implements MigrationInterface {
  name = "AnswerAttachments1764730000000";

  async up(qr: QueryRunner): Promise<void> {
    const c = col(qr);
    await qr.addColumn("attachments", new TableColumn(c.int("forward_id", true)));
    await qr.createIndex("attachments", new TableIndex({ name: "ix_attachments_forward", columnNames: ["forward_id"] }));
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropIndex("attachments", "ix_attachments_forward");
    await qr.dropColumn("attachments", "forward_id");
  }
}
