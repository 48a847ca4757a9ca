import { Entity } from "typeorm";
import { CreatedColumn, IdColumn, IntColumn, StrColumn, TimeColumn } from "./columns.js";

/** A one-time code sent to the citizen's channel to open /lacak without the link; only its HMAC is kept. */
@Entity("tracking_codes")
export class TrackingCode {
  @IdColumn() id: number;
  @IntColumn("ticket_id") ticketId: number;
  @StrColumn("code_hash", 64) codeHash: string;
  /** Wrong guesses against this code; it dies after a few. */
  @IntColumn("attempts", { default: 0 }) attempts: number;
  @TimeColumn("expires_at") expiresAt: Date;
  @TimeColumn("used_at", { nullable: true }) usedAt: Date | null;
  @CreatedColumn() createdAt: Date;
}
