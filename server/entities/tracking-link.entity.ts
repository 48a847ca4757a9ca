import { Entity } from "typeorm";
import { CreatedColumn, IdColumn, IntColumn, StrColumn } from "./columns.js";

/** A tracking link handed to the provider for the citizen: only the keyed hash of its secret is kept. */
@Entity("tracking_links")
export class TrackingLink {
  @IdColumn() id: number;
  @IntColumn("ticket_id") ticketId: number;
  @StrColumn("secret_hash", 64) secretHash: string;
  @CreatedColumn() createdAt: Date;
}
