import { Table, type MigrationInterface, type QueryRunner } from "typeorm";
import { col } from "./columns.js";

/** On-premise transcripts of recorded calls (whisper.cpp), one per recording message: docs/transcription.md. */
export class Transcriptions1765020000000 implements MigrationInterface {
  name = "Transcriptions1765020000000";

  async up(qr: QueryRunner): Promise<void> {
    const c = col(qr);
    await qr.createTable(
      new Table({
        name: "transcriptions",
        columns: [
          c.id(),
          c.int("message_id"),
          c.int("ticket_id"),
          c.int("attachment_id"),
          c.varchar("state", 16),
          c.varchar("engine", 120, true),
          c.varchar("language", 8, true),
          c.longText("text", true),
          c.varchar("error", 500, true),
          c.int("attempts", false, "0"),
          c.int("audio_ms", true),
          c.int("took_ms", true),
          c.time("transcribed_at", true),
          c.time("created_at"),
          c.time("updated_at"),
        ],
        uniques: [{ name: "uq_transcriptions_message", columnNames: ["message_id"] }],
        indices: [
          { name: "ix_transcriptions_state", columnNames: ["state", "id"] },
          { name: "ix_transcriptions_ticket", columnNames: ["ticket_id"] },
        ],
        foreignKeys: [
          { columnNames: ["message_id"], referencedTableName: "messages", referencedColumnNames: ["id"], onDelete: "CASCADE" },
          { columnNames: ["attachment_id"], referencedTableName: "attachments", referencedColumnNames: ["id"], onDelete: "CASCADE" },
        ],
      }),
    );
  }

  async down(qr: QueryRunner): Promise<void> {
    await qr.dropTable("transcriptions", true, true, true);
  }
}
