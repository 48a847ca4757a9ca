import { Entity } from "typeorm";
import { CreatedColumn, IdColumn, IntColumn, StrColumn, UpdatedColumn } from "./columns.js";

/** A citizen (pelapor). Phone in E.164, e-mail case-folded. */
@Entity("contacts")
export class Contact {
  @IdColumn() id: number;
  @StrColumn("name", 200, { nullable: true }) name: string | null;
  @StrColumn("phone", 32, { nullable: true }) phone: string | null;
  @StrColumn("email", 254, { nullable: true }) email: string | null;
  @IntColumn("merged_into_id", { nullable: true }) mergedIntoId: number | null;
  @CreatedColumn() createdAt: Date;
  @UpdatedColumn() updatedAt: Date;
}
