import { Entity } from "typeorm";
import { BoolColumn, CreatedColumn, IdColumn, IntColumn, StrColumn, TextColumn, TimeColumn, UpdatedColumn } from "./columns.js";
import type { HolidayKind } from "../domain/sla/calendar.js";

/** A business calendar: the province's time zone and office hours; holidays in calendar_holidays. */
@Entity("calendars")
export class Calendar {
  @IdColumn() id: number;
  @StrColumn("name", 100) name: string;
  @StrColumn("time_zone", 40) timeZone: string;
  /** JSON: Record<ISO weekday, {start,end}[]> */
  @TextColumn("working_hours") workingHours: string;
  @BoolColumn("is_default", { default: false }) isDefault: boolean;
  @CreatedColumn() createdAt: Date;
  @UpdatedColumn() updatedAt: Date;
}

@Entity("calendar_holidays")
export class CalendarHoliday {
  @IdColumn() id: number;
  @IntColumn("calendar_id") calendarId: number;
  /** Local date YYYY-MM-DD */
  @StrColumn("date", 10) date: string;
  @StrColumn("name", 200) name: string;
  @StrColumn("kind", 16) kind: HolidayKind;
  @TimeColumn("created_at") createdAt: Date;
}
