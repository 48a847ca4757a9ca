import { Entity, PrimaryColumn } from "typeorm";
import { IntColumn, TimeColumn } from "./columns.js";

/** Fixed-window counters of public tries ("lacak-ip:<addr>", "kode-no:<number>"…), shared by all API processes. */
@Entity("public_throttles")
export class PublicThrottle {
  @PrimaryColumn({ type: "varchar", length: 191, name: "throttle_key" }) key: string;
  @IntColumn("hits", { default: 0 }) hits: number;
  @TimeColumn("window_start") windowStart: Date;
  @TimeColumn("blocked_until", { nullable: true }) blockedUntil: Date | null;
}
