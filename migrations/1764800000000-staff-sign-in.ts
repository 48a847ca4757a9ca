import { Table, TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from "typeorm";
import { col } from "./columns.js";

/**
 * Staff sign-in (issue 15, points 4 and 5): TOTP second factor, single-use recovery codes
 * (keyed hashes only), which roles must use a second factor, how a session passed it, and the
 * OpenID Connect subject a user signs in with.
 */
export class StaffSignIn1764800000000 implements MigrationInterface {
  name = "StaffSignIn1764800000000";

  async up(qr: QueryRunner): Promise<void> {
    const c = col(qr);
    await qr.addColumns("users", [
      new TableColumn(c.varchar("totp_secret", 255, true)),
      new TableColumn(c.time("totp_enabled_at", true)),
      new TableColumn(c.int("totp_last_step", true)),
      new TableColumn(c.varchar("oidc_subject", 191, true)),
    ]);
    await qr.createIndex("users", new TableIndex({ name: "idx_users_oidc_subject", columnNames: ["oidc_subject"], isUnique: true }));
    await qr.addColumn("sessions", new TableColumn(c.varchar("second_factor", 16, true)));
    await qr.createTable(
      new Table({
        name: "user_recovery_codes",
        columns: [c.id(), c.int("user_id"), c.varchar("code_hash", 64), c.time("used_at", true), c.time("created_at")],
        foreignKeys: [{ columnNames: ["user_id"], referencedTableName: "users", referencedColumnNames: ["id"], onDelete: "CASCADE" }],
      }),
    );
    await qr.createIndex("user_recovery_codes", new TableIndex({ name: "idx_recovery_codes_user_hash", columnNames: ["user_id", "code_hash"], isUnique: true }));
    await qr.createTable(
      new Table({
        name: "role_security",
        columns: [c.varchar("role", 16, false, undefined, true), c.bool("require_two_factor", false), c.time("updated_at")],
      }),
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable("role_security");
    await qr.dropTable("user_recovery_codes");
    await qr.dropColumn("sessions", "second_factor");
    await qr.dropIndex("users", "idx_users_oidc_subject");
    for (const name of ["oidc_subject", "totp_last_step", "totp_enabled_at", "totp_secret"]) await qr.dropColumn("users", name);
  }
}
