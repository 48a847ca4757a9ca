import { createReadStream, existsSync } from "node:fs";
import { join } from "node:path";
import { Readable, type Writable } from "node:stream";
import { finished } from "node:stream/promises";
import { stringify } from "csv-stringify/sync";
import yazl from "yazl";
import type { EntityManager } from "typeorm";
import { createDataSource, type DataSourceSettings } from "../config/data-source.js";
import { sanitizeFileName } from "../lib/attachment-files.js";
import { spreadsheetSafe } from "../lib/spreadsheet-safe.js";
import { inSnapshot } from "./backup.js";
import { describeColumn, isSecretColumn, SCHEMA_DICTIONARY } from "./schema-dictionary.js";
import { listTables, readRows, type TableInfo } from "./tables.js";

/**
 * The open-format export (Pergub Sumut 12/2022 Pasal 7: the government owns its data in open
 * formats): one zip with every table as CSV (UTF-8, RFC 4180) and as JSON Lines, a schema
 * description in Bahasa Indonesia and English (schema.json, SKEMA.md), and the attachment files
 * in folders by ticket number. Read inside one snapshot like a backup, and streamed: pages of rows
 * go into the archive as it is written, so memory stays flat at any size.
 * Secrets (password and tracking hashes, encrypted provider settings, session credentials) are
 * left out and the schema says so.
 */
export interface ExportSummary {
  tables: { name: string; rows: number; columns: number }[];
  rows: number;
  attachments: number;
  missingFiles: number;
}

export interface ExportOptions {
  database: DataSourceSettings;
  dataDir: string;
  out: Writable;
  now?: Date;
  onProgress?: (phase: "tables" | "attachments", done: number, total: number, what: string) => void;
}

/** Rows per read: small pages keep the garbage of each short-lived (memory stays flat). */
const EXPORT_PAGE = Number(process.env.ADUAN_EXPORT_PAGE ?? 500);

type SchemaColumn = { name: string; type: string; nullable: boolean; id: string; en: string };

export async function writeExport(opts: ExportOptions): Promise<ExportSummary> {
  const ds = createDataSource({ ...opts.database, poolSize: 2 });
  await ds.initialize();
  const zip = new yazl.ZipFile();
  const done = finished(zip.outputStream.pipe(opts.out));
  const at = opts.now ?? new Date();
  try {
    const summary = await inSnapshot(ds, async (m) => {
      const all = await listTables(m);
      const tables = all.filter((t) => !SCHEMA_DICTIONARY[t.name]?.omit);
      const summary: ExportSummary = { tables: [], rows: 0, attachments: 0, missingFiles: 0 };
      const schema: { name: string; about: { id: string; en: string }; rows: number; files: string[]; columns: SchemaColumn[]; omittedColumns: string[] }[] = [];
      for (const [i, t] of tables.entries()) {
        opts.onProgress?.("tables", i, tables.length, t.name);
        const columns = t.columns.filter((c) => !isSecretColumn(t.name, c.name));
        const view: TableInfo = { ...t, columns };
        let rows = 0;
        await addStream(zip, `tabel/${t.name}.csv`, csvLines(m, view, () => rows++), at);
        await addStream(zip, `tabel/${t.name}.jsonl`, jsonLines(m, view), at);
        summary.tables.push({ name: t.name, rows, columns: columns.length });
        summary.rows += rows;
        schema.push({
          name: t.name,
          about: SCHEMA_DICTIONARY[t.name]?.about ?? { id: "", en: "" },
          rows,
          files: [`tabel/${t.name}.csv`, `tabel/${t.name}.jsonl`],
          columns: columns.map((c) => ({ name: c.name, type: c.kind, nullable: c.nullable, ...(describeColumn(t.name, c.name) ?? { id: "", en: "" }) })),
          omittedColumns: t.columns.filter((c) => isSecretColumn(t.name, c.name)).map((c) => c.name),
        });
      }
      opts.onProgress?.("tables", tables.length, tables.length, "");
      const omittedTables = all.filter((t) => SCHEMA_DICTIONARY[t.name]?.omit).map((t) => ({ name: t.name, why: SCHEMA_DICTIONARY[t.name].omit! }));

      // Attachments, in folders by ticket number.
      const total = Number((await m.query("SELECT COUNT(*) AS n FROM attachments"))[0].n);
      let n = 0;
      let last = 0;
      for (;;) {
        const page: { id: number; file_name: string; storage_key: string; number: string }[] = await m.query(
          "SELECT a.id, a.file_name, a.storage_key, t.number FROM attachments a JOIN tickets t ON t.id = a.ticket_id WHERE a.id > ? ORDER BY a.id LIMIT 500",
          [last],
        );
        if (page.length === 0) break;
        for (const a of page) {
          opts.onProgress?.("attachments", n++, total, a.file_name);
          const file = join(opts.dataDir, a.storage_key);
          if (!a.storage_key || !existsSync(file)) {
            summary.missingFiles++;
            continue;
          }
          await addStream(zip, `lampiran/${sanitizeFileName(a.number)}/${a.id}-${sanitizeFileName(a.file_name)}`, createReadStream(file), at);
          summary.attachments++;
        }
        last = Number(page[page.length - 1].id);
      }
      opts.onProgress?.("attachments", total, total, "");

      const schemaDoc = { format: "aduan-export", version: 1, createdAt: at.toISOString(), engine: ds.options.type === "mysql" ? "mysql" : "sqlite", tables: schema, omittedTables };
      zip.addBuffer(Buffer.from(JSON.stringify(schemaDoc, null, 2)), "schema.json", { mtime: at });
      zip.addBuffer(Buffer.from(schemaMarkdown(schemaDoc, summary)), "SKEMA.md", { mtime: at });
      return summary;
    });
    zip.end();
    await done;
    return summary;
  } catch (err) {
    opts.out.destroy(err as Error);
    throw err;
  } finally {
    await ds.destroy();
  }
}

/** Adds one entry and waits until the archive has consumed it (entries are written one after another). */
async function addStream(zip: yazl.ZipFile, name: string, source: Readable | AsyncIterable<string>, mtime: Date): Promise<void> {
  const stream = source instanceof Readable ? source : Readable.from(source, { objectMode: false });
  zip.addReadStream(stream, name, { mtime });
  await finished(stream);
}

const cell = (v: unknown): string | number => (v === null || v === undefined ? "" : typeof v === "number" ? v : typeof v === "object" ? JSON.stringify(v) : spreadsheetSafe(String(v)));

/**
 * Yields text in chunks of about 32 kB: larger strings land in V8's large-object space, which a
 * streamed export would otherwise grow by hundreds of megabytes before the collector catches up.
 */
async function* chunked(lines: AsyncGenerator<string>): AsyncGenerator<string> {
  let buf = "";
  for await (const l of lines) {
    buf += l;
    if (buf.length >= 32_768) {
      yield buf;
      buf = "";
    }
  }
  if (buf) yield buf;
}

function csvLines(m: EntityManager, t: TableInfo, count: () => void): AsyncGenerator<string> {
  return chunked(
    (async function* () {
      yield "\ufeff" + stringify([t.columns.map((c) => c.name)]);
      for await (const page of readRows(m, t, EXPORT_PAGE))
        for (const r of page) {
          count();
          yield stringify([t.columns.map((c) => cell(r[c.name]))]);
        }
    })(),
  );
}

function jsonLines(m: EntityManager, t: TableInfo): AsyncGenerator<string> {
  return chunked(
    (async function* () {
      for await (const page of readRows(m, t, EXPORT_PAGE)) for (const r of page) yield `${JSON.stringify(r)}\n`;
    })(),
  );
}

function schemaMarkdown(doc: { createdAt: string; engine: string; tables: { name: string; about: { id: string; en: string }; rows: number; columns: SchemaColumn[]; omittedColumns: string[] }[]; omittedTables: { name: string; why: { id: string; en: string } }[] }, s: ExportSummary): string {
  const out = [
    "# Ekspor data Aduan / Aduan data export",
    "",
    `Dibuat / made: ${doc.createdAt} (${doc.engine}). ${s.rows} baris / rows, ${s.attachments} lampiran / attachments.`,
    "",
    "Setiap tabel ada sebagai CSV (UTF-8, RFC 4180; sel yang diawali = + - @ diberi awalan ' agar aman di spreadsheet) dan JSON Lines (nilai persis).",
    "Waktu dalam UTC (ISO 8601). Lampiran ada di `lampiran/<nomor tiket>/`.",
    "",
    "Every table is there as CSV (UTF-8, RFC 4180; cells starting with = + - @ get a leading ' to be safe in spreadsheets) and JSON Lines (exact values).",
    "Times are UTC (ISO 8601). Attachments are in `lampiran/<ticket number>/`.",
    "",
  ];
  for (const t of doc.tables) {
    out.push(`## ${t.name} (${t.rows})`, "", `${t.about.id} / ${t.about.en}`, "", "| kolom / column | tipe / type | arti | meaning |", "|---|---|---|---|");
    for (const c of t.columns) out.push(`| ${c.name} | ${c.type}${c.nullable ? "?" : ""} | ${c.id} | ${c.en} |`);
    if (t.omittedColumns.length) out.push("", `Tidak diekspor (rahasia) / not exported (secret): ${t.omittedColumns.join(", ")}`);
    out.push("");
  }
  if (doc.omittedTables.length) {
    out.push("## Tidak diekspor / not exported", "");
    for (const o of doc.omittedTables) out.push(`- ${o.name}: ${o.why.id} / ${o.why.en}`);
  }
  return `${out.join("\n")}\n`;
}
