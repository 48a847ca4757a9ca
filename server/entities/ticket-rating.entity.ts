import { Entity } from "typeorm";
import { CreatedColumn, IdColumn, IntColumn, TextColumn, UpdatedColumn } from "./columns.js";

/** The citizen's rating of the answer to their ticket (1–5 and a comment); one per ticket, the latest counts. */
@Entity("ticket_ratings")
export class TicketRating {
  @IdColumn() id: number;
  @IntColumn("ticket_id") ticketId: number;
  @IntColumn("rating") rating: number;
  @TextColumn("comment", { nullable: true }) comment: string | null;
  @CreatedColumn() createdAt: Date;
  @UpdatedColumn() updatedAt: Date;
}
