import { Entity } from "typeorm";
import { IdColumn, IntColumn, StrColumn, TextColumn, TimeColumn } from "./columns.js";

/** A periodic hash over the heads of all audit chains: truncating a chain after it is detectable. */
@Entity("audit_anchors")
export class AuditAnchor {
  @IdColumn() id: number;
  @TimeColumn("created_at") createdAt: Date;
  @IntColumn("chain_count") chainCount: number;
  @StrColumn("heads_hash", 64) headsHash: string;
  @TextColumn("heads_json") headsJson: string;
}
