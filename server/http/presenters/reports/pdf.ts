// The report as a printable A4 PDF in Bahasa Indonesia (pdfkit, its built-in Helvetica — no font
// is downloaded): a header with the province and Kominfo, the figures, ECharts charts rendered to
// SVG on the server (svg-to-pdfkit), tables per clock, category and channel, the ratings with
// their masked comments, top topics, and a signature block for the heads of the offices.
import PDFDocument from "pdfkit";
import SVGtoPDF from "svg-to-pdfkit";
import type { AgencyReport } from "../../../queries/reports/agency-report.js";
import { reportChartOptions, renderChartSvg } from "./charts.js";
import { BREAKDOWN_COLUMNS, breakdownCells, CLOCK_COLUMNS, clockCells, formatId, summaryFigures } from "./figures.js";

export interface PdfMeta {
  /** "Pemerintah Provinsi …" */
  province: string;
  /** The Kominfo office's name, e.g. "Dinas Komunikasi dan Informatika". */
  kominfoName: string;
  /** The head of the OPD (null: a blank line to write on) and of Kominfo. */
  agencyHead: string | null;
  kominfoHead: string | null;
  color: string;
  serviceName: string;
}

const MARGIN = 48;
const A4 = { width: 595.28, height: 841.89 };
const CONTENT = A4.width - 2 * MARGIN;
const DATE_ID = new Intl.DateTimeFormat("id-ID", { day: "numeric", month: "long", year: "numeric", timeZone: "Asia/Jakarta" });

type Cell = string | number | null;

export async function reportPdf(r: AgencyReport, meta: PdfMeta): Promise<Buffer> {
  const doc = new PDFDocument({ size: "A4", margins: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN }, info: { Title: `Laporan Pengaduan ${r.scope.agencyName} ${r.period.label.id}`, Author: meta.kominfoName, Subject: "Laporan pengelolaan pengaduan", Creator: meta.serviceName }, lang: "id-ID", bufferPages: true });
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on("end", () => resolve());
    doc.on("error", reject);
  });
  const charts = reportChartOptions(r, meta.color);

  const ensureSpace = (h: number) => {
    if (doc.y + h > A4.height - MARGIN - 20) doc.addPage();
  };
  const heading = (text: string) => {
    ensureSpace(40);
    doc.moveDown(0.6).font("Helvetica-Bold").fontSize(11.5).fillColor(meta.color).text(text, MARGIN, doc.y, { width: CONTENT }).fillColor("black").moveDown(0.3);
  };
  const chart = (option: Record<string, unknown>, height: number) => {
    ensureSpace(height + 8);
    const svg = renderChartSvg(option, Math.round(CONTENT), height);
    SVGtoPDF(doc, svg, MARGIN, doc.y, { width: CONTENT, height, assumePt: true });
    doc.y += height + 6;
    doc.x = MARGIN;
  };
  /** A table: header row in bold on a tint, numbers right-aligned; long tables continue on the next page with the header again. */
  type Format = "text" | "right" | "count" | "share" | "decimal";
  const table = (headers: string[], rows: Cell[][], widths: number[], formats: Format[]) => {
    const size = 8.5;
    const pad = 3;
    const rowHeight = (cells: string[], bold: boolean) => {
      doc.font(bold ? "Helvetica-Bold" : "Helvetica").fontSize(size);
      return Math.max(...cells.map((c, i) => doc.heightOfString(c, { width: widths[i]! - 2 * pad }))) + 2 * pad;
    };
    const drawRow = (cells: string[], bold: boolean, fill: string | null) => {
      const h = rowHeight(cells, bold);
      if (doc.y + h > A4.height - MARGIN - 20) {
        doc.addPage();
        if (!bold) drawRow(headers, true, "#e8eef5");
      }
      const y = doc.y;
      if (fill) doc.rect(MARGIN, y, CONTENT, h).fill(fill).fillColor("black");
      let x = MARGIN;
      cells.forEach((c, i) => {
        doc.font(bold ? "Helvetica-Bold" : "Helvetica").fontSize(size).text(c, x + pad, y + pad, { width: widths[i]! - 2 * pad, align: i > 0 && formats[i] !== "text" ? "right" : "left", lineBreak: true });
        x += widths[i]!;
      });
      doc.moveTo(MARGIN, y + h).lineTo(MARGIN + CONTENT, y + h).lineWidth(0.4).strokeColor("#b8c2cc").stroke();
      doc.y = y + h;
      doc.x = MARGIN;
    };
    drawRow(headers, true, "#e8eef5");
    for (const row of rows) drawRow(row.map((v, i) => (formats[i] === "text" || formats[i] === "right" ? String(v ?? "–") : formatId(v as number | null, formats[i] as "count" | "share" | "decimal"))), false, null);
  };

  // Header: the province, Kominfo, a rule.
  doc.font("Helvetica-Bold").fontSize(13).fillColor(meta.color).text(meta.province.toUpperCase(), { align: "center" });
  doc.font("Helvetica-Bold").fontSize(12).fillColor("black").text(meta.kominfoName.toUpperCase(), { align: "center" });
  doc.font("Helvetica").fontSize(9).text(`Pusat Kendali Pengaduan ${meta.serviceName}`, { align: "center" });
  doc.moveDown(0.3);
  doc.moveTo(MARGIN, doc.y).lineTo(A4.width - MARGIN, doc.y).lineWidth(1.5).strokeColor("black").stroke();
  doc.moveDown(0.8);
  doc.font("Helvetica-Bold").fontSize(13).text("LAPORAN PENGELOLAAN PENGADUAN", { align: "center" });
  doc.font("Helvetica").fontSize(10.5).text(`${r.scope.agencyName}`, { align: "center" }).text(`Periode: ${r.period.label.id}`, { align: "center" });
  const filters = [r.filters.categoryName ? `Kategori: ${r.filters.categoryName}` : null, r.filters.channel ? `Kanal: ${r.filters.channel}` : null].filter(Boolean).join(" · ");
  if (filters) doc.text(filters, { align: "center" });
  doc.fontSize(8.5).fillColor("#555").text(`Dibuat ${DATE_ID.format(new Date(r.generatedAt))}; waktu dihitung dalam jam kerja kalender layanan.`, { align: "center" }).fillColor("black");

  heading("1. Ringkasan");
  const summary = summaryFigures(r);
  table(["Ukuran", "Nilai"], summary.map((f) => [f.id, formatId(f.value, f.format)]), [CONTENT * 0.7, CONTENT * 0.3], ["text", "right"]);
  chart(charts.trend, 190);

  heading("2. Ketepatan waktu per jam layanan");
  const cw = [0.19, 0.08, 0.09, 0.08, 0.08, 0.1, 0.09, 0.09, 0.09, 0.11].map((f) => CONTENT * f);
  table(CLOCK_COLUMNS.map((c) => c.id), r.clocks.map(clockCells), cw, ["text", "count", "count", "count", "share", "decimal", "decimal", "decimal", "decimal", "count"]);
  chart(charts.clocks, 80 + r.clocks.length * 34);

  heading("3. Per kategori");
  const bw = [0.25, 0.12, 0.12, 0.14, 0.13, 0.11, 0.13].map((f) => CONTENT * f);
  const bf: Format[] = ["text", "count", "count", "count", "count", "share", "decimal"];
  if (r.byCategory.length) chart(charts.categories, 80 + Math.min(8, r.byCategory.length) * 28);
  table(BREAKDOWN_COLUMNS.map((c) => c.id), r.byCategory.map((b) => breakdownCells(b)), bw, bf);

  heading("4. Per kanal");
  table(BREAKDOWN_COLUMNS.map((c) => c.id), r.byChannel.map((b) => breakdownCells(b, true)), bw, bf);

  heading("5. Topik teratas");
  if (r.topTopics.length) table(["Kategori", "Pengaduan"], r.topTopics.map((t) => [t.name, t.tickets]), [CONTENT * 0.7, CONTENT * 0.3], ["text", "count"]);
  else doc.font("Helvetica").fontSize(9).text("Belum ada pengaduan berkategori.");

  heading("6. Penilaian warga");
  chart(charts.ratings, 170);
  doc.font("Helvetica").fontSize(9).text(`Jumlah penilaian: ${formatId(r.ratings.count)}; rata-rata: ${formatId(r.ratings.average, "decimal")} dari 5.`);
  if (r.ratings.comments.length) {
    doc.moveDown(0.3);
    table(["Nomor tiket", "Nilai", "Komentar warga (data pribadi disamarkan)"], r.ratings.comments.map((c) => [c.ticketNumber, c.rating, c.comment]), [CONTENT * 0.2, CONTENT * 0.1, CONTENT * 0.7], ["text", "count", "text"]);
  }

  // Signature block: the OPD head (for an OPD's report) and the head of Kominfo.
  ensureSpace(150);
  doc.moveDown(3);
  const y = doc.y;
  const col = CONTENT / 2;
  const block = (x: number, title: string, name: string | null) => {
    doc.font("Helvetica").fontSize(9.5).text(title, x, y, { width: col - 10, align: "center" });
    doc.text(`(${name ?? "...................................."})`, x, y + 80, { width: col - 10, align: "center", underline: !!name });
    doc.text("NIP. ..............................", x, y + 94, { width: col - 10, align: "center" });
  };
  doc.font("Helvetica").fontSize(9.5).text(`${DATE_ID.format(new Date(r.generatedAt))}`, MARGIN + col, y - 14, { width: col - 10, align: "center" });
  if (r.scope.agencyId != null) block(MARGIN, `Mengetahui,\nKepala ${r.scope.agencyName}`, meta.agencyHead);
  block(MARGIN + col, `Kepala ${meta.kominfoName}`, meta.kominfoHead);

  // Page numbers.
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // The footer sits in the bottom margin: without lifting it, pdfkit would start a new page.
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.font("Helvetica").fontSize(8).fillColor("#555").text(`Halaman ${i + 1} dari ${range.count}`, MARGIN, A4.height - MARGIN + 10, { width: CONTENT, align: "right", lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  await ended;
  return Buffer.concat(chunks);
}
