import { Entity, PrimaryColumn } from "typeorm";
import { IntColumn, TimeColumn } from "./columns.js";

/** Failed-login counter per account ("acct:<email>") and per address ("ip:<addr>"). */
@Entity("login_throttles")
export class LoginThrottle {
  @PrimaryColumn({ type: "varchar", length: 300, name: "key" }) key: string;
  @IntColumn("failures", { default: 0 }) failures: number;
  @TimeColumn("last_failure_at") lastFailureAt: Date;
  @TimeColumn("locked_until", { nullable: true }) lockedUntil: Date | null;
}
