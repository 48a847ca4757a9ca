import { Entity } from "typeorm";
import { CreatedColumn, IdColumn, StrColumn, TextColumn, UpdatedColumn } from "./columns.js";

/** Texts sent to citizens (acknowledgement, status notices…), per locale; {{placeholders}} are filled in. */
@Entity("reply_templates")
export class ReplyTemplate {
  @IdColumn() id: number;
  @StrColumn("template_key", 64) key: string;
  @StrColumn("locale", 8) locale: string;
  @StrColumn("subject", 300, { nullable: true }) subject: string | null;
  @TextColumn("body") body: string;
  @CreatedColumn() createdAt: Date;
  @UpdatedColumn() updatedAt: Date;
}
