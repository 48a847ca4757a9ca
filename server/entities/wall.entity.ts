import { Column, Entity, PrimaryColumn } from "typeorm";
import { TimeColumn } from "./columns.js";

/** The wall's counts per day (WIB) × channel × OPD (0: none) × category (0: none), kept by commands/apply-rollups.ts. */
@Entity("wall_rollup_days")
export class WallRollupDay {
  @PrimaryColumn({ type: "varchar", length: 10, name: "day" }) day: string;
  @PrimaryColumn({ type: "varchar", length: 16, name: "channel" }) channel: string;
  @PrimaryColumn({ type: "integer", name: "agency_id" }) agencyId: number;
  @PrimaryColumn({ type: "integer", name: "category_id" }) categoryId: number;
  @Column({ type: "integer", name: "received", default: 0 }) received: number;
  @Column({ type: "integer", name: "verified", default: 0 }) verified: number;
  @Column({ type: "integer", name: "rejected", default: 0 }) rejected: number;
  @Column({ type: "integer", name: "forwarded", default: 0 }) forwarded: number;
  @Column({ type: "integer", name: "answered", default: 0 }) answered: number;
  @Column({ type: "integer", name: "resolved", default: 0 }) resolved: number;
  @Column({ type: "integer", name: "closed", default: 0 }) closed: number;
  @Column({ type: "integer", name: "warned", default: 0 }) warned: number;
  @Column({ type: "integer", name: "breached", default: 0 }) breached: number;
}

/** Complaints received per hour (WIB, "YYYY-MM-DDTHH") × channel. */
@Entity("wall_rollup_hours")
export class WallRollupHour {
  @PrimaryColumn({ type: "varchar", length: 13, name: "hour" }) hour: string;
  @PrimaryColumn({ type: "varchar", length: 16, name: "channel" }) channel: string;
  @Column({ type: "integer", name: "received", default: 0 }) received: number;
}

/** A rollup consumer's cursor: every audit event with id ≤ low_id has been applied. */
@Entity("rollup_state")
export class RollupState {
  @PrimaryColumn({ type: "varchar", length: 32, name: "name" }) name: string;
  @Column({ type: "bigint", name: "low_id" }) lowId: string | number;
  @TimeColumn("updated_at") updatedAt: Date;
}

/** Audit events above the cursor that are already applied (ids are not commit-ordered on MySQL). */
@Entity("rollup_applied")
export class RollupApplied {
  @PrimaryColumn({ type: "bigint", name: "event_id" }) eventId: string | number;
  @TimeColumn("applied_at") appliedAt: Date;
}

/** Who has a ticket open in the console right now (heartbeat), for the collision notice. */
@Entity("ticket_presence")
export class TicketPresence {
  @PrimaryColumn({ type: "integer", name: "ticket_id" }) ticketId: number;
  @PrimaryColumn({ type: "integer", name: "user_id" }) userId: number;
  @TimeColumn("seen_at") seenAt: Date;
}
