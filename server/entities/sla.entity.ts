import { Entity } from "typeorm";
import { BoolColumn, CreatedColumn, IdColumn, IntColumn, StrColumn, TextColumn, TimeColumn, UpdatedColumn } from "./columns.js";
import type { ClockKind } from "../domain/sla/policy.js";

/** An SLA policy: which clocks run, how long, with which ladder. Chosen by category, else class, else the default. */
@Entity("sla_policies")
export class SlaPolicyRow {
  @IdColumn() id: number;
  @StrColumn("name", 200) name: string;
  @IntColumn("category_id", { nullable: true }) categoryId: number | null;
  @StrColumn("complaint_class", 32, { nullable: true }) complaintClass: string | null;
  /** For tickets of this priority only (null: any); chosen before the same match without priority. */
  @StrColumn("priority", 8, { nullable: true }) priority: string | null;
  @IntColumn("calendar_id", { nullable: true }) calendarId: number | null;
  /** JSON of domain/sla SlaPolicy */
  @TextColumn("definition") definition: string;
  @BoolColumn("active", { default: true }) active: boolean;
  @CreatedColumn() createdAt: Date;
  @UpdatedColumn() updatedAt: Date;
}

export type ClockRowState = "running" | "paused" | "stopped";

/** One running (or finished) clock on a ticket or on one forward. */
@Entity("sla_clocks")
export class SlaClock {
  @IdColumn() id: number;
  @IntColumn("ticket_id") ticketId: number;
  @IntColumn("forward_id", { nullable: true }) forwardId: number | null;
  @StrColumn("kind", 32) kind: ClockKind;
  @IntColumn("policy_id", { nullable: true }) policyId: number | null;
  @StrColumn("state", 12) state: ClockRowState;
  @TimeColumn("started_at") startedAt: Date;
  /** JSON [{from, to|null}] — waiting-on-citizen intervals */
  @TextColumn("pauses_json", { nullable: true }) pausesJson: string | null;
  @TimeColumn("warn_at", { nullable: true }) warnAt: Date | null;
  @TimeColumn("due_at", { nullable: true }) dueAt: Date | null;
  @TimeColumn("stopped_at", { nullable: true }) stoppedAt: Date | null;
  @TimeColumn("breached_at", { nullable: true }) breachedAt: Date | null;
  /** JSON {id, en}: the legal basis as the policy said when the clock started (kept through policy edits). */
  @TextColumn("legal_basis", { nullable: true }) legalBasis: string | null;
  /** The next warning/breach/escalation instant not yet recorded; null when none. */
  @TimeColumn("next_event_at", { nullable: true }) nextEventAt: Date | null;
  @CreatedColumn() createdAt: Date;
  @UpdatedColumn() updatedAt: Date;
}

/** A warning (level 0) or a breach at an escalation level, recorded once per clock. */
@Entity("sla_events")
export class SlaEvent {
  @IdColumn() id: number;
  @IntColumn("clock_id") clockId: number;
  @IntColumn("ticket_id") ticketId: number;
  @IntColumn("forward_id", { nullable: true }) forwardId: number | null;
  @StrColumn("clock_kind", 32) clockKind: ClockKind;
  @StrColumn("kind", 16) kind: "warning" | "breach";
  @IntColumn("level", { default: 0 }) level: number;
  /** The instant the event was due. */
  @TimeColumn("due_at") dueAt: Date;
  @TimeColumn("recorded_at") recordedAt: Date;
}

@Entity("notifications")
export class Notification {
  @IdColumn() id: number;
  @IntColumn("user_id") userId: number;
  @IntColumn("ticket_id", { nullable: true }) ticketId: number | null;
  @IntColumn("sla_event_id", { nullable: true }) slaEventId: number | null;
  @StrColumn("type", 32) type: string;
  @StrColumn("title", 300) title: string;
  @TextColumn("body") body: string;
  @TimeColumn("read_at", { nullable: true }) readAt: Date | null;
  @TimeColumn("emailed_at", { nullable: true }) emailedAt: Date | null;
  @TimeColumn("created_at") createdAt: Date;
}
