import { Entity } from "typeorm";
import { CreatedColumn, IdColumn, IntColumn, StrColumn, TextColumn } from "./columns.js";

/** Metadata of a file kept under DATA_DIR/attachments (storage_key is the relative path). */
@Entity("attachments")
export class Attachment {
  @IdColumn() id: number;
  @IntColumn("ticket_id") ticketId: number;
  @IntColumn("message_id", { nullable: true }) messageId: number | null;
  /** Set on files an OPD attaches to its answer: only the command center and that forward's OPD read them. */
  @IntColumn("forward_id", { nullable: true }) forwardId?: number | null;
  @StrColumn("file_name", 255) fileName: string;
  @StrColumn("mime_type", 127) mimeType: string;
  @IntColumn("size_bytes", { default: 0 }) sizeBytes: number;
  @StrColumn("storage_key", 255) storageKey: string;
  @StrColumn("sha256", 64, { nullable: true }) sha256: string | null;
  @IntColumn("uploaded_by_user_id", { nullable: true }) uploadedByUserId: number | null;
  /** Where the bytes come from (a connector ref: provider URL, file id or data: URI) until fetched. */
  @TextColumn("source_ref", { nullable: true }) sourceRef?: string | null;
  /** null: uploaded directly; pending -> fetched | failed for files that came with a channel message. */
  @StrColumn("fetch_state", 12, { nullable: true }) fetchState?: "pending" | "fetched" | "failed" | null;
  @IntColumn("fetch_attempts", { default: 0 }) fetchAttempts?: number;
  @StrColumn("fetch_error", 500, { nullable: true }) fetchError?: string | null;
  @CreatedColumn() createdAt: Date;
}
