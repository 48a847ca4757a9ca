import { TableColumn, type MigrationInterface, type QueryRunner } from "typeorm";
import { col } from "./columns.js";

/**
 * Issue 16, notices and review:
 * - users.notify_digest: a user's choice of one daily e-mail digest instead of a mail per notice;
 * - sla_clocks.legal_basis: the clock's legal basis ({id, en} JSON) as its policy said when it
 *   started, so a later policy edit does not rewrite what the ticket page shows for it;
 * - sla_policies.priority: a policy for tickets of one priority (Pergub Sumut 12/2022 Pasal 51:
 *   SLA by criticality);
 * - agencies.answer_review / categories.answer_review: the OPD's answers go to the citizen only
 *   after an operator approved them (either setting on is enough).
 */
export class NoticesAndReview1764930000000 implements MigrationInterface {
  name = "NoticesAndReview1764930000000";

  async up(qr: QueryRunner): Promise<void> {
    const c = col(qr);
    await qr.addColumn("users", new TableColumn(c.bool("notify_digest", false)));
    await qr.addColumn("sla_clocks", new TableColumn(c.text("legal_basis", true)));
    await qr.addColumn("sla_policies", new TableColumn(c.varchar("priority", 8, true)));
    await qr.addColumn("agencies", new TableColumn(c.bool("answer_review", false)));
    await qr.addColumn("categories", new TableColumn(c.bool("answer_review", false)));
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropColumn("categories", "answer_review");
    await qr.dropColumn("agencies", "answer_review");
    await qr.dropColumn("sla_policies", "priority");
    await qr.dropColumn("sla_clocks", "legal_basis");
    await qr.dropColumn("users", "notify_digest");
  }
}
