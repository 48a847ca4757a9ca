import { Entity } from "typeorm";
import { IdColumn, IntColumn, StrColumn, TextColumn, TimeColumn } from "./columns.js";

/** One OPD's /kinerja figures of one month (JSON of queries/reports KinerjaFigures), derived data refreshed by the report-rollups job. */
@Entity("report_month_rollups")
export class ReportMonthRollup {
  @IdColumn() id: number;
  /** "YYYY-MM" in the calendar's time zone. */
  @StrColumn("month", 7) month: string;
  @IntColumn("agency_id") agencyId: number;
  @TextColumn("figures") figures: string;
  @TimeColumn("computed_at") computedAt: Date;
}
