import { Entity, PrimaryColumn } from "typeorm";
import { IntColumn, StrColumn, TimeColumn } from "./columns.js";

/** The latest link of each audit chain; its row lock serialises appends to that chain only. */
@Entity("audit_chain_heads")
export class AuditChainHead {
  @PrimaryColumn({ type: "varchar", length: 64, name: "chain_key" }) chainKey: string;
  @IntColumn("seq") seq: number;
  @StrColumn("hash", 64) hash: string;
  @TimeColumn("updated_at") updatedAt: Date;
}
