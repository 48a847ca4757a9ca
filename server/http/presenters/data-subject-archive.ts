import { stringify } from "csv-stringify/sync";
import yazl from "yazl";
import type { SubjectData } from "../../queries/data-subject.js";
import { existingDataFile, sanitizeFileName } from "../../lib/attachment-files.js";
import { spreadsheetSafe } from "../../lib/spreadsheet-safe.js";

/** The tables of the archive, in order, with the columns each CSV carries. */
const TABLES = {
  contacts: ["id", "name", "phone", "email", "createdAt", "updatedAt"],
  identities: ["id", "contactId", "channel", "address", "displayName", "createdAt"],
  tickets: ["id", "number", "channel", "privacy", "status", "subject", "description", "locationText", "latitude", "longitude", "receivedAt", "closedAt"],
  messages: ["id", "ticketId", "direction", "channel", "subject", "body", "deliveryStatus", "externalAddress", "createdAt", "sentAt"],
  forwards: ["id", "ticketId", "agencyId", "instruction", "status", "response", "returnReason", "dueAt", "answeredAt", "createdAt"],
  ratings: ["id", "ticketId", "rating", "comment", "createdAt"],
  attachments: ["id", "ticketId", "messageId", "forwardId", "fileName", "mimeType", "sizeBytes", "sha256", "file", "createdAt"],
  calls: ["id", "ticketId", "direction", "fromAddress", "toAddress", "status", "durationSeconds", "createdAt"],
} as const satisfies Record<keyof SubjectData, readonly string[]>;

const cell = (v: unknown): string | number => {
  if (v == null) return "";
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "number") return v;
  return spreadsheetSafe(String(v));
};

/** Where an attachment's bytes sit in the archive: files/<ticket number>/<id>-<name>. */
const archivePath = (ticketNumber: string, id: number, fileName: string) => `files/${ticketNumber}/${id}-${sanitizeFileName(fileName)}`;

const README = `Data pribadi Anda yang tersimpan di sistem pengaduan (UU PDP 27/2022 Pasal 7 dan 8).
Your personal data held by the complaint system (UU PDP 27/2022 articles 7 and 8).

data.json       semua data dalam satu berkas JSON / everything in one JSON file
*.csv           tabel yang sama dalam CSV / the same tables as CSV (UTF-8)
files/          berkas lampiran laporan Anda / the files attached to your reports
`;

/**
 * One ZIP archive (yazl) of everything held about a citizen: data.json, one CSV per table and the
 * attachments' bytes. Only rows collectSubjectData found for the request go in, so nothing of
 * another citizen does. A file missing on disk is listed with "file": null.
 */
export function buildSubjectArchive(data: SubjectData, dataDir: string, meta: { requestId: number; generatedAt: Date }): { zip: yazl.ZipFile; counts: Record<string, number> } {
  const zip = new yazl.ZipFile();
  const numberOf = new Map(data.tickets.map((t) => [t.id, t.number]));
  const files: { path: string; archived: string }[] = [];
  const attachments = data.attachments.map((a) => {
    const path = a.sizeBytes > 0 ? existingDataFile(dataDir, a.storageKey) : null;
    const archived = path ? archivePath(numberOf.get(a.ticketId) ?? String(a.ticketId), a.id, a.fileName) : null;
    if (path && archived) files.push({ path, archived });
    return { ...a, file: archived };
  });
  const tables: Record<keyof SubjectData, object[]> = { ...data, attachments };
  const mtime = meta.generatedAt;
  zip.addBuffer(Buffer.from(README), "README.txt", { mtime });
  const json = { requestId: meta.requestId, generatedAt: meta.generatedAt.toISOString(), ...Object.fromEntries(Object.entries(tables).map(([k, rows]) => [k, rows.map((r) => pick(r, TABLES[k as keyof SubjectData]))])) };
  zip.addBuffer(Buffer.from(JSON.stringify(json, null, 2)), "data.json", { mtime });
  for (const [name, columns] of Object.entries(TABLES)) {
    const rows = tables[name as keyof SubjectData].map((r) => columns.map((c) => cell((r as Record<string, unknown>)[c])));
    zip.addBuffer(Buffer.from(`\ufeff${stringify([columns as readonly string[] as string[], ...rows])}`), `${name}.csv`, { mtime });
  }
  for (const f of files) zip.addFile(f.path, f.archived, { mtime });
  zip.end();
  const counts = Object.fromEntries(Object.entries(tables).map(([k, rows]) => [k, rows.length]));
  counts.files = files.length;
  return { zip, counts };
}

function pick(row: object, columns: readonly string[]): Record<string, unknown> {
  const r = row as Record<string, unknown>;
  return Object.fromEntries(columns.map((c) => [c, r[c] instanceof Date ? (r[c] as Date).toISOString() : (r[c] ?? null)]));
}
