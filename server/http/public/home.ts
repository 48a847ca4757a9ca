// / — the front door: what this service is and for whom, big links to report, track, read the
// public reports and the agencies' performance, a discreet link for staff; in demo mode also the
// demo logins and the citizen's phone sandbox. /favicon.ico beside it.
import express, { type Router } from "express";
import { DEMO_PASSWORD, DEMO_USERS } from "../../demo/demo-data.js";
import type { AppDeps } from "../types.js";
import { sendStored } from "./stored-asset.js";
import { brandOf, cachePublic, esc, label, langOf, page, publicSecurityHeaders, selfOf, sendHtml, type Lang } from "./layout.js";

/** Every label of the front door, [Bahasa Indonesia, English]. */
export const HOME_LABELS = {
  title: ["Layanan pengaduan masyarakat", "Public complaints service"],
  heading: ["Sampaikan keluhan Anda, kami teruskan ke yang berwenang", "Tell us what is wrong; we pass it to those responsible"],
  intro: [
    "Layanan resmi bagi warga untuk menyampaikan pengaduan, aspirasi dan permintaan informasi tentang layanan publik. Petugas pusat kendali memeriksa setiap pengaduan, meneruskannya ke Organisasi Perangkat Daerah (OPD) yang berwenang, dan memantau batas waktu tindak lanjutnya.",
    "The official service for citizens to report complaints, suggestions and requests for information about public services. The command center checks every complaint, forwards it to the regional agency (OPD) responsible, and watches its follow-up deadlines.",
  ],
  services: ["Layanan", "Services"],
  lapor: ["Sampaikan pengaduan", "Submit a complaint"],
  laporText: ["Isi formulir singkat, boleh dengan foto. Anda mendapat nomor dan tautan pelacakan.", "Fill in a short form, with photos if you like. You get a number and a tracking link."],
  lacak: ["Lacak pengaduan", "Track a complaint"],
  lacakText: ["Lihat status dan tanggapan dengan tautan atau nomor pengaduan Anda.", "See the status and the answer with your link or complaint number."],
  laporan: ["Laporan publik", "Public reports"],
  laporanText: ["Baca pengaduan warga yang sudah diverifikasi beserta tanggapan OPD.", "Read verified complaints and the agencies' answers."],
  kinerja: ["Kinerja OPD", "Agency performance"],
  kinerjaText: ["Seberapa cepat setiap OPD menindaklanjuti pengaduan, per bulan.", "How quickly each agency follows up complaints, month by month."],
  channels: [
    "Anda juga dapat melapor lewat SMS, telepon, WhatsApp, Telegram, e-mail atau akun media sosial resmi pemerintah provinsi. Identitas Anda dilindungi: pilih publik, anonim atau rahasia.",
    "You can also report by SMS, phone, WhatsApp, Telegram, e-mail or the province's official social media accounts. Your identity is protected: choose public, anonymous or confidential.",
  ],
  how: ["Bagaimana pengaduan ditangani", "How a complaint is handled"],
  step1: ["Anda melapor dan menerima nomor pengaduan.", "You report and receive a complaint number."],
  step2: ["Petugas memverifikasi dan meneruskannya ke OPD yang berwenang.", "Staff verify it and forward it to the agency responsible."],
  step3: ["OPD menindaklanjuti dalam batas waktu hari kerja.", "The agency follows up within a deadline in working days."],
  step4: ["Anda dikabari, dapat menanggapi dan memberi nilai.", "You are told, and can reply and rate the answer."],
  demoTitle: ["Mode demo", "Demo mode"],
  demoText: [
    "Ini adalah demo dengan data contoh. Masuk ke konsol petugas dengan salah satu akun berikut; kata sandi semua akun:",
    "This is a demo with sample data. Sign in to the staff console with one of these accounts; the password of every account is:",
  ],
  demoPhone: ["Buka ponsel warga (simulasi)", "Open the citizen's phone (sandbox)"],
  demoPhoneText: [
    "Kirim pengaduan sebagai warga lewat SMS, WhatsApp, Telegram dan lainnya, lalu lihat apa yang diterima warga. Tidak ada pesan yang keluar dari server ini.",
    "Send a complaint as a citizen by SMS, WhatsApp, Telegram and more, and see what the citizen receives. No message leaves this server.",
  ],
  demoConsole: ["Buka konsol petugas", "Open the staff console"],
  email: ["E-mail", "E-mail"],
  role: ["Peran", "Role"],
  name: ["Nama", "Name"],
} as const satisfies Record<string, readonly [string, string]>;

/** Role names as the console says them (console/src/i18n/messages.ts), for the demo logins. */
const ROLE_LABELS: Record<(typeof DEMO_USERS)[number]["role"], readonly [string, string]> = {
  admin: ["Admin", "Admin"],
  supervisor: ["Kepala pelaksana harian", "Supervisor"],
  operator: ["Operator", "Operator"],
  opd_head: ["Kepala OPD", "Head of agency"],
  opd_staff: ["Staf OPD", "Agency staff"],
  layar: ["Layar pusat kendali", "Command center wall"],
};

/** The demo's logins; the citizen's phone only where the provider sandbox runs (else /demo is 404). */
function demoSection(lang: Lang, sandbox: boolean): string {
  const L = (l: readonly [string, string]) => label(lang, l);
  const H = HOME_LABELS;
  const rows = DEMO_USERS.map(
    (u) => `<tr><th scope="row" data-label="${L(H.email)}"><code>${esc(u.email)}</code></th><td data-label="${L(H.role)}">${esc(L(ROLE_LABELS[u.role]))}${u.agency ? ` · ${esc(u.agency)}` : ""}</td><td data-label="${L(H.name)}">${esc(u.name)}</td></tr>`,
  ).join("");
  return `<section class="demo" aria-labelledby="demo"><h2 id="demo">${L(H.demoTitle)}</h2>
${sandbox ? `<p>${L(H.demoPhoneText)}</p><p><a class="btn" href="/demo/warga">${L(H.demoPhone)}</a></p>` : ""}
<p>${L(H.demoText)} <code class="nowrap">${esc(DEMO_PASSWORD)}</code></p>
<table class="cards"><thead><tr><th scope="col">${L(H.email)}</th><th scope="col">${L(H.role)}</th><th scope="col">${L(H.name)}</th></tr></thead><tbody>${rows}</tbody></table>
<p><a href="/console/">${L(H.demoConsole)} →</a></p></section>`;
}

export function homePage(deps: AppDeps, lang: Lang, self: string): string {
  const brand = brandOf(deps.config);
  const L = (l: readonly [string, string]) => label(lang, l);
  const H = HOME_LABELS;
  const province = brand.province ? (lang === "en" ? brand.province.en : brand.province.id) : null;
  const tile = (href: string, title: readonly [string, string], text: readonly [string, string], main = false) =>
    `<li><a class="tile${main ? " main" : ""}" href="${href}"><strong>${L(title)}</strong>${L(text)}</a></li>`;
  const hero = `<div class="hero"><div class="wrap"><h1>${L(H.heading)}</h1><p>${L(H.intro)}</p></div></div>`;
  const body = `<h2 class="hp">${L(H.services)}</h2><ul class="tiles">${tile("/lapor", H.lapor, H.laporText, true)}${tile("/lacak", H.lacak, H.lacakText)}${tile("/laporan", H.laporan, H.laporanText)}${tile("/kinerja", H.kinerja, H.kinerjaText)}</ul>
<p>${L(H.channels)}</p>
<h2>${L(H.how)}</h2><ol class="steps"><li>${L(H.step1)}</li><li>${L(H.step2)}</li><li>${L(H.step3)}</li><li>${L(H.step4)}</li></ol>
${deps.config.demoData ? demoSection(lang, Boolean(deps.sandbox)) : ""}`;
  return page({ brand, lang, self, title: province ? `${L(H.title)} — ${province}` : L(H.title), hero, body });
}

/** GET / and GET /favicon.ico, with the public pages' security headers. */
export function homeRoutes(deps: AppDeps): Router {
  const router = express.Router();
  router.get("/", publicSecurityHeaders, (req, res) => {
    const lang = langOf(req, res);
    cachePublic(res, 300);
    sendHtml(res, 200, homePage(deps, lang, selfOf(req)));
  });
  router.get("/favicon.ico", publicSecurityHeaders, (req, res) => {
    sendStored(req, res, brandOf(deps.config).favicon, 86400);
  });
  return router;
}
