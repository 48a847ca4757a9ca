import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { containsPii, findPii, MASK_TOKENS, maskPublicText } from "./mask.js";

const NIK = MASK_TOKENS.id.nik;
const TEL = MASK_TOKENS.id.phone;
const EMAIL = MASK_TOKENS.id.email;
const NAMA = MASK_TOKENS.id.name;

const NAMES = ["Budi Santoso", "Siti Nurhaliza"];

/** [input, expected, names?] — names default to NAMES. */
const TABLE: [string, string, string[]?][] = [
  // NIK
  ["NIK saya 3201012345670001", `NIK saya ${NIK}`],
  ["NIK: 3201 0123 4567 0001.", `NIK: ${NIK}.`],
  ["3201.0123.4567.0001", NIK],
  ["no ktp 3201-0123-4567-0001 a.n. pelapor", `no ktp ${NIK} a.n. pelapor`],
  ["NIK3201012345670001", `NIK${NIK}`],
  ["NIK 320101 234567 0001", `NIK ${NIK}`],
  ["KTP: 3201 0123.4567-0001", `KTP: ${NIK}`],
  ["NIK 320101234567000 (kurang satu digit)", `NIK ${NIK} (kurang satu digit)`],
  ["KK 3273-0123-4567-0002 dan NIK 3273012345670003", `KK ${NIK} dan NIK ${NIK}`],
  ["NPWP 01.234.567.8-901.000", `NPWP ${NIK}`],
  // Indonesian mobile numbers
  ["hubungi 08123456789", `hubungi ${TEL}`],
  ["hp 0812-3456-789 ya", `hp ${TEL} ya`],
  ["0812 3456 7890", TEL],
  ["WA: +62 812 3456 7890.", `WA: ${TEL}.`],
  ["+62-812-3456-7890", TEL],
  ["6281234567890", TEL],
  ["62 812 3456 7890", TEL],
  ["0812.3456.7890", TEL],
  ["0812 - 3456 - 7890", TEL],
  ["(+62) 812 3456 7890", TEL],
  ["+62 (0) 812-3456-7890", TEL],
  ["(08123456789)", `(${TEL})`],
  ["0 8 1 2 3 4 5 6 7 8 9", TEL],
  ["0812\u200b3456\u200b7890", TEL],
  ["０８１２３４５６７８９", TEL],
  ["HP08123456789", `HP${TEL}`],
  ["https://wa.me/6281234567890", `https://wa.me/${TEL}`],
  ["hp saya 812345678", `hp saya ${TEL}`],
  ["08123456789/08129876543", `${TEL}/${TEL}`],
  ["0812-3456-7890-0813-9876-5432", `${TEL}-${TEL}`],
  // Landlines
  ["Kantor (021) 555-1234", `Kantor ${TEL}`],
  ["021-5551234", TEL],
  ["+6221 5551234", TEL],
  ["+62 21 5551 234", TEL],
  ["021.555.1234", TEL],
  ["(0274) 512345 atau 0274-512345", `${TEL} atau ${TEL}`],
  ["kontak: 022 1234 567 (kantor)", `kontak: ${TEL} (kantor)`],
  ["(021)5551234", TEL],
  // International
  ["+1 (555) 123-4567", TEL],
  ["+44 20 7946 0958", TEL],
  ["(555) 123-4567", TEL],
  ["555-123-4567", TEL],
  ["+60 12-345 6789", TEL],
  // E-mail
  ["email budi.santoso@gmail.com ya", `email ${EMAIL} ya`],
  ["BUDI.SANTOSO@GMAIL.COM", EMAIL],
  ["kirim ke x.y+aduan@Mail.Example.CO.ID.", `kirim ke ${EMAIL}.`],
  ["ani_87 [at] mail [dot] com", EMAIL],
  ["ani_87(at)mail.com", EMAIL],
  ["ani_87 at mail dot com", EMAIL],
  ["ani_87 at gmail.com", EMAIL],
  ["ani_87 @ gmail . com", EMAIL],
  ["ani_87[@]yahoo[.]co[.]id", EMAIL],
  ["ani titik s87 at yahoo titik co titik id", EMAIL],
  ["surel: ani87@kantor.jabarprov.go.id, terima kasih", `surel: ${EMAIL}, terima kasih`],
  ["ani87@gmail", EMAIL],
  ["ani.87@posko.technology", EMAIL],
  // Names
  ["Saya Budi Santoso dari Bandung", `Saya ${NAMA} dari Bandung`],
  ["BUDI SANTOSO", NAMA],
  ["budi santoso", NAMA],
  ["Pak Budi sudah datang", `Pak ${NAMA} sudah datang`],
  ["Bu Siti belum dapat jawaban", `Bu ${NAMA} belum dapat jawaban`],
  ["Budinya tidak ada", `${NAMA} tidak ada`],
  ["rumah Budi's", `rumah ${NAMA}`],
  ["B u d i melapor", `${NAMA} melapor`],
  ["B.U.D.I", `${NAMA}`],
  ["Santoso, B.", `${NAMA}, B.`],
  ["B. Santoso", NAMA],
  ["Sdr. Bùdí Sàntòsó", `Sdr. ${NAMA}`],
  ["Ｂｕｄｉ", NAMA],
  ["Budiman dan Subudi bukan pelapor", "Budiman dan Subudi bukan pelapor"],
  ["budi123 di twitter", `${NAMA}123 di twitter`],
  ["Indah Permata Sari melapor", `${NAMA} melapor`, ["Indah Permata Sari"]],
  ["jalannya indah, taman sari asri", "jalannya indah, taman sari asri", ["Indah Permata Sari"]],
  ["Bu Indah sudah menelepon", `Bu ${NAMA} sudah menelepon`, ["Indah Permata Sari"]],
  ["Ma'ruf dan Maruf", `${NAMA} dan ${NAMA}`, ["Ahmad Ma'ruf"]],
  ["Siti Nur-Aisyah", NAMA, ["Siti Nur Aisyah"]],
  ["M. Rizky Al Fatih", NAMA, ["M. Rizky Al-Fatih"]],
  ["Fatih, budi_s87", `${NAMA}, ${NAMA}`, ["Al Fatih", "budi_s87"]],
  ["Al datang", "Al datang", ["Al"]],
  ["nama saya Nama", "nama saya Nama", ["Nama"]],
  ["Dewi Lestari, Bu Lestari, Dewi datang, hutan lestari", `${NAMA}, Bu ${NAMA}, ${NAMA} datang, hutan lestari`, ["Dewi Lestari"]],
  // Mixed
  [
    "Saya Budi (NIK 3201012345670001), hp 0812-3456-7890, email budi@gmail.com",
    `Saya ${NAMA} (NIK ${NIK}), hp ${TEL}, email ${EMAIL}`,
  ],
  ["1. 08123456789 2. 08129876543", `1. ${TEL} 2. ${TEL}`],
  ["kamar 12 08123456789 lalu 12-05-2026 10.30 08129876543", `kamar 12 ${TEL} lalu 12-05-2026 10.30 ${TEL}`],
  ["40115 022-1234567", `40115 ${TEL}`],
  ["Rp 50.000 08123456789", `Rp 50.000 ${TEL}`],
  // Not personal data: stays as written
  ["Tanggal 12-05-2026 dan 2026-11-23", "Tanggal 12-05-2026 dan 2026-11-23"],
  ["12.05.2026, 12/05/2026, 1-1-26", "12.05.2026, 12/05/2026, 1-1-26"],
  ["2026-11-23 10:30:00 dan 12-05-2026 10.30", "2026-11-23 10:30:00 dan 12-05-2026 10.30"],
  ["pukul 10.30-12.00, jam 08.00 - 16.00 WIB", "pukul 10.30-12.00, jam 08.00 - 16.00 WIB"],
  ["tiket ADU-2611-00042 dan #ADU-2611-00042", "tiket ADU-2611-00042 dan #ADU-2611-00042"],
  ["nomor tiket 2611-00042, no. ADU 2611 00042", "nomor tiket 2611-00042, no. ADU 2611 00042"],
  ["biaya Rp 1.500.000 dan Rp1.500.000,-", "biaya Rp 1.500.000 dan Rp1.500.000,-"],
  ["IDR 2.500.000.000 5.000.000.000 Rp. 150.000,00", "IDR 2.500.000.000 5.000.000.000 Rp. 150.000,00"],
  ["anggaran 2.500.000.000 rupiah, 1,5 juta", "anggaran 2.500.000.000 rupiah, 1,5 juta"],
  ["Rp 62.500.000.000", "Rp 62.500.000.000"],
  ["harga 150.000-200.000 per bulan, 1.500.000 - 2.000.000", "harga 150.000-200.000 per bulan, 1.500.000 - 2.000.000"],
  ["RT 03/RW 05, RT.003 RW.005, RT 3 RW 5", "RT 03/RW 05, RT.003 RW.005, RT 3 RW 5"],
  ["Jl. Merdeka No. 12A, Kav. 52-53, Bandung 40115", "Jl. Merdeka No. 12A, Kav. 52-53, Bandung 40115"],
  ["tahun 2019-2024, tahun 2025 2026", "tahun 2019-2024, tahun 2025 2026"],
  ["sebanyak 1.234 orang, 3 kali, 45 hari", "sebanyak 1.234 orang, 3 kali, 45 hari"],
  ["koordinat -6.914744, 107.609810", "koordinat -6.914744, 107.609810"],
  ["surat nomor 012/345/2026", "surat nomor 012/345/2026"],
  ["call center 112 dan 14045", "call center 112 dan 14045"],
  ["kamar 101 102 103", "kamar 101 102 103"],
  ["look at google.com and meet at 10", "look at google.com and meet at 10"],
  ["mention @budi_s di Instagram", "mention @budi_s di Instagram", []],
  ["Terima kasih atas tanggapannya", "Terima kasih atas tanggapannya"],
];

describe("maskPublicText: table", () => {
  it("has at least 60 cases", () => assert.ok(TABLE.length >= 60, String(TABLE.length)));
  for (const [input, expected, names] of TABLE) {
    it(JSON.stringify(input), () => {
      assert.equal(maskPublicText(input, { names: names ?? NAMES }), expected);
    });
  }
});

describe("maskPublicText: options and contracts", () => {
  it("uses English tokens for the English page", () => {
    assert.equal(
      maskPublicText("Budi 08123456789 budi@gmail.com 3201012345670001", { names: ["Budi"], locale: "en" }),
      "[name hidden] [phone number hidden] [email hidden] [ID number hidden]",
    );
  });

  it("is idempotent and never masks its own tokens", () => {
    const once = maskPublicText("Nama Disamarkan, 08123456789", { names: ["Nama Disamarkan", "Telepon"] });
    assert.equal(once, `${NAMA}, ${TEL}`);
    assert.equal(maskPublicText(once, { names: ["Nama Disamarkan", "Telepon"] }), once);
    assert.equal(maskPublicText(once, { names: ["Nama Disamarkan"], locale: "en" }), once);
  });

  it("leaves official contacts readable when they are listed as public", () => {
    const answer = "Silakan hubungi call center (022) 423-2448 atau pengaduan@jabarprov.go.id, bukan 0812-3456-7890.";
    assert.equal(
      maskPublicText(answer, { publicContacts: ["+62 22 4232448", "Pengaduan@JabarProv.go.id"] }),
      `Silakan hubungi call center (022) 423-2448 atau pengaduan@jabarprov.go.id, bukan ${TEL}.`,
    );
    assert.equal(maskPublicText(answer), `Silakan hubungi call center ${TEL} atau ${EMAIL}, bukan ${TEL}.`);
  });

  it("ignores empty and missing names", () => {
    assert.equal(maskPublicText("Budi ada", { names: ["", "  ", null, undefined] }), "Budi ada");
    assert.equal(maskPublicText("Budi ada"), "Budi ada");
    assert.equal(maskPublicText(""), "");
  });

  it("merges overlapping findings into one token of the strongest kind", () => {
    assert.equal(maskPublicText("budi.santoso@gmail.com", { names: ["Budi Santoso"] }), EMAIL);
    assert.equal(maskPublicText("08123456789@gmail.com"), EMAIL);
  });

  it("findPii reports kinds and positions", () => {
    const text = "Budi: 0812-3456-7890, x@y.id";
    assert.deepEqual(findPii(text, { names: ["Budi"] }), [
      { kind: "name", start: 0, end: 4 },
      { kind: "phone", start: 6, end: 20 },
      { kind: "email", start: 22, end: 28 },
    ]);
  });

  it("containsPii is true exactly when masking changes the text", () => {
    for (const [input, expected, names] of TABLE) {
      const opts = { names: names ?? NAMES };
      assert.equal(containsPii(input, opts), expected !== input, input);
      assert.equal(containsPii(maskPublicText(input, opts), opts), false, input);
    }
  });

  it("handles long texts quickly", () => {
    const chunk = "Jalan rusak di RT 03/RW 05 sejak 12-05-2026, hubungi Budi di 0812-3456-7890 atau budi@gmail.com. ";
    const text = chunk.repeat(500);
    const started = performance.now();
    const out = maskPublicText(text, { names: NAMES });
    assert.ok(performance.now() - started < 2000);
    assert.equal(out.split(TEL).length - 1, 500);
  });
});

// ---- property-ish: generated personal data in generated sentences ------------------------

function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const digits = (r: Rng, n: number) => Array.from({ length: n }, () => Math.floor(r() * 10)).join("");
const chunks = (s: string, sizes: number[]) => {
  const out: string[] = [];
  let at = 0;
  for (const n of sizes) {
    if (at >= s.length) break;
    out.push(s.slice(at, at + n));
    at += n;
  }
  if (at < s.length) out.push(s.slice(at));
  return out;
};
const fullWidth = (s: string) => s.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)));

interface Generated {
  text: string;
  /** Digits (or lower-case strings) that must not be readable after masking. */
  secret: string;
  kind: "number" | "email" | "name";
}

function genNik(r: Rng): Generated {
  const nik = pick(r, ["11", "12", "31", "32", "33", "35", "36", "51", "61", "64", "73", "81", "94"]) + digits(r, 14);
  const spelling = pick(r, [
    () => nik,
    () => chunks(nik, [4, 4, 4, 4]).join(" "),
    () => chunks(nik, [4, 4, 4, 4]).join("."),
    () => chunks(nik, [4, 4, 4, 4]).join("-"),
    () => chunks(nik, [6, 6, 4]).join(" "),
    () => chunks(nik, [2, 2, 2, 6, 4]).join("."),
    () => `NIK: ${nik}`,
  ]);
  return { text: spelling(), secret: nik, kind: "number" };
}

function genMobile(r: Rng): Generated {
  const national = `08${pick(r, ["1", "2", "3", "5", "7", "8", "9"])}${digits(r, 7 + Math.floor(r() * 4))}`;
  const rest = national.slice(1);
  const sep = pick(r, ["-", " ", ".", " - ", "\u00a0"]);
  const spelling = pick(r, [
    () => national,
    () => chunks(national, [4, 4, 4]).join(sep),
    () => chunks(national, [4, 3, 3, 3]).join(sep),
    () => `+62${rest}`,
    () => `+62 ${chunks(rest, [3, 4, 4]).join(" ")}`,
    () => `+62-${chunks(rest, [3, 4, 4]).join("-")}`,
    () => `62${rest}`,
    () => `(+62) ${chunks(rest, [3, 4, 4]).join(" ")}`,
    () => `+62 (0)${rest}`,
    () => [...national].join(" "),
    () => chunks(national, [4, 4, 4]).join("\u200b"),
    () => fullWidth(national),
  ]);
  return { text: spelling(), secret: national.slice(-6), kind: "number" };
}

function genLandline(r: Rng): Generated {
  const area = pick(r, ["21", "22", "31", "274", "361", "411", "967"]);
  const sub = area.length === 2 ? `${1 + Math.floor(r() * 9)}${digits(r, 6 + Math.floor(r() * 2))}` : `${1 + Math.floor(r() * 9)}${digits(r, 5 + Math.floor(r() * 2))}`;
  const spelling = pick(r, [
    () => `(0${area}) ${chunks(sub, [3, 4]).join("-")}`,
    () => `0${area}-${sub}`,
    () => `+62 ${area} ${sub}`,
    () => `+62${area}${sub}`,
    () => `0${area}.${chunks(sub, [3, 4]).join(".")}`,
    () => `0${area} ${chunks(sub, [3, 4]).join(" ")}`,
  ]);
  return { text: spelling(), secret: sub.slice(-5), kind: "number" };
}

const FIRST = ["budi", "siti", "agus", "dewi", "rahmat", "wahyu", "yuni", "eko", "rina", "fajar"];
const LAST = ["santoso", "lestari", "hidayat", "wibowo", "saputra", "kurniawan", "pratama"];
const DOMAINS = ["gmail.com", "yahoo.co.id", "mail.com", "diskominfo.jabarprov.go.id", "example.org", "ui.ac.id", "outlook.com"];

function genEmail(r: Rng): Generated {
  const local = `${pick(r, FIRST)}${pick(r, ["", ".", "_", "-"])}${pick(r, LAST)}${digits(r, 2)}`;
  const tag = pick(r, ["", "", "+aduan", "+lapor2026"]);
  const domain = pick(r, DOMAINS);
  const spelling = pick(r, [
    () => `${local}${tag}@${domain}`,
    () => `${local}${tag}@${domain}`.toUpperCase(),
    () => `${local} [at] ${domain.replace(/\./g, " [dot] ")}`,
    () => `${local}(at)${domain}`,
    () => `${local} at ${domain.replace(/\./g, " dot ")}`,
    () => `${local} AT ${domain.replace(/\./g, " DOT ")}`,
    () => `${local} @ ${domain.replace(/\./g, " . ")}`,
    () => `${local}[@]${domain}`,
    () => `${local} (at) ${domain.replace(/\./g, " (dot) ")}`,
    () => `${local} at ${domain.replace(/\./g, " titik ")}`,
    () => `${local}{at}${domain.replace(/\./g, "{dot}")}`,
  ]);
  return { text: spelling(), secret: local.toLowerCase(), kind: "email" };
}

const PERSON_FIRST = ["Wahyudi", "Sulastri", "Darmawan", "Kusnadi", "Yuliana", "Suryani", "Hendrawan", "Rusmini"];
const PERSON_LAST = ["Simanjuntak", "Nainggolan", "Wirawan", "Syahputra", "Tanjung", "Siregar"];

function genName(r: Rng): Generated & { name: string } {
  const first = pick(r, PERSON_FIRST);
  const last = pick(r, PERSON_LAST);
  const name = `${first} ${last}`;
  const target = pick(r, [first, last]);
  const spelling = pick(r, [
    () => name,
    () => name.toUpperCase(),
    () => name.toLowerCase(),
    () => `Pak ${target}`,
    () => `Bu ${target}`,
    () => `${target}nya`,
    () => [...target].join(" "),
    () => [...target.toUpperCase()].join("."),
    () => `${first[0]}. ${last}`,
    () => target.replace(/a/g, "á").replace(/u/g, "ü"),
  ]);
  return { text: spelling(), secret: target.toLowerCase(), kind: "name", name };
}

/** Sentences with a slot and the ordinary content around it that must survive. */
const TEMPLATES: { text: string; keep: string[] }[] = [
  { text: "Mohon bantuannya, nomor saya {x}, jalan di RT 03/RW 05 rusak sejak 12-05-2026.", keep: ["RT 03/RW 05", "12-05-2026"] },
  { text: "Sudah lapor via tiket ADU-2611-00042 tapi belum ada tanggapan, hubungi {x} ya.", keep: ["ADU-2611-00042"] },
  { text: "Saya warga Kel. Sukajadi, {x}, biaya perbaikan Rp 1.500.000 ditanggung warga.", keep: ["Rp 1.500.000"] },
  { text: "{x} adalah kontak saya. Kejadian tanggal 2026-11-23 pukul 10.30.", keep: ["2026-11-23", "10.30"] },
  { text: "Data pelapor: {x}. Rumah No. 12, kode pos 40115, sejak tahun 2019.", keep: ["No. 12", "40115", "2019"] },
  { text: "Tolong dicek ({x}) karena sudah 3 kali ke kantor.", keep: ["3 kali"] },
  { text: "Anggaran 2.500.000.000 rupiah tidak jelas, silakan konfirmasi ke {x}", keep: ["2.500.000.000 rupiah"] },
  { text: "{x}", keep: [] },
  { text: "Info lebih lanjut:\n{x}\nTerima kasih.", keep: ["Terima kasih"] },
  { text: "pagi min,{x} itu nomor sy, sampah di TPS blm diangkut 3 hari", keep: ["3 hari"] },
  { text: "Kepada Yth. Bapak/Ibu, pelapor {x} menyampaikan keluhan pada 1-1-2026.", keep: ["1-1-2026"] },
];

/** Digit strings readable in the text: separators between digits removed, full-width digits folded. */
function readableDigits(text: string): string[] {
  const folded = text.replace(/[\uff10-\uff19]/g, (d) => String(d.charCodeAt(0) - 0xff10));
  return (folded.match(/\d(?:[\s.\-()+\u200b\u00a0]{0,3}\d)*/g) ?? []).map((m) => m.replace(/\D/g, ""));
}

describe("maskPublicText: display names hide whole name tokens, never common words (issue 14)", () => {
  const cases: [string, string, string[]][] = [
    // The review's finding: a display name "alert img" masked "alert" in the OPD's answer.
    ["Kami sudah menindaklanjuti alert dari warga, lihat img terlampir.", "Kami sudah menindaklanjuti alert dari warga, lihat img terlampir.", ["alert img"]],
    ["alert img", NAMA, ["alert img"]],
    ["Info Jalan Rusak", NAMA, ["Info Jalan Rusak"]],
    ["Info: jalan rusak sudah diperbaiki, terima kasih.", "Info: jalan rusak sudah diperbaiki, terima kasih.", ["Info Jalan Rusak"]],
    ["The team will help you", "The team will help you", ["Help Team"]],
    ["<img src=x onerror=alert(1)> dikirim", "<img src=x onerror=alert(1)> dikirim", ["<img src=x onerror=alert(1)>"]],
    // Short tokens (3 letters) alone only when written as a name; never inside another word.
    ["Edi datang kemarin", `${NAMA} datang kemarin`, ["Edi Susanto"]],
    ["mohon edit data dan edisi baru", "mohon edit data dan edisi baru", ["Edi Susanto"]],
    ["Susanto dan edi", `${NAMA} dan edi`, ["Edi Susanto"]],
    ["Bu Ani dan ani-ani", `Bu ${NAMA} dan ani-ani`, ["Ani"]],
    ["Sudarmanto bukan Darman", "Sudarmanto bukan " + NAMA, ["Darman"]],
  ];
  for (const [input, expected, names] of cases) {
    it(`${JSON.stringify(input)} with ${JSON.stringify(names)}`, () => assert.equal(maskPublicText(input, { names }), expected));
  }
});

describe("maskPublicText: third persons introduced by a form of address or title (issue 14)", () => {
  const cases: [string, string][] = [
    ["Pak Bambang Sugiarto sudah menerima laporan.", `Pak ${NAMA} sudah menerima laporan.`],
    ["Keluhan soal Bapak Bambang dan Ibu Sri Wahyuni.", `Keluhan soal Bapak ${NAMA} dan Ibu ${NAMA}.`],
    ["ditangani Sdr. Joko dan Sdri. Lestari", `ditangani Sdr. ${NAMA} dan Sdri. ${NAMA}`],
    ["diperiksa dr. Rina Marlina di puskesmas", `diperiksa dr. ${NAMA} di puskesmas`],
    ["tanah milik H. Ahmad bin Sulaiman dan Hj. Siti Aminah", `tanah milik H. ${NAMA} dan Hj. ${NAMA}`],
    ["dari Drs. Heru, Ir. Joko W. dan Prof. Dr. Ir. Sari Dewi", `dari Drs. ${NAMA}, Ir. ${NAMA} dan Prof. Dr. Ir. ${NAMA}`],
    ["Bapak H. Ahmad sudah hadir", `Bapak H. ${NAMA} sudah hadir`],
    ["pak bambang belum datang, bu ani juga", `pak ${NAMA} belum datang, bu ${NAMA} juga`],
    ["PAK BAMBANG SUGIARTO", `PAK ${NAMA}`],
    // Roles, places and ordinary words after a form of address stay.
    ["Yth. Bapak Gubernur, Ibu Kepala Dinas dan Pak RT 03", "Yth. Bapak Gubernur, Ibu Kepala Dinas dan Pak RT 03"],
    ["Jakarta bukan lagi ibu kota; Bapak dapat menghubungi kami", "Jakarta bukan lagi ibu kota; Bapak dapat menghubungi kami"],
    ["Terima kasih Bapak atas laporannya, Ibu sudah kami hubungi.", "Terima kasih Bapak atas laporannya, Ibu sudah kami hubungi."],
    ["Kepada Yth. Bapak/Ibu, pelapor", "Kepada Yth. Bapak/Ibu, pelapor"],
    ["Pak Camat dan Bu Lurah hadir; ibu hamil diutamakan", "Pak Camat dan Bu Lurah hadir; ibu hamil diutamakan"],
    ["H 2 bulan, Ir lampu", "H 2 bulan, Ir lampu"],
  ];
  for (const [input, expected] of cases) {
    it(JSON.stringify(input), () => {
      assert.equal(maskPublicText(input), expected);
      assert.equal(maskPublicText(expected), expected, "idempotent");
    });
  }
  it("known persons (staff names) are hidden by the same rules as the reporter's", () => {
    assert.equal(maskPublicText("Ditangani oleh Wahyudi Kusnadi dari bidang jalan; Wahyudi akan menelepon.", { people: ["Wahyudi Kusnadi", "Admin Operator"] }), `Ditangani oleh ${NAMA} dari bidang jalan; ${NAMA} akan menelepon.`);
    assert.equal(maskPublicText("Admin dan operator akan membantu", { people: ["Admin Operator"] }), "Admin dan operator akan membantu");
  });
});

describe("maskPublicText: generated personal data never survives", () => {
  const generators = [genNik, genMobile, genLandline, genEmail, genName] as const;
  for (const gen of generators) {
    it(gen.name, () => {
      const r = mulberry32(0xad0 + gen.name.length);
      for (let n = 0; n < 400; n++) {
        const g = gen(r);
        const template = pick(r, TEMPLATES);
        const text = template.text.replace("{x}", g.text);
        const names = "name" in g ? [g.name as string] : ["Budi Santoso"];
        const masked = maskPublicText(text, { names });
        const where = `${JSON.stringify(text)} -> ${JSON.stringify(masked)}`;
        if (g.kind === "number") {
          assert.ok(!readableDigits(masked).some((d) => d.includes(g.secret)), where);
        } else {
          const folded = masked.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase().replace(/[ .]/g, "");
          assert.ok(!folded.includes(g.secret), where);
        }
        for (const keep of template.keep) assert.ok(masked.includes(keep), `lost ${keep}: ${where}`);
        assert.equal(maskPublicText(masked, { names }), masked, `not idempotent: ${where}`);
        assert.equal(containsPii(masked, { names }), false, where);
      }
    });
  }
});
