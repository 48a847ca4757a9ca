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
  /** One daily e-mail digest of their notices instead of a mail for each (docs/notifications.md). */
  @BoolColumn("notify_digest", { default: false }) notifyDigest: boolean;
  @TimeColumn("last_login_at", { nullable: true }) lastLoginAt: Date | null;
  /** TOTP secret (base32), encrypted with ENCRYPTION_KEY; set at enrolment start, in use once totpEnabledAt is set. */
  @StrColumn("totp_secret", 255, { nullable: true }) totpSecret: string | null;
  @TimeColumn("totp_enabled_at", { nullable: true }) totpEnabledAt: Date | null;
  /** The last TOTP time step accepted: a code is never accepted twice (RFC 6238 5.2). */
  @IntColumn("totp_last_step", { nullable: true }) totpLastStep: number | null;
  /** "<issuer> <sub>" of the OpenID Connect identity this user signs in with. */
  @StrColumn("oidc_subject", 191, { nullable: true }) oidcSubject: string | null;
  @CreatedColumn() createdAt: Date;
  @UpdatedColumn() updatedAt: Date;
}
