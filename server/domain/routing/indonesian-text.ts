/**
 * Small, dictionary-free tools for comparing Indonesian complaint texts: folding, tokens,
 * stopwords, a light affix stripper and trigram sets. Complaints arrive as SMS shorthand,
 * WhatsApp chat and formal web-form prose, so everything here is tolerant rather than exact.
 */

/**
 * Function words and complaint filler that carry no topic. Based on the usual Indonesian
 * stopword lists (Tala), trimmed of words that do carry topic in complaints (e.g. "air",
 * "jalan", "rumah"), plus chat shorthand and greetings that open most messages.
 */
export const INDONESIAN_STOPWORDS: ReadonlySet<string> = new Set(
  `ada adalah adanya adapun agak agaknya agar akan akankah akhirnya aku akulah amat amatlah anda andalah
  antar antara antaranya apa apaan apabila apakah apalagi apatah atau ataukah ataupun bagai bagaikan
  bagaimana bagaimanakah bagaimanapun bagi bahkan bahwa bahwasanya banyak beberapa begini beginian
  begitu begitukah begitulah begitupun belum belumlah berapa berapakah berapapun bersama besar betul
  betulkah biasa biasanya bila bilakah bisa bisakah boleh bolehkah bolehlah buat bukan bukankah
  bukanlah bukannya cukup cuma dahulu dalam dan dapat dari daripada dekat demi demikian demikianlah
  dengan depan di dia dialah diantara diantaranya dikarenakan dini diri dirinya disini disinilah dong
  dulu enggak enggaknya entah entahlah hal hampir hanya hanyalah harus haruslah harusnya hendak
  hendaklah hendaknya hingga ia ialah ibarat ingin inginkah inginkan ini inikah inilah itu itukah
  itulah jangan jangankan janganlah jika jikalau juga justru kala kalau kalaulah kalaupun kalian kami
  kamilah kamu kamulah kan kapan kapankah kapanpun karena karenanya ke kecil kemudian kenapa kepada
  kepadanya ketika khususnya kini kinilah kiranya kita kitalah kok lagi lagian lah lain lainnya lalu
  lama lamanya lebih macam maka makanya makin malah malahan mampu mampukah mana manakala manalagi
  masih masihkah masing mau maupun melainkan melalui memang mengapa mereka merekalah meski meskipun
  mungkin mungkinkah nah namun nanti nantinya nya nyaris oleh olehnya pada padahal padanya paling
  para pasti patut per pernah pula pun punya rasanya sajalah saja saling sama sambil sampai sana
  sangat sangatlah saya sayalah se sebab sebabnya sebagai sebagaimana sebagainya sebaliknya sebanyak
  sebegini sebegitu sebelum sebelumnya sebenarnya seberapa sebetulnya sebisanya sebuah secara
  sedang sedangkan sedikit sedikitnya segala segalanya segera seharusnya sehingga sejak sejauh
  sekadar sekali sekalian sekaligus sekalipun sekarang sekitar sekitarnya sela selain selaku selalu
  selama selamanya seluruh seluruhnya semacam semakin semua semuanya semula sendiri sendirinya
  seolah seorang sepanjang sepantasnya seperti sepertinya sering seringnya serta sesuatu sesudah
  sesudahnya setelah setiap siapa siapakah siapapun sih sini sinilah soal suatu sudah sudahkah
  sudahlah supaya tadi tadinya tak tanpa tapi tentang tentu tentulah tentunya terhadap terlalu
  termasuk tersebut tersebutlah tertentu tetapi tiap tidak tidakkah tidaklah toh untuk waduh wah
  yaitu yakni yang
  aja ajah atw blm bgt bkn bs dg dgn dlm dr gak ga gk jd jg kalo kl klo krn lg mhn ngga nggak nih
  pd sdh sj sm sy tdk tgl tp trs udah udh utk yg ya yah yuk deh loh lho kak min gan sob om
  mohon tolong terima kasih makasih trims thanks banget kemarin terus orang hormat salam selamat pagi siang sore malam
  assalamualaikum assalamu alaikum wr wb warahmatullahi wabarakatuh bapak ibu pak bu sdr saudara
  admin mimin laporan lapor melapor melaporkan pengaduan mengadu aduan keluhan mengeluh mengeluhkan
  warga masyarakat kami mohon ditindaklanjuti tindak lanjut segera mungkin`
    .split(/\s+/)
    .filter(Boolean),
);

/** Chat and SMS shorthand, expanded before matching (folded forms). */
export const INDONESIAN_ABBREVIATIONS: Readonly<Record<string, string>> = {
  jl: "jalan",
  jln: "jalan",
  jaln: "jalan",
  gg: "gang",
  sklh: "sekolah",
  skolah: "sekolah",
  sekolahan: "sekolah",
  pkm: "puskesmas",
  pskms: "puskesmas",
  rs: "rumah sakit",
  ttg: "tentang",
  dkt: "dekat",
  dpn: "depan",
  blkg: "belakang",
  kab: "kabupaten",
  kec: "kecamatan",
  kel: "kelurahan",
  ds: "desa",
  bpk: "bapak",
  lmpu: "lampu",
  smpah: "sampah",
  sampa: "sampah",
  bnjir: "banjir",
  angkt: "angkot",
  ambulan: "ambulans",
  ambulance: "ambulans",
  // Chat shorthand for function words, so every spelling of one word is one token.
  gk: "tidak",
  ga: "tidak",
  gak: "tidak",
  ngga: "tidak",
  nggak: "tidak",
  enggak: "tidak",
  tdk: "tidak",
  tak: "tidak",
  dak: "tidak", // Palembang
  idak: "tidak", // Palembang
  udh: "sudah",
  udah: "sudah",
  sdh: "sudah",
  dah: "sudah",
  blm: "belum",
  yg: "yang",
  dgn: "dengan",
  dg: "dengan",
  bgt: "banget",
  krn: "karena",
  karna: "karena",
  sy: "saya",
  lg: "lagi",
  tlg: "tolong",
  mhn: "mohon",
  utk: "untuk",
  jg: "juga",
  bnyk: "banyak",
  byk: "banyak",
  org: "orang",
  wong: "orang", // Palembang
  nian: "sangat", // Palembang
  skrg: "sekarang",
  kmrn: "kemarin",
  trs: "terus",
  sampe: "sampai",
};

/** NFKD, combining marks removed, lower case: "Sétyawan" -> "setyawan", full-width -> ASCII. */
export function foldText(s: string): string {
  return s.normalize("NFKD").replace(/\p{M}+/gu, "").toLowerCase();
}

/** Folded word tokens (letters and digits), shorthand expanded. "Jln. Merdeka No.5" -> jalan merdeka no 5. */
export function tokenize(s: string): string[] {
  const out: string[] = [];
  for (const raw of foldText(s).split(/[^\p{L}\p{N}]+/u)) {
    if (!raw) continue;
    const expanded = INDONESIAN_ABBREVIATIONS[raw];
    if (expanded) out.push(...expanded.split(" "));
    else out.push(raw);
  }
  return out;
}

export const isStopword = (token: string) => INDONESIAN_STOPWORDS.has(token);

/** Tokens that carry topic: stopwords and one-letter tokens removed. */
export function contentTokens(s: string): string[] {
  return tokenize(s).filter((t) => t.length > 1 && !INDONESIAN_STOPWORDS.has(t));
}

const PARTICLES = ["lah", "kah", "tah", "pun"];
const POSSESSIVES = ["nya", "ku", "mu"];
const MIN_ROOT = 4;

/**
 * Strips only inflection that never changes the topic: particles (-lah, -kah, -pun) and
 * possessives (-nya, -ku, -mu). "sampahnya" -> "sampah", "jalanan" stays. Deterministic, so it
 * is safe for set comparisons between two texts.
 */
export function lightStem(word: string): string {
  let w = word;
  for (const p of PARTICLES) {
    if (w.endsWith(p) && w.length - p.length >= MIN_ROOT) {
      w = w.slice(0, -p.length);
      break;
    }
  }
  for (const p of POSSESSIVES) {
    if (w.endsWith(p) && w.length - p.length >= MIN_ROOT) {
      w = w.slice(0, -p.length);
      break;
    }
  }
  return w;
}

/** Prefixes with the root-initial sounds they may have swallowed (meny-apu <- sapu). */
const PREFIXES: readonly (readonly [string, readonly string[]])[] = [
  ["memper", [""]],
  ["diper", [""]],
  ["keber", [""]],
  ["meng", ["", "k"]],
  ["meny", ["s"]],
  ["mem", ["", "p"]],
  ["men", ["", "t"]],
  ["me", [""]],
  ["peng", ["", "k"]],
  ["peny", ["s"]],
  ["pem", ["", "p"]],
  ["pen", ["", "t"]],
  ["per", [""]],
  ["pe", [""]],
  ["ber", [""]],
  ["be", [""]],
  ["ter", [""]],
  ["di", [""]],
  ["ke", [""]],
  ["se", [""]],
];
const SUFFIXES = ["kan", "an", "i"];

/**
 * Every plausible root of an affixed word, the word itself first. Without a dictionary the
 * right root cannot be known ("menanam" is tanam, "menikah" is nikah), so callers match a
 * keyword when it equals ANY candidate: "berlubang" -> lubang, "pengobatan" -> obat,
 * "kebanjiran" -> banjir, "menyapu" -> sapu, "sampahnya" -> sampah.
 */
export function stemCandidates(word: string): string[] {
  const seen = new Set<string>([word]);
  const queue: [string, number][] = [[word, 0]];
  const add = (w: string, depth: number, minLength = MIN_ROOT) => {
    if (w.length < minLength || seen.has(w)) return;
    seen.add(w);
    queue.push([w, depth]);
  };
  while (queue.length > 0) {
    const [w, depth] = queue.shift()!;
    if (depth >= 3) continue;
    // Inflection never changes the word, so short roots are fine there: "baunya" -> "bau".
    for (const p of [...PARTICLES, ...POSSESSIVES]) {
      if (w.endsWith(p)) add(w.slice(0, -p.length), depth + 1, 3);
    }
    for (const p of SUFFIXES) {
      if (w.endsWith(p)) add(w.slice(0, -p.length), depth + 1);
    }
    for (const [prefix, restores] of PREFIXES) {
      if (!w.startsWith(prefix)) continue;
      const rest = w.slice(prefix.length);
      for (const r of restores) add(r + rest, depth + 1);
    }
  }
  return [...seen];
}

/** Character trigrams of each token, padded so short words still count ("rt" -> " rt", "rt "). */
export function trigramSet(tokens: readonly string[]): Set<string> {
  const grams = new Set<string>();
  for (const t of tokens) {
    const padded = ` ${t} `;
    for (let i = 0; i + 3 <= padded.length; i++) grams.add(padded.slice(i, i + 3));
  }
  return grams;
}

export function jaccard<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): number {
  if (a.size === 0 && b.size === 0) return 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let inter = 0;
  for (const x of small) if (large.has(x)) inter++;
  return inter / (a.size + b.size - inter);
}

/** Share of the smaller set found in the larger one: a short SMS against a long web-form text. */
export function overlapCoefficient<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): number {
  if (a.size === 0 || b.size === 0) return 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let inter = 0;
  for (const x of small) if (large.has(x)) inter++;
  return inter / small.size;
}
