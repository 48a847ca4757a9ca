import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  createCategoryMatcher,
  DEFAULT_CATEGORY_KEYWORDS,
  defaultCategoryKeywords,
  rankCategories,
  suggestCategory,
} from "./category-suggest.js";

const CATEGORIES = defaultCategoryKeywords();

/** Realistic complaints (web form, WhatsApp, SMS shorthand) and where they belong. */
const CASES: [string, string][] = [
  ["Jalan berlubang di depan SDN 3 Sukajadi, sudah 2 bulan tidak diperbaiki. Sudah banyak pengendara motor jatuh.", "infrastruktur-jalan"],
  ["jln rusak parah bnyk lubang, tolong diaspal min", "infrastruktur-jalan"],
  ["Jalan Merdeka rusak parah sejak musim hujan", "infrastruktur-jalan"],
  ["Jembatan penghubung desa kami putus terbawa arus, anak sekolah harus memutar 5 km", "infrastruktur-jalan"],
  ["Gorong-gorong di perumahan tersumbat dan trotoar ambles", "infrastruktur-jalan"],
  ["Obat di puskesmas kosong terus, pasien disuruh beli sendiri di apotek luar", "kesehatan"],
  ["Pelayanan di RSUD sangat lambat, pasien BPJS ditolak rawat inap dengan alasan kamar penuh", "kesehatan"],
  ["Banyak warga terkena DBD, mohon dilakukan fogging di RW 05", "kesehatan"],
  ["Bidan desa jarang ada di posyandu, imunisasi anak jadi tertunda", "kesehatan"],
  ["Guru honorer di SMPN 2 belum digaji tiga bulan", "pendidikan"],
  ["Sekolah anak saya meminta pungutan uang gedung Rp 2.000.000 padahal sekolah negeri", "pendidikan"],
  ["Anak saya tidak diterima PPDB karena sistem zonasi, padahal rumah dekat sekolah", "pendidikan"],
  ["Dana KIP anak saya belum cair, kepala sekolah tidak bisa menjelaskan", "pendidikan"],
  ["Angkot ngetem sembarangan di depan pasar bikin macet", "perhubungan"],
  ["Lampu lalu lintas di simpang lima mati sejak kemarin, rawan kecelakaan", "perhubungan"],
  ["Lampu Jalan Mati di Jl. Sudirman", "perhubungan"],
  ["Juru parkir liar di Alun-alun minta tarif 10 ribu untuk motor", "perhubungan"],
  ["Rambu lalu lintas roboh tertabrak truk dan belum diganti", "perhubungan"],
  ["Saya tidak dapat bansos PKH padahal termasuk keluarga miskin, tetangga yang mampu malah dapat", "sosial"],
  ["Bantuan sembako BPNT bulan ini belum cair, data DTKS katanya belum diperbarui", "sosial"],
  ["Ada ODGJ berkeliaran di pasar dan mengganggu warga, mohon dibawa ke panti sosial", "sosial"],
  ["Lansia di kampung kami hidup sendiri dan tidak pernah dapat bantuan sosial", "sosial"],
  ["Sampah menumpuk di Jalan Merdeka sudah seminggu, baunya menyengat", "lingkungan-hidup"],
  ["TPS liar di pinggir sungai, sampahnya dibakar tiap malam, asapnya masuk rumah", "lingkungan-hidup"],
  ["Limbah pabrik tahu dibuang ke sungai, airnya hitam dan berbau", "lingkungan-hidup"],
  ["Perumahan kami kebanjiran setiap hujan deras, air menggenang sampai lutut", "lingkungan-hidup"],
  ["Truk sampah tidak datang sudah 5 hari", "lingkungan-hidup"],
  ["Pengurusan KTP elektronik lama sekali, blangko habis terus", "kependudukan"],
  ["Akta kelahiran anak saya salah nama, sudah 3 kali bolak-balik ke Disdukcapil", "kependudukan"],
];

describe("suggestCategory with the default keywords", () => {
  for (const [text, code] of CASES) {
    it(`${code}: ${text}`, () => {
      const s = suggestCategory(text, CATEGORIES);
      assert.ok(s, "no suggestion");
      assert.equal(s.code, code, JSON.stringify(rankCategories(text, CATEGORIES)));
      assert.ok(s.confidence >= 0.4 && s.confidence <= 1, String(s.confidence));
      assert.ok(s.matched.length > 0);
    });
  }

  it("suggests nothing for texts without topic", () => {
    assert.equal(suggestCategory("Terima kasih atas tanggapannya, Pak", CATEGORIES), null);
    assert.equal(suggestCategory("", CATEGORIES), null);
    assert.equal(suggestCategory("Selamat pagi min, mohon info", CATEGORIES), null);
  });

  it("does not read a street name as a road complaint", () => {
    const s = suggestCategory("Banyak pengemis dan anak jalanan di Jl. Asia Afrika", CATEGORIES);
    assert.equal(s?.code, "sosial");
    assert.ok(!rankCategories("Sampah di Jalan Merdeka", CATEGORIES).some((r) => r.code === "infrastruktur-jalan"));
  });

  it("is less confident when the evidence is split", () => {
    const clear = suggestCategory("Sampah menumpuk dan bau busuk di TPS", CATEGORIES)!;
    const split = rankCategories("Sampah menumpuk di halaman puskesmas", CATEGORIES);
    assert.equal(split.length, 2);
    assert.ok(split[0]!.confidence < clear.confidence);
    assert.equal(suggestCategory("Sampah menumpuk di halaman puskesmas", CATEGORIES, { minConfidence: 0.9 }), null);
  });

  it("reports the configured keywords that matched", () => {
    const s = suggestCategory("Puskesmas kehabisan obat, pengobatan pasien terhenti", CATEGORIES)!;
    assert.deepEqual(s.matched, ["puskesmas", "obat", "pasien", "pengobatan"]);
  });

  it("the default map covers the six categories of the brief and more", () => {
    for (const code of ["infrastruktur-jalan", "kesehatan", "pendidikan", "perhubungan", "sosial", "lingkungan-hidup"]) {
      assert.ok((DEFAULT_CATEGORY_KEYWORDS[code]?.length ?? 0) >= 15, code);
    }
  });
});

describe("createCategoryMatcher with database categories", () => {
  const matcher = createCategoryMatcher([
    { id: 1, code: "PUPR", keywords: ["jalan rusak", "lubang", "Jembatan"] },
    { id: 2, code: "DISHUB", keywords: ["angkot", "LAMPU LALU LINTAS"] },
    { id: 3, code: "DLH", keywords: ["sampah", "banjir", "limbah"] },
    { id: 4, code: "BPBD", keywords: ["banjir", "longsor", "bencana"] },
  ]);

  it("matches case- and affix-insensitively and returns the category id", () => {
    const s = matcher.suggest("Jembatannya retak dan jalanan berlubang");
    assert.equal(s?.categoryId, 1);
  });

  it("weighs a keyword shared by two categories less", () => {
    const ranked = matcher.rank("Kampung kami kebanjiran");
    assert.deepEqual(
      ranked.map((r) => r.code),
      ["DLH", "BPBD"],
    );
    assert.equal(ranked[0]!.score, 0.5);
    assert.equal(matcher.suggest("Kampung kami kebanjiran"), null);
    assert.equal(matcher.suggest("Kampung kami kebanjiran, ada longsor juga")?.code, "BPBD");
  });

  it("ignores empty keyword lists and stopword-only keywords", () => {
    const m = createCategoryMatcher([
      { id: 9, code: "X", keywords: [] },
      { id: 10, code: "Y", keywords: ["yang", "dan"] },
    ]);
    assert.deepEqual(m.rank("yang dan"), []);
  });
});
