import { Entity } from "typeorm";
import { CreatedColumn, IdColumn, IntColumn, StrColumn } from "./columns.js";

/** Metadata of a file kept under DATA_DIR/attachments (storage_key is the relative path). */
@Entity("attachments")
export class Attachment {
  @IdColumn() id: number;
  @IntColumn("ticket_id") ticketId: number;
  @IntColumn("message_id", { nullable: true }) messageId: number | null;
  @StrColumn("file_name", 255) fileName: string;
  @StrColumn("mime_type", 127) mimeType: string;
  @IntColumn("size_bytes", { default: 0 }) sizeBytes: number;
  @StrColumn("storage_key", 255) storageKey: string;
  @StrColumn("sha256", 64, { nullable: true }) sha256: string | null;
  @IntColumn("uploaded_by_user_id", { nullable: true }) uploadedByUserId: number | null;
  @CreatedColumn() createdAt: Date;
}
