// The report as an XLSX workbook (exceljs): Ringkasan (summary and clocks), Per kategori,
// Per kanal, Penilaian (distribution and masked comments). Numbers are numbers, shares 0–1 with
// a percentage format; text cells are formula-safe like the CSV.
import ExcelJS from "exceljs";
import { spreadsheetSafe } from "../../../lib/spreadsheet-safe.js";
import type { AgencyReport } from "../../../queries/reports/agency-report.js";
import { BREAKDOWN_COLUMNS, breakdownCells, CLOCK_COLUMNS, clockCells, summaryFigures } from "./figures.js";

export const XLSX_SHEETS = ["Ringkasan", "Per kategori", "Per kanal", "Penilaian"] as const;

const safe = (v: string | number | null) => (typeof v === "string" ? spreadsheetSafe(v) : v);

export async function reportXlsx(r: AgencyReport, meta: { province: string; author: string }): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = meta.author;
  wb.created = new Date(r.generatedAt);
  const bold = (row: ExcelJS.Row) => (row.font = { bold: true });

  const sum = wb.addWorksheet(XLSX_SHEETS[0]);
  sum.columns = [{ width: 42 }, { width: 16 }, { width: 14 }, { width: 12 }, { width: 14 }, { width: 16 }, { width: 14 }, { width: 16 }, { width: 14 }, { width: 18 }];
  bold(sum.addRow([safe(meta.province)]));
  bold(sum.addRow([safe(`Laporan pengaduan — ${r.scope.agencyName}`)]));
  sum.addRow(["Periode", r.period.label.id]);
  if (r.filters.categoryName) sum.addRow(["Kategori", safe(r.filters.categoryName)]);
  if (r.filters.channel) sum.addRow(["Kanal", r.filters.channel]);
  sum.addRow([]);
  bold(sum.addRow(["Ukuran", "Nilai"]));
  for (const f of summaryFigures(r)) {
    const row = sum.addRow([f.id, f.value]);
    if (f.format === "share") row.getCell(2).numFmt = "0%";
  }
  sum.addRow([]);
  bold(sum.addRow(CLOCK_COLUMNS.map((c) => c.id)));
  for (const c of r.clocks) sum.addRow(clockCells(c)).getCell(5).numFmt = "0%";
  sum.addRow([]);
  bold(sum.addRow(["Topik teratas", "Pengaduan"]));
  for (const t of r.topTopics) sum.addRow([safe(t.name), t.tickets]);

  for (const [name, list, channel] of [[XLSX_SHEETS[1], r.byCategory, false], [XLSX_SHEETS[2], r.byChannel, true]] as const) {
    const ws = wb.addWorksheet(name);
    ws.columns = BREAKDOWN_COLUMNS.map((c, i) => ({ header: c.id, key: c.key, width: i === 0 ? 36 : 16 }));
    bold(ws.getRow(1));
    for (const b of list) ws.addRow(breakdownCells(b, channel).map(safe)).getCell(6).numFmt = "0%";
  }

  const ratings = wb.addWorksheet(XLSX_SHEETS[3]);
  ratings.columns = [{ width: 20 }, { width: 12 }, { width: 80 }, { width: 24 }];
  bold(ratings.addRow(["Nilai", "Jumlah"]));
  r.ratings.distribution.forEach((n, i) => ratings.addRow([`${i + 1} bintang`, n]));
  ratings.addRow(["Rata-rata", r.ratings.average]);
  ratings.addRow([]);
  bold(ratings.addRow(["Nomor tiket", "Nilai", "Komentar (disamarkan)", "Waktu"]));
  for (const c of r.ratings.comments) ratings.addRow([c.ticketNumber, c.rating, safe(c.comment), c.at]);

  return Buffer.from(await wb.xlsx.writeBuffer());
}
