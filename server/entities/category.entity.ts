import { Column, Entity } from "typeorm";
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
  /** Answers on tickets of this category reach the citizen only after an operator approved them. */
  @BoolColumn("answer_review", { default: false }) answerReview: boolean;
  /**
   * Field check before closing: an OPD answer claiming a physical fix must carry an "after" photo
   * and waits (in_review) until a supervisor or the designated checker confirms it or sends it back.
   */
  @BoolColumn("field_check", { default: false }) fieldCheck: boolean;
  /** Besides supervisors, this user (if set) may confirm or send back the field check. */
  @IntColumn("field_checker_user_id", { nullable: true }) fieldCheckerUserId: number | null;
  /**
   * Routing suggestions: when set (0..1), a ticket verified with this category as the top
   * suggestion at this confidence or more is forwarded to the suggested OPD by the system.
   * Null (the default): never without a person.
   */
  @Column({ type: "decimal", precision: 10, scale: 7, name: "auto_forward_threshold", nullable: true, transformer: { to: (v: number | null | undefined) => v, from: (v: string | number | null) => (v == null ? null : Number(v)) } })
  autoForwardThreshold: number | null;
  @CreatedColumn() createdAt: Date;
  @UpdatedColumn() updatedAt: Date;
}
