// PUBLIC presenters: the only way report data reaches a public page, feed, download or Open311
// answer. Every free text passed maskPublicText with the reporter's names (when its public row was
// written, queries/public-reports.ts); the reporter is never
// named (publik and anonim alike); internal fields (ids of people, notes, instructions, contact
// details, privacy level) have no field here to leak through.
import { localizeMaskTokens, type MaskLocale } from "../../domain/privacy/mask.js";
import { STATUS_LABELS, type TicketStatus } from "../../domain/ticket/lifecycle.js";
import type { PublicReportRow } from "../../queries/public-reports.js";

export interface PublicReport {
  number: string;
  subject: string;
  description: string;
  status: TicketStatus;
  statusLabel: string;
  category: string | null;
  categoryCode: string | null;
  agencies: { code: string; name: string }[];
  answers: { agency: string; agencyCode: string; at: string; text: string }[];
  location: string | null;
  /** Open311 address_id as the partner gave it (a registry id, not text to mask). */
  addressId: string | null;
  latitude: number | null;
  longitude: number | null;
  receivedAt: string;
  updatedAt: string;
  /** Approved photos (EXIF-free copies): the problem (before) and the fix (after), with alt text. */
  photos: PublicPhotoView[];
}

export interface PublicPhotoView {
  stage: "before" | "after";
  /** Site-relative URLs of the larger copy and the small one. */
  url: string;
  thumbUrl: string;
  alt: string;
  width: number;
  height: number;
  thumbWidth: number;
  thumbHeight: number;
}

/** The public path of an approved photo's copy (served by /laporan/:number/foto/:file). */
export const publicPhotoPath = (number: string, photoId: number, small = false) => `/laporan/${encodeURIComponent(number)}/foto/${photoId}${small ? "-kecil" : ""}.jpg`;

const PHOTO_ALT = {
  before: { id: "Foto kondisi sebelum ditangani, dari pelapor", en: "Photo of the problem before it was handled, from the reporter" },
  after: { id: "Foto hasil penanganan dari OPD", en: "Photo of the result from the agency" },
} as const;

export function presentPublicReport(r: PublicReportRow, lang: MaskLocale = "id"): PublicReport {
  // The row's texts were masked with the reporter's names when it was written (queries/public-reports.ts):
  // only the tokens follow the page's language here.
  const mask = (s: string) => localizeMaskTokens(s, lang);
  return {
    number: r.number,
    subject: mask(r.subject),
    description: mask(r.description),
    status: r.status,
    statusLabel: STATUS_LABELS[r.status][lang],
    category: r.category ? (lang === "en" && r.category.nameEn ? r.category.nameEn : r.category.name) : null,
    categoryCode: r.category?.code ?? null,
    agencies: r.agencies,
    answers: r.answers.map((a) => ({ agency: a.agencyName, agencyCode: a.agencyCode, at: a.at.toISOString(), text: mask(a.text) })),
    location: r.locationText ? mask(r.locationText) : null,
    addressId: r.addressId,
    latitude: r.latitude != null ? Number(r.latitude) : null,
    longitude: r.longitude != null ? Number(r.longitude) : null,
    receivedAt: r.receivedAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    photos: r.photos.map((p, i) => ({
      stage: p.stage,
      url: publicPhotoPath(r.number, p.id),
      thumbUrl: publicPhotoPath(r.number, p.id, true),
      alt: `${PHOTO_ALT[p.stage][lang]} (${r.number}, ${i + 1})`,
      width: p.width,
      height: p.height,
      thumbWidth: p.thumbWidth,
      thumbHeight: p.thumbHeight,
    })),
  };
}

/** The flat record of the open-data downloads (CSV and JSON carry the same fields). */
export function presentOpenDataRecord(r: PublicReportRow) {
  const p = presentPublicReport(r, "id");
  return {
    nomor: p.number,
    diterima: p.receivedAt,
    diperbarui: p.updatedAt,
    status: p.status,
    status_label: p.statusLabel,
    kategori: p.category ?? "",
    opd: p.agencies.map((a) => a.name).join("; "),
    judul: p.subject,
    uraian: p.description,
    lokasi: p.location ?? "",
    tanggapan: p.answers.map((a) => `${a.agency}: ${a.text}`).join("\n\n"),
  };
}
export const OPEN_DATA_FIELDS = ["nomor", "diterima", "diperbarui", "status", "status_label", "kategori", "opd", "judul", "uraian", "lokasi", "tanggapan"] as const;
