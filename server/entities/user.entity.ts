import { Entity } from "typeorm";
import { BoolColumn, CreatedColumn, IdColumn, IntColumn, StrColumn, TimeColumn, UpdatedColumn } from "./columns.js";
import type { Role } from "../domain/access/roles.js";

@Entity("users")
export class User {
  @IdColumn() id: number;
  @StrColumn("email", 254) email: string;
  @StrColumn("name", 200) name: string;
  @StrColumn("password_hash", 255) passwordHash: string;
  @StrColumn("role", 16) role: Role;
  /** Required for opd_head and opd_staff. */
  @IntColumn("agency_id", { nullable: true }) agencyId: number | null;
  @StrColumn("phone", 32, { nullable: true }) phone: string | null;
  @StrColumn("locale", 8, { default: "id" }) locale: string;
  @BoolColumn("active", { default: true }) active: boolean;
  @TimeColumn("last_login_at", { nullable: true }) lastLoginAt: Date | null;
  @CreatedColumn() createdAt: Date;
  @UpdatedColumn() updatedAt: Date;
}
