import { Entity } from "typeorm";
import { IdColumn, IntColumn, StrColumn, TextColumn, TimeColumn } from "./columns.js";

/** One link of a hash chain. chain_key is "ticket:<id>" for ticket events, "<entity>:<id>" otherwise. */
@Entity("audit_events")
export class AuditEvent {
  @IdColumn() id: number;
  @StrColumn("chain_key", 64) chainKey: string;
  @IntColumn("seq") seq: number;
  @IntColumn("ticket_id", { nullable: true }) ticketId: number | null;
  @IntColumn("actor_user_id", { nullable: true }) actorUserId: number | null;
  @StrColumn("actor_label", 200, { nullable: true }) actorLabel: string | null;
  @StrColumn("type", 64) type: string;
  @StrColumn("entity_type", 32) entityType: string;
  @StrColumn("entity_id", 64, { nullable: true }) entityId: string | null;
  @TextColumn("before_json", { nullable: true }) beforeJson: string | null;
  @TextColumn("after_json", { nullable: true }) afterJson: string | null;
  @TimeColumn("created_at") createdAt: Date;
  @StrColumn("prev_hash", 64, { nullable: true }) prevHash: string | null;
  @StrColumn("hash", 64) hash: string;
}
