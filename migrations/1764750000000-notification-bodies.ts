import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Notifications no longer store complaint text (the access gate adds the subject when a recipient
 * may read it): clear the subjects copied into earlier ones, which reached people who could not
 * open the ticket (other OPDs, rahasia tickets).
 */
export class NotificationBodies1764750000000 implements MigrationInterface {
  name = "NotificationBodies1764750000000";

  async up(qr: QueryRunner): Promise<void> {
    await qr.query("UPDATE notifications SET body = '' WHERE body <> ''");
  }

  async down(): Promise<void> {
    // The cleared texts are not restored.
  }
}
