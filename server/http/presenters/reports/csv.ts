// The report as one CSV in long form (bagian, baris, ukuran, nilai): every figure of the JSON,
// numbers as numbers (shares 0–1), every text cell formula-safe (spreadsheet-safe.ts).
import { stringify } from "csv-stringify/sync";
import { spreadsheetSafe } from "../../../lib/spreadsheet-safe.js";
import type { AgencyReport } from "../../../queries/reports/agency-report.js";
import { BREAKDOWN_COLUMNS, breakdownCells, CLOCK_COLUMNS, clockCells, summaryFigures } from "./figures.js";

export function reportCsv(r: AgencyReport): string {
  const rows: (string | number | null)[][] = [
    ["info", "", "OPD", r.scope.agencyName],
    ["info", "", "Periode", r.period.label.id],
    ["info", "", "Dari", r.period.from],
    ["info", "", "Sampai", r.period.to],
  ];
  if (r.filters.categoryName) rows.push(["info", "", "Kategori", r.filters.categoryName]);
  if (r.filters.channel) rows.push(["info", "", "Kanal", r.filters.channel]);
  for (const f of summaryFigures(r)) rows.push(["ringkasan", "", f.id, f.value]);
  for (const c of r.clocks) {
    const cells = clockCells(c);
    CLOCK_COLUMNS.slice(1).forEach((col, i) => rows.push(["jam layanan", String(cells[0]), col.id, cells[i + 1] ?? null]));
  }
  for (const [section, list, channel] of [["kategori", r.byCategory, false], ["kanal", r.byChannel, true]] as const) {
    for (const b of list) {
      const cells = breakdownCells(b, channel);
      BREAKDOWN_COLUMNS.slice(1).forEach((col, i) => rows.push([section, String(cells[0]), col.id, cells[i + 1] ?? null]));
    }
  }
  r.ratings.distribution.forEach((n, i) => rows.push(["penilaian", `${i + 1} bintang`, "Jumlah", n]));
  for (const t of r.topTopics) rows.push(["topik teratas", t.name, "Pengaduan", t.tickets]);
  for (const c of r.ratings.comments) rows.push(["komentar", c.ticketNumber, `${c.rating} bintang`, c.comment]);
  for (const t of r.trend) rows.push(["tren", t.bucket, "Disposisi", t.forwarded], ["tren", t.bucket, "Ditindaklanjuti", t.answered]);
  return stringify(rows, { header: true, columns: ["bagian", "baris", "ukuran", "nilai"], bom: true, cast: { string: spreadsheetSafe } });
}
