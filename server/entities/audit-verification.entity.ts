import { Entity } from "typeorm";
import { BoolColumn, IdColumn, IntColumn, TextColumn, TimeColumn } from "./columns.js";

/** One run of the scheduled audit chain verification (server/commands/record-audit-verification.ts). */
@Entity("audit_verifications")
export class AuditVerification {
  @IdColumn() id: number;
  @TimeColumn("ran_at") ranAt: Date;
  @IntColumn("duration_ms") durationMs: number;
  @BoolColumn("ok") ok: boolean;
  @IntColumn("events_checked") eventsChecked: number;
  @IntColumn("chains_checked") chainsChecked: number;
  @IntColumn("anchors_checked") anchorsChecked: number;
  @IntColumn("texts_verified") textsVerified: number;
  @IntColumn("problem_count") problemCount: number;
  /** JSON array of AuditProblem (server/queries/verify-audit.ts), the first MAX_STORED_PROBLEMS. */
  @TextColumn("problems_json") problemsJson: string;
}
