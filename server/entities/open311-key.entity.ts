import { Entity } from "typeorm";
import { BoolColumn, CreatedColumn, IdColumn, IntColumn, StrColumn, TimeColumn, UpdatedColumn } from "./columns.js";

/** An API key for POST /open311/v2/requests, managed by admins. The key is shown once; only its hash is kept. */
@Entity("open311_keys")
export class Open311Key {
  @IdColumn() id: number;
  @StrColumn("name", 200) name: string;
  /** The first characters of the key, so admins can tell keys apart. */
  @StrColumn("key_prefix", 12) keyPrefix: string;
  @StrColumn("key_hash", 64) keyHash: string;
  @BoolColumn("active", { default: true }) active: boolean;
  @IntColumn("created_by_user_id", { nullable: true }) createdByUserId: number | null;
  @TimeColumn("last_used_at", { nullable: true }) lastUsedAt: Date | null;
  @CreatedColumn() createdAt: Date;
  @UpdatedColumn() updatedAt: Date;
}
