// PUBLIC presenter of the tracking page: labels in the page language, every text masked (the link
// may be forwarded to anyone, so even the citizen's own words are shown without NIK, phone
// numbers, e-mail addresses or their name).
import { maskPublicText } from "../../domain/privacy/mask.js";
import type { ClockKind } from "../../domain/sla/policy.js";
import { STATUS_LABELS } from "../../domain/ticket/lifecycle.js";
import type { TimelineKind, TrackingView } from "../../queries/tracking.js";

type Lang = "id" | "en";
const L = (lang: Lang, id: string, en: string) => (lang === "en" ? en : id);

function timelineLabel(lang: Lang, kind: TimelineKind, agencies: string, rating?: number): string {
  switch (kind) {
    case "received":
      return L(lang, "Pengaduan diterima", "Complaint received");
    case "verified":
      return L(lang, "Diverifikasi oleh pusat kendali", "Verified by the command center");
    case "forwarded":
      return L(lang, `Diteruskan ke ${agencies}`, `Forwarded to ${agencies}`);
    case "acknowledged":
      return L(lang, `${agencies} mulai menindaklanjuti`, `${agencies} started working on it`);
    case "answered":
      return L(lang, `Tanggapan dari ${agencies}`, `Answer from ${agencies}`);
    case "returned":
      return L(lang, `${agencies} menyatakan bukan wewenangnya; pusat kendali meneruskan ke OPD yang tepat`, `${agencies} said it is not its authority; the command center forwards it to the right agency`);
    case "waiting":
      return L(lang, "Petugas menunggu informasi tambahan dari Anda", "Waiting for more information from you");
    case "citizen_info":
      return L(lang, "Anda menambahkan informasi", "You added information");
    case "resolved":
      return L(lang, "Dinyatakan selesai", "Marked resolved");
    case "closed":
      return L(lang, "Ditutup", "Closed");
    case "reopened":
      return L(lang, "Dibuka kembali", "Reopened");
    case "rejected":
      return L(lang, "Ditolak", "Rejected");
    case "merged":
      return L(lang, "Digabung dengan laporan warga lain tentang masalah yang sama: perkembangan dan jawabannya tampil di sini", "Grouped with other citizens' reports of the same problem: its progress and answer show here");
    case "rated":
      return L(lang, `Anda memberi nilai ${rating ?? "-"}/5`, `You rated the answer ${rating ?? "-"}/5`);
  }
}

function nextLabel(lang: Lang, kind: ClockKind, agency: string | null): string {
  switch (kind) {
    case "verify_forward":
      return L(lang, "verifikasi dan penerusan ke OPD", "verification and forwarding to the agency");
    case "opd_followup":
      return L(lang, `tindak lanjut oleh ${agency ?? "OPD"}`, `follow-up by ${agency ?? "the agency"}`);
    case "respond_citizen":
      return L(lang, "tanggapan kepada Anda", "an answer to you");
    case "resolve_investigation":
      return L(lang, "penyelesaian", "resolution");
    case "auto_close":
      return L(lang, "pengaduan ditutup otomatis bila tidak ada sanggahan", "the complaint closes automatically unless you dispute the answer");
    case "review_answer":
      return L(lang, "pemeriksaan jawaban oleh pusat kendali", "the command center's check of the answer");
  }
}

export function presentTracking(v: TrackingView, lang: Lang) {
  const mask = (s: string) => maskPublicText(s, { names: v.reporterNames, locale: lang });
  return {
    number: v.number,
    subject: mask(v.subject),
    description: mask(v.description),
    statusLabel: STATUS_LABELS[v.status][lang],
    category: v.category ? (lang === "en" && v.category.nameEn ? v.category.nameEn : v.category.name) : null,
    timeline: v.timeline.map((e) => ({ at: e.at, label: timelineLabel(lang, e.kind, e.agencies.join(", "), e.rating), text: e.text ? mask(e.text) : null })),
    nextStep: !v.nextStep
      ? null
      : v.nextStep.kind === "paused"
        ? { label: L(lang, "kirim informasi yang diminta; waktu penyelesaian berhenti sampai Anda membalas", "send the information asked for; the clock stops until you reply"), dueAt: null }
        : { label: nextLabel(lang, v.nextStep.kind, v.nextStep.agency), dueAt: v.nextStep.dueAt },
    canAddInfo: v.canAddInfo,
    canConfirm: v.canConfirm,
    disputeUntil: v.disputeUntil,
    canRate: v.canRate,
    rating: v.rating ? { rating: v.rating.rating, comment: v.rating.comment ? mask(v.rating.comment) : null } : null,
  };
}
