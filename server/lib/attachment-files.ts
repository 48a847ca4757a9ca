import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";

const safeName = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^\.+/, "").slice(-80) || "file";

/** Where an attachment's bytes live, relative to DATA_DIR: attachments/<ticket>/<id>-<name>. */
export const attachmentStorageKey = (ticketId: number, attachmentId: number, fileName: string) =>
  join("attachments", String(ticketId), `${attachmentId}-${safeName(fileName)}`);

export async function writeAttachmentFile(dataDir: string, storageKey: string, content: Buffer): Promise<void> {
  const file = join(dataDir, storageKey);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, content);
}
