import { Entity, PrimaryColumn } from "typeorm";
import { IntColumn } from "./columns.js";

/** Last ticket number issued per period (YYMM). */
@Entity("ticket_counters")
export class TicketCounter {
  @PrimaryColumn({ type: "varchar", length: 8, name: "period" }) period: string;
  @IntColumn("last_value", { default: 0 }) lastValue: number;
}
