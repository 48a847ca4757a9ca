import { Entity } from "typeorm";
import { BoolColumn, CreatedColumn, IdColumn, IntColumn, StrColumn, UpdatedColumn } from "./columns.js";

/** An OPD (Organisasi Perangkat Daerah): a regional agency tickets are forwarded to. */
@Entity("agencies")
export class Agency {
  @IdColumn() id: number;
  @StrColumn("code", 32) code: string;
  @StrColumn("name", 200) name: string;
  @StrColumn("short_name", 80) shortName: string;
  @IntColumn("head_user_id", { nullable: true }) headUserId: number | null;
  @StrColumn("email", 254, { nullable: true }) email: string | null;
  @BoolColumn("active", { default: true }) active: boolean;
  /** Answers of this OPD reach the citizen only after an operator approved them. */
  @BoolColumn("answer_review", { default: false }) answerReview: boolean;
  @CreatedColumn() createdAt: Date;
  @UpdatedColumn() updatedAt: Date;
}
