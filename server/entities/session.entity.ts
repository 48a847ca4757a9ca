import { Entity, PrimaryColumn } from "typeorm";
import { IntColumn, StrColumn, TimeColumn } from "./columns.js";

/** A console session. The id is an HMAC of the cookie token, so a database leak yields no usable cookie. */
@Entity("sessions")
export class Session {
  @PrimaryColumn({ type: "varchar", length: 64, name: "id" }) id: string;
  @IntColumn("user_id") userId: number;
  @TimeColumn("created_at") createdAt: Date;
  @TimeColumn("last_seen_at") lastSeenAt: Date;
  @TimeColumn("idle_expires_at") idleExpiresAt: Date;
  @TimeColumn("absolute_expires_at") absoluteExpiresAt: Date;
  @StrColumn("ip", 64, { nullable: true }) ip: string | null;
  @StrColumn("user_agent", 255, { nullable: true }) userAgent: string | null;
  /** How this session passed a second factor: "totp", "recovery", "idp"; null: not (yet). */
  @StrColumn("second_factor", 16, { nullable: true }) secondFactor: string | null;
}
