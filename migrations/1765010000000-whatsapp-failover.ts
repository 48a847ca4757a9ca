import { TableColumn, type MigrationInterface, type QueryRunner } from "typeorm";
import { col } from "./columns.js";

/**
 * WhatsApp fail-over (issue 19, items 4 and 6): a WhatsApp Web account paired with a WhatsApp
 * Cloud API account (and the template used outside the 24-hour window), the moment a Cloud
 * account's credentials were refused, the account an outbox row was first queued on and the
 * connector a message took by fail-over, when a session went down, and an admin's logout request.
 */
export class WhatsappFailover1765010000000 implements MigrationInterface {
  name = "WhatsappFailover1765010000000";

  async up(qr: QueryRunner): Promise<void> {
    const c = col(qr);
    await qr.addColumns("channel_accounts", [
      new TableColumn(c.int("failover_account_id", true)),
      new TableColumn(c.varchar("failover_template", 512, true)),
      new TableColumn(c.time("rejected_at", true)),
    ]);
    await qr.addColumn("outbox", new TableColumn(c.int("failover_from_account_id", true)));
    await qr.addColumn("messages", new TableColumn(c.varchar("failover_connector", 32, true)));
    await qr.addColumns("session_leases", [new TableColumn(c.time("down_since", true)), new TableColumn(c.time("logout_requested_at", true))]);
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropColumns("session_leases", ["down_since", "logout_requested_at"]);
    await qr.dropColumn("messages", "failover_connector");
    await qr.dropColumn("outbox", "failover_from_account_id");
    await qr.dropColumns("channel_accounts", ["failover_account_id", "failover_template", "rejected_at"]);
  }
}
