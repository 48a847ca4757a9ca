import { Entity, PrimaryColumn } from "typeorm";
import { BoolColumn, IdColumn, IntColumn, StrColumn, TimeColumn } from "./columns.js";
import type { Role } from "../domain/access/roles.js";

/** A single-use recovery code: only its keyed hash (HMAC with SESSION_SECRET) is kept. */
@Entity("user_recovery_codes")
export class RecoveryCode {
  @IdColumn() id: number;
  @IntColumn("user_id") userId: number;
  @StrColumn("code_hash", 64) codeHash: string;
  @TimeColumn("used_at", { nullable: true }) usedAt: Date | null;
  @TimeColumn("created_at") createdAt: Date;
}

/** An admin's choice per role; a role without a row follows the default (domain/access/two-factor.ts). */
@Entity("role_security")
export class RoleSecurity {
  @PrimaryColumn({ type: "varchar", length: 16, name: "role" }) role: Role;
  @BoolColumn("require_two_factor") requireTwoFactor: boolean;
  @TimeColumn("updated_at") updatedAt: Date;
}
