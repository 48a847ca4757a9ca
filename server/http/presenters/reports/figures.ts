// The report's figures as labelled rows, once, for every format (CSV, XLSX, PDF) and the console:
// Bahasa Indonesia first, English beside it.
import type { AgencyReport, BreakdownRow, ClockRow } from "../../../queries/reports/agency-report.js";

export interface Figure {
  key: string;
  id: string;
  en: string;
  value: number | null;
  /** share: 0–1 shown as a percentage; decimal: two decimals. */
  format: "count" | "share" | "decimal";
}

export const CLOCK_LABELS: Record<ClockRow["kind"], { id: string; en: string }> = {
  verify_forward: { id: "Verifikasi & disposisi", en: "Verification & forwarding" },
  opd_followup: { id: "Tindak lanjut OPD", en: "Agency follow-up" },
  respond_citizen: { id: "Jawaban ke warga", en: "Reply to the citizen" },
  resolve_investigation: { id: "Penyelesaian pemeriksaan", en: "Investigation" },
  auto_close: { id: "Penutupan otomatis", en: "Automatic closing" },
  review_answer: { id: "Pemeriksaan jawaban", en: "Answer review" },
};

export const CHANNEL_LABELS: Record<string, string> = {
  sms: "SMS",
  voice: "Telepon",
  whatsapp: "WhatsApp",
  telegram: "Telegram",
  email: "E-mail",
  facebook: "Facebook",
  instagram: "Instagram",
  x: "X",
  web: "Web",
};

/** The summary: volumes, the follow-up clock, breaches and ratings. */
export function summaryFigures(r: AgencyReport): Figure[] {
  const c = (key: string, id: string, en: string, value: number | null): Figure => ({ key, id, en, value, format: "count" });
  return [
    c("tickets", "Pengaduan", "Complaints", r.volume.tickets),
    c("verified", "Terverifikasi", "Verified", r.volume.verified),
    c("rejected", "Ditolak", "Rejected", r.volume.rejected),
    c("forwarded", "Disposisi", "Forwards", r.volume.forwarded),
    c("answered", "Ditindaklanjuti", "Answered", r.volume.answered),
    c("returned", "Dikembalikan (bukan wewenang)", "Returned (not their authority)", r.volume.returned),
    c("open", "Disposisi belum dijawab", "Forwards not yet answered", r.volume.open),
    c("reopened", "Dibuka kembali", "Reopened", r.volume.reopened),
    { key: "followUpWithinShare", id: "Tindak lanjut tepat waktu", en: "Follow-ups on time", value: r.followUp.withinShare, format: "share" },
    { key: "followUpMedianDays", id: "Median tindak lanjut (hari kerja)", en: "Median follow-up (working days)", value: r.followUp.medianDays, format: "decimal" },
    { key: "followUpP90Days", id: "Persentil 90 tindak lanjut (hari kerja)", en: "90th percentile follow-up (working days)", value: r.followUp.p90Days, format: "decimal" },
    c("openBreaches", "Pelanggaran SLA terbuka", "Open SLA breaches", r.openBreaches),
    c("ratings", "Penilaian warga", "Citizen ratings", r.ratings.count),
    { key: "ratingAverage", id: "Rata-rata penilaian (1–5)", en: "Average rating (1–5)", value: r.ratings.average, format: "decimal" },
  ];
}

export const CLOCK_COLUMNS = [
  { key: "clock", id: "Jam layanan", en: "Clock" },
  { key: "clocks", id: "Jumlah", en: "Clocks" },
  { key: "decided", id: "Selesai/lewat", en: "Decided" },
  { key: "within", id: "Tepat waktu", en: "On time" },
  { key: "withinShare", id: "% tepat waktu", en: "% on time" },
  { key: "medianHours", id: "Median jam kerja", en: "Median working hours" },
  { key: "p90Hours", id: "P90 jam kerja", en: "P90 working hours" },
  { key: "medianDays", id: "Median hari kerja", en: "Median working days" },
  { key: "p90Days", id: "P90 hari kerja", en: "P90 working days" },
  { key: "openBreaches", id: "Pelanggaran terbuka", en: "Open breaches" },
] as const;

export const BREAKDOWN_COLUMNS = [
  { key: "name", id: "Nama", en: "Name" },
  { key: "tickets", id: "Pengaduan", en: "Complaints" },
  { key: "forwarded", id: "Disposisi", en: "Forwards" },
  { key: "answered", id: "Ditindaklanjuti", en: "Answered" },
  { key: "returned", id: "Dikembalikan", en: "Returned" },
  { key: "withinShare", id: "% tepat waktu", en: "% on time" },
  { key: "medianDays", id: "Median hari kerja", en: "Median working days" },
] as const;

export const clockCells = (c: ClockRow): (string | number | null)[] => [CLOCK_LABELS[c.kind].id, c.clocks, c.decided, c.within, c.withinShare, c.medianHours, c.p90Hours, c.medianDays, c.p90Days, c.openBreaches];
export const breakdownCells = (b: BreakdownRow, channel = false): (string | number | null)[] => [channel ? (CHANNEL_LABELS[b.name] ?? b.name) : b.name, b.tickets, b.forwarded, b.answered, b.returned, b.withinShare, b.medianDays];

const ID_NUMBER = new Intl.NumberFormat("id-ID", { maximumFractionDigits: 2 });
/** A figure as Indonesian text: "1.234", "2,5", "67%", "–" when there is none. */
export function formatId(value: number | null | undefined, format: Figure["format"] = "count"): string {
  if (value == null) return "–";
  if (format === "share") return `${ID_NUMBER.format(Math.round(value * 1000) / 10)}%`;
  return ID_NUMBER.format(value);
}

/** A file name for the report: laporan-dpu-2026-11.pdf, laporan-provinsi-2026-Q4.xlsx. */
export function reportFileName(r: AgencyReport, ext: string): string {
  const who = (r.scope.agencyCode ?? "provinsi").toLowerCase().replace(/[^a-z0-9-]+/g, "-");
  return `laporan-${who}-${r.period.key}.${ext}`;
}
