/**
 * Category suggestion for a new ticket, so it can be routed to the category's default OPD
 * before an operator looks at it. Keywords and phrases are matched on folded, stopword-free
 * tokens through affix-stripped candidates ("berlubang" matches "lubang", "kebanjiran"
 * matches "banjir"). A keyword shared by several categories counts less in each.
 */
import { contentTokens, foldText, INDONESIAN_ABBREVIATIONS, INDONESIAN_STOPWORDS, stemCandidates } from "./indonesian-text.js";

export type CategoryRef = string | number;

export interface CategoryKeywords {
  id: CategoryRef;
  code: string;
  /** Words or phrases in Bahasa Indonesia; case, accents and affixes do not matter. */
  keywords: readonly string[];
}

export interface CategorySuggestion {
  categoryId: CategoryRef;
  code: string;
  /** 0..1: how much evidence there is and how clearly it points here rather than elsewhere. */
  confidence: number;
  score: number;
  /** The keywords found, as configured. */
  matched: string[];
}

/**
 * Default keywords for the usual complaint categories of a provincial government, by category
 * code. Admins copy and edit these per province; codes are the seed categories' codes.
 */
export const DEFAULT_CATEGORY_KEYWORDS: Readonly<Record<string, readonly string[]>> = {
  // Dinas Pekerjaan Umum dan Penataan Ruang (PUPR)
  "infrastruktur-jalan": [
    "jalan rusak", "jalan berlubang", "berlubang", "lubang", "aspal", "pengaspalan", "jalan retak",
    "jalan amblas", "ambles", "amblas", "jembatan", "jembatan putus", "jembatan rusak", "trotoar",
    "drainase", "gorong-gorong", "selokan", "saluran air", "irigasi", "tanggul", "talud", "betonisasi",
    "perbaikan jalan", "jalan provinsi", "jalan kabupaten", "jalan desa", "jalan raya", "jalan tanah",
    "jalan becek", "tambal", "longsor", "pekerjaan umum", "pupr", "proyek jalan", "kontraktor",
  ],
  // Dinas Kesehatan, RSUD
  kesehatan: [
    "puskesmas", "pustu", "rumah sakit", "rsud", "klinik", "obat", "apotek", "dokter", "bidan",
    "perawat", "tenaga kesehatan", "nakes", "pasien", "rawat inap", "igd", "ugd", "ambulans",
    "bpjs kesehatan", "bpjs", "kis", "jkn", "imunisasi", "vaksin", "vaksinasi", "posyandu", "stunting",
    "gizi buruk", "demam berdarah", "dbd", "fogging", "pengasapan", "nyamuk", "malaria", "tbc", "diare",
    "berobat", "pengobatan", "sakit", "kesehatan", "dinkes", "faskes", "rujukan", "persalinan",
  ],
  // Dinas Pendidikan
  pendidikan: [
    "sekolah", "guru", "guru honorer", "murid", "siswa", "pelajar", "kepala sekolah", "sd", "smp", "sma",
    "smk", "slb", "ppdb", "zonasi", "penerimaan siswa baru", "dana bos", "kip", "pip", "kartu indonesia pintar",
    "beasiswa", "ijazah", "rapor", "pungutan sekolah", "pungli sekolah", "uang gedung", "seragam sekolah",
    "komite sekolah", "spp", "ruang kelas", "kelas rusak", "belajar", "pendidikan", "disdik", "dindik",
  ],
  // Dinas Perhubungan
  perhubungan: [
    "angkot", "angkutan umum", "angkutan kota", "angkutan", "trayek", "sopir angkot", "bus", "bis", "damri",
    "terminal", "halte", "lampu lalu lintas", "traffic light", "lampu merah", "apill", "rambu",
    "rambu lalu lintas", "marka jalan", "zebra cross", "parkir", "parkir liar", "juru parkir", "jukir",
    "tarif parkir", "uji kir", "kir", "dishub", "perhubungan", "ojek", "ojol", "macet", "kemacetan",
    "lampu jalan", "penerangan jalan umum", "pju", "truk", "odol", "kelebihan muatan", "pelabuhan",
    "penyeberangan", "kapal", "kereta",
  ],
  // Dinas Sosial
  sosial: [
    "bansos", "bantuan sosial", "pkh", "program keluarga harapan", "bpnt", "kartu sembako", "sembako", "blt",
    "bantuan langsung tunai", "dtks", "data terpadu kesejahteraan sosial", "kks", "rastra", "raskin",
    "penerima bantuan", "bantuan tidak tepat sasaran", "lansia", "jompo", "disabilitas",
    "difabel", "penyandang disabilitas", "odgj", "gangguan jiwa", "anak jalanan", "gelandangan", "pengemis",
    "panti asuhan", "panti sosial", "panti jompo", "fakir miskin", "keluarga miskin", "miskin", "kemiskinan", "rtlh",
    "rumah tidak layak huni", "bedah rumah", "dinsos", "pmks", "korban bencana",
  ],
  // Dinas Lingkungan Hidup
  "lingkungan-hidup": [
    "sampah", "tumpukan sampah", "sampah menumpuk", "tps", "tpa", "tps liar", "pembuangan sampah",
    "pengangkutan sampah", "truk sampah", "bank sampah", "pembakaran sampah", "banjir", "genangan",
    "genang", "cemar", "limbah", "limbah pabrik", "limbah b3", "pencemaran", "tercemar", "polusi", "polusi udara",
    "asap pabrik", "bau busuk", "berbau", "bau menyengat", "sungai tercemar", "air sungai", "kebisingan", "bising",
    "penebangan pohon", "pohon tumbang", "ruang terbuka hijau", "rth", "amdal", "dlh", "lingkungan hidup",
    "abrasi", "kebakaran hutan", "karhutla",
  ],
  // Dinas Kependudukan dan Pencatatan Sipil
  kependudukan: [
    "ktp", "e-ktp", "ktp-el", "kartu keluarga", "kk", "akta kelahiran", "akta kematian", "akta", "dukcapil",
    "disdukcapil", "adminduk", "kia", "kartu identitas anak", "surat pindah", "pindah domisili", "blangko",
    "perekaman", "nik ganda",
  ],
};

interface CompiledKeyword {
  source: string;
  /** Folded content tokens of the keyword. */
  tokens: string[];
  weight: number;
}

interface CompiledCategory {
  id: CategoryRef;
  code: string;
  keywords: CompiledKeyword[];
}

export interface CategoryMatcher {
  /** Every category with any evidence, best first. */
  rank(text: string): CategorySuggestion[];
  /** The best category, or null when nothing (or not enough) points anywhere. */
  suggest(text: string, opts?: { minConfidence?: number }): CategorySuggestion | null;
}

const MAX_PHRASE_GAP = 2;
const GAPPED_FACTOR = 0.75;

const keywordKey = (tokens: readonly string[]) => tokens.join(" ");

/**
 * The forms a keyword may stand for in this text token: the token and its affix-stripped
 * roots. Keywords are matched as written, so "obat" finds "pengobatan" but "pengobatan" does
 * not find "obat". Short tokens ("sd", "kk", "tps") are matched exactly.
 */
function rootsOf(token: string): Set<string> {
  return new Set(token.length <= 3 ? [token] : stemCandidates(token));
}

/** "di Jl. Merdeka", "ke Jalan Sudirman": a street as an address, not a road complaint. */
const STREET_WORDS = new Set(["jalan", "jl", "jln", "jaln", "gang", "gg"]);
const STREET_ABBREVIATIONS = new Set(["jl", "jln", "gg"]);
const PLACE_PREPOSITIONS = new Set(["di", "ke", "dari", "sepanjang", "depan", "dekat", "samping", "seberang", "arah", "menuju", "simpang", "ujung", "kawasan", "daerah", "wilayah", "sekitar"]);

interface TextToken {
  roots: Set<string>;
}

function textTokens(text: string): TextToken[] {
  // Casing is kept long enough to recognise street names.
  const raw = text.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  const out: TextToken[] = [];
  for (let i = 0; i < raw.length; i++) {
    const folded = foldText(raw[i]!);
    const next = raw[i + 1];
    if (STREET_WORDS.has(folded) && next && /^\p{Lu}/u.test(next)) {
      const prev = i > 0 ? foldText(raw[i - 1]!) : "";
      if (STREET_ABBREVIATIONS.has(folded) || PLACE_PREPOSITIONS.has(prev)) continue;
    }
    const expanded = (INDONESIAN_ABBREVIATIONS[folded] ?? folded).split(" ");
    for (const w of expanded) {
      if (w.length < 2 || INDONESIAN_STOPWORDS.has(w)) continue;
      out.push({ roots: rootsOf(w) });
    }
  }
  return out;
}


function uniqueBy<T>(xs: T[], key: (x: T) => string): T[] {
  const seen = new Set<string>();
  return xs.filter((x) => !seen.has(key(x)) && seen.add(key(x)) !== undefined);
}

/** Compile once per category list (it comes from the database) and match many texts. */
export function createCategoryMatcher(categories: readonly CategoryKeywords[]): CategoryMatcher {
  const compiled: CompiledCategory[] = categories.map((c) => ({
    id: c.id,
    code: c.code,
    keywords: uniqueBy(
      c.keywords.map((source) => ({ source, tokens: contentTokens(source), weight: 0 })).filter((k) => k.tokens.length > 0),
      (k) => keywordKey(k.tokens),
    ),
  }));
  // A keyword configured for several categories says less about each of them.
  const owners = new Map<string, Set<CategoryRef>>();
  for (const c of compiled) {
    for (const k of c.keywords) {
      const key = keywordKey(k.tokens);
      if (!owners.has(key)) owners.set(key, new Set());
      owners.get(key)!.add(c.id);
    }
  }
  for (const c of compiled) {
    for (const k of c.keywords) {
      const phraseBonus = 1 + 0.75 * (k.tokens.length - 1);
      k.weight = phraseBonus / owners.get(keywordKey(k.tokens))!.size;
    }
  }
  /**
   * 1 when the keyword occurs as written, GAPPED_FACTOR when its words occur in order with a
   * few words between ("jalan di depan SDN 3 rusak"), 0 otherwise.
   */
  const occurs = (tokens: TextToken[], k: CompiledKeyword): number => {
    let best = 0;
    for (let i = 0; i < tokens.length && best < 1; i++) {
      if (!tokens[i]!.roots.has(k.tokens[0]!)) continue;
      let at = i;
      let gapped = false;
      let ok = true;
      for (let j = 1; j < k.tokens.length && ok; j++) {
        ok = false;
        for (let g = 0; g <= MAX_PHRASE_GAP && at + 1 + g < tokens.length; g++) {
          if (tokens[at + 1 + g]!.roots.has(k.tokens[j]!)) {
            at = at + 1 + g;
            gapped ||= g > 0;
            ok = true;
            break;
          }
        }
      }
      if (ok) best = Math.max(best, gapped ? GAPPED_FACTOR : 1);
    }
    return best;
  };

  const rank = (text: string): CategorySuggestion[] => {
    const tokens = textTokens(text);
    const scored = compiled
      .map((c) => {
        let score = 0;
        const matched: CompiledKeyword[] = [];
        for (const k of c.keywords) {
          const found = occurs(tokens, k);
          if (found > 0) {
            score += found * k.weight;
            matched.push(k);
          }
        }
        return { c, matched, score };
      })
      .filter((x) => x.score > 0)
      .sort((x, y) => y.score - x.score || y.matched.length - x.matched.length);
    const best = scored[0]?.score ?? 0;
    const second = scored[1]?.score ?? 0;
    return scored.map((x, i) => {
      const rival = i === 0 ? second : best;
      // Share of the evidence that points here, times how much evidence there is at all.
      const confidence = (x.score / (x.score + rival)) * (1 - Math.exp(-x.score / 1.2));
      return {
        categoryId: x.c.id,
        code: x.c.code,
        confidence: Math.round(confidence * 1000) / 1000,
        score: Math.round(x.score * 1000) / 1000,
        matched: x.matched.map((k) => k.source),
      };
    });
  };

  return {
    rank,
    suggest(text, opts = {}) {
      const top = rank(text)[0];
      return top && top.confidence >= (opts.minConfidence ?? 0.25) ? top : null;
    },
  };
}

/** The best category for a complaint text, or null. Compiles the keywords on every call. */
export function suggestCategory(
  text: string,
  categories: readonly CategoryKeywords[],
  opts: { minConfidence?: number } = {},
): CategorySuggestion | null {
  return createCategoryMatcher(categories).suggest(text, opts);
}

/** Every category with evidence, best first. */
export function rankCategories(text: string, categories: readonly CategoryKeywords[]): CategorySuggestion[] {
  return createCategoryMatcher(categories).rank(text);
}

/** DEFAULT_CATEGORY_KEYWORDS as the category list suggestCategory takes, with the codes as ids. */
export function defaultCategoryKeywords(): CategoryKeywords[] {
  return Object.entries(DEFAULT_CATEGORY_KEYWORDS).map(([code, keywords]) => ({ id: code, code, keywords }));
}
