import { Entity } from "typeorm";
import { CreatedColumn, IdColumn, IntColumn, StrColumn, TextColumn, TimeColumn, UpdatedColumn } from "./columns.js";

/**
 * The on-premise transcription of a recorded call (one per recording message): whisper.cpp on the
 * server, run by the worker's transcribe job (server/jobs/transcription-jobs.ts, docs/transcription.md).
 *   pending   waiting for the job (or for the recording's bytes)
 *   done      `text` is whisper's transcript
 *   no-model  no whisper model is installed: the provider's transcript (a message) is all there is
 *   failed    the audio could not be decoded or whisper failed (`error`)
 */
@Entity("transcriptions")
export class Transcription {
  @IdColumn() id: number;
  /** The inbound message that carries the recording (its audio attachment). */
  @IntColumn("message_id") messageId: number;
  @IntColumn("ticket_id") ticketId: number;
  @IntColumn("attachment_id") attachmentId: number;
  @StrColumn("state", 16) state: "pending" | "done" | "no-model" | "failed";
  /** "whisper.cpp <model file name>" when done. */
  @StrColumn("engine", 120, { nullable: true }) engine: string | null;
  @StrColumn("language", 8, { nullable: true }) language: string | null;
  @TextColumn("text", { nullable: true }) text: string | null;
  @StrColumn("error", 500, { nullable: true }) error: string | null;
  @IntColumn("attempts", { default: 0 }) attempts: number;
  /** Seconds of audio and milliseconds whisper took (for sizing the worker). */
  @IntColumn("audio_ms", { nullable: true }) audioMs: number | null;
  @IntColumn("took_ms", { nullable: true }) tookMs: number | null;
  @TimeColumn("transcribed_at", { nullable: true }) transcribedAt: Date | null;
  @CreatedColumn() createdAt: Date;
  @UpdatedColumn() updatedAt: Date;
}
