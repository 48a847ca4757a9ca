import { Entity } from "typeorm";
import { BoolColumn, CreatedColumn, IdColumn, IntColumn, StrColumn, TimeColumn, UpdatedColumn } from "./columns.js";

/** One phone call to a voice account (answered or missed), on the caller's history. */
@Entity("calls")
export class Call {
  @IdColumn() id: number;
  @IntColumn("channel_account_id") channelAccountId: number;
  @StrColumn("call_sid", 64) callSid: string;
  @IntColumn("contact_id", { nullable: true }) contactId: number | null;
  /** The ticket the call's recorded complaint became (or was added to). */
  @IntColumn("ticket_id", { nullable: true }) ticketId: number | null;
  @StrColumn("direction", 16) direction: string;
  @StrColumn("from_address", 64) fromAddress: string;
  @StrColumn("to_address", 64) toAddress: string;
  /** Twilio CallStatus: completed, busy, no-answer, failed, canceled (in-progress while it lasts). */
  @StrColumn("status", 16) status: string;
  /** False for a missed call (busy, no answer, failed, hung up before it was answered). */
  @BoolColumn("answered", { default: false }) answered: boolean;
  @IntColumn("duration_seconds", { default: 0 }) durationSeconds: number;
  @StrColumn("recording_ref", 500, { nullable: true }) recordingRef: string | null;
  @TimeColumn("ended_at", { nullable: true }) endedAt: Date | null;
  @CreatedColumn() createdAt: Date;
  @UpdatedColumn() updatedAt: Date;
}
