import { Entity } from "typeorm";
import { BoolColumn, CreatedColumn, IdColumn, IntColumn, StrColumn, TextColumn, UpdatedColumn } from "./columns.js";

@Entity("categories")
export class Category {
  @IdColumn() id: number;
  @StrColumn("code", 64) code: string;
  @StrColumn("name", 200) name: string;
  @StrColumn("name_en", 200, { nullable: true }) nameEn: string | null;
  @TextColumn("description", { nullable: true }) description: string | null;
  @IntColumn("default_agency_id", { nullable: true }) defaultAgencyId: number | null;
  /** Complaint class: selects the SLA policy (e.g. "general", "investigation"). */
  @StrColumn("complaint_class", 32, { default: "general" }) complaintClass: string;
  /** Whether tickets of this category may ever appear on public pages. */
  @BoolColumn("is_public", { default: true }) isPublic: boolean;
  @BoolColumn("active", { default: true }) active: boolean;
  @CreatedColumn() createdAt: Date;
  @UpdatedColumn() updatedAt: Date;
}
