/**
 * Category and OPD suggestions for a new ticket, learned from the province's own verified tickets
 * (and, until there are enough of them, from the shipped corpus). A multinomial naive Bayes over
 * normalized Indonesian features, all on the server: no outside service, nothing downloaded.
 *
 * Features of a text (each counted once per text, so a long web-form letter does not outvote an SMS):
 *   - content words: folded, chat shorthand expanded ("jln" -> jalan, "gk" -> tidak; see
 *     indonesian-text.ts), stopwords dropped, numbers as one token;
 *   - their affix-stripped roots ("berlubang" -> lubang, "kebanjiran" -> banjir), at half weight,
 *     since a dictionary-free stripper proposes a few wrong roots beside the right one;
 *   - adjacent word pairs ("lampu merah" is not "lampu jalan");
 *   - character 4-grams of each word at low weight, so typos ("sampha", "puskesms") still count.
 * The model is plain JSON: it is stored in a table and never leaves the server.
 */
import { contentTokens, stemCandidates } from "./indonesian-text.js";

export interface RoutingExample {
  text: string;
  /** Category code (stable across installs, unlike ids). */
  category: string;
  /** The OPD the ticket was forwarded to, when known. */
  agencyId?: number | null;
}

export interface RoutingModel {
  version: 1;
  /** Laplace smoothing. */
  alpha: number;
  examples: number;
  categories: { code: string; examples: number; featureTotal: number; agencies: Record<string, number> }[];
  vocabulary: number;
  /** feature -> [categoryIndex, weight, categoryIndex, weight, …] (sparse). */
  features: Record<string, number[]>;
}

export interface CategorySuggestion {
  categoryCode: string;
  /** The OPD tickets of this category were most often forwarded to (when the model knows any). */
  agencyId: number | null;
  /** 0..1, the posterior share of this category among all. */
  confidence: number;
}

export interface AgencySuggestion {
  agencyId: number;
  confidence: number;
}

const WEIGHT = { word: 1, root: 0.5, pair: 0.7, gram: 0.15 } as const;
const NUMBER = "#n";

/** The words a complaint is classified on: content tokens with numbers folded into one token. */
export function routingWords(text: string): string[] {
  return contentTokens(text).map((t) => (/^\d+$/.test(t) ? NUMBER : t));
}

/** The weighted features of a text (see the header). */
export function routingFeatures(text: string): Map<string, number> {
  const out = new Map<string, number>();
  const put = (f: string, w: number) => out.set(f, Math.max(out.get(f) ?? 0, w));
  const words = routingWords(text);
  for (const [i, w] of words.entries()) {
    put(`w:${w}`, WEIGHT.word);
    if (w !== NUMBER && w.length > 3) for (const root of stemCandidates(w).slice(1)) put(`w:${root}`, WEIGHT.root);
    const next = words[i + 1];
    if (next) put(`p:${w}_${next}`, WEIGHT.pair);
    if (w.length >= 5 && w !== NUMBER) {
      const padded = ` ${w} `;
      for (let k = 0; k + 4 <= padded.length; k++) put(`g:${padded.slice(k, k + 4)}`, WEIGHT.gram);
    }
  }
  return out;
}

export interface TrainOptions {
  alpha?: number;
  /** Features seen in fewer examples are dropped (keeps a large model small); default 1 (keep all). */
  minExamples?: number;
}

/** Trains a model from labelled complaints. Deterministic: the same examples give the same JSON. */
export function trainRoutingModel(examples: readonly RoutingExample[], opts: TrainOptions = {}): RoutingModel {
  const alpha = opts.alpha ?? 0.3;
  const codes = [...new Set(examples.map((e) => e.category))].sort();
  const index = new Map(codes.map((c, i) => [c, i]));
  const categories = codes.map((code) => ({ code, examples: 0, featureTotal: 0, agencies: {} as Record<string, number> }));
  const weights = new Map<string, Map<number, number>>();
  const docFreq = new Map<string, number>();
  for (const e of examples) {
    const ci = index.get(e.category)!;
    const c = categories[ci]!;
    c.examples++;
    if (e.agencyId != null) c.agencies[String(e.agencyId)] = (c.agencies[String(e.agencyId)] ?? 0) + 1;
    for (const [f, w] of routingFeatures(e.text)) {
      let per = weights.get(f);
      if (!per) weights.set(f, (per = new Map()));
      per.set(ci, (per.get(ci) ?? 0) + w);
      docFreq.set(f, (docFreq.get(f) ?? 0) + 1);
    }
  }
  const minExamples = opts.minExamples ?? 1;
  const features: Record<string, number[]> = {};
  for (const f of [...weights.keys()].sort()) {
    if ((docFreq.get(f) ?? 0) < minExamples) continue;
    const per = weights.get(f)!;
    const flat: number[] = [];
    for (const ci of [...per.keys()].sort((a, b) => a - b)) {
      const w = Math.round(per.get(ci)! * 1000) / 1000;
      flat.push(ci, w);
      categories[ci]!.featureTotal += w;
    }
    features[f] = flat;
  }
  for (const c of categories) c.featureTotal = Math.round(c.featureTotal * 1000) / 1000;
  return { version: 1, alpha, examples: examples.length, categories, vocabulary: Object.keys(features).length, features };
}

/**
 * Every category the model knows, best first, with its confidence. Texts the model has no
 * evidence about (no known feature) give an empty list: nothing is suggested.
 */
export function suggestRouting(model: RoutingModel, text: string, opts: { limit?: number } = {}): CategorySuggestion[] {
  const n = model.categories.length;
  if (n === 0) return [];
  const feats = [...routingFeatures(text)].filter(([f]) => model.features[f] !== undefined);
  if (feats.length === 0) return [];
  const V = Math.max(1, model.vocabulary);
  const { alpha } = model;
  const scores = model.categories.map((c) => Math.log((c.examples + 1) / (model.examples + n)));
  const denominators = model.categories.map((c) => Math.log(c.featureTotal + alpha * V));
  let mass = 0;
  for (const [f, x] of feats) {
    const flat = model.features[f]!;
    const counts = new Array<number>(n).fill(0);
    for (let i = 0; i < flat.length; i += 2) counts[flat[i]!] = flat[i + 1]!;
    for (let ci = 0; ci < n; ci++) scores[ci]! += x * (Math.log(counts[ci]! + alpha) - denominators[ci]!);
    mass += x;
  }
  // Naive Bayes multiplies evidence it counts as independent, so its raw posteriors are near 0
  // or 1. Tempering by the amount of evidence gives confidences that track held-out accuracy.
  const temperature = Math.max(1, Math.sqrt(mass));
  const scaled = scores.map((s) => s / temperature);
  const top = Math.max(...scaled);
  const exp = scaled.map((s) => Math.exp(s - top));
  const sum = exp.reduce((a, b) => a + b, 0);
  const ranked = model.categories
    .map((c, ci) => ({ categoryCode: c.code, agencyId: topAgency(c.agencies), confidence: Math.round((exp[ci]! / sum) * 1000) / 1000 }))
    .sort((a, b) => b.confidence - a.confidence || a.categoryCode.localeCompare(b.categoryCode));
  return opts.limit ? ranked.slice(0, opts.limit) : ranked;
}

function topAgency(agencies: Record<string, number>): number | null {
  let best: [string, number] | null = null;
  for (const e of Object.entries(agencies)) if (!best || e[1] > best[1] || (e[1] === best[1] && Number(e[0]) < Number(best[0]))) best = e;
  return best ? Number(best[0]) : null;
}

/**
 * OPDs for the ranked categories: each category passes its confidence to the OPDs its tickets
 * went to (in proportion), or to `defaultAgencyOf(code)` (the category's default OPD) when the
 * model has not seen it forwarded.
 */
export function suggestAgencies(model: RoutingModel, ranked: readonly CategorySuggestion[], defaultAgencyOf: (code: string) => number | null = () => null, limit = 3): AgencySuggestion[] {
  const byCode = new Map(model.categories.map((c) => [c.code, c]));
  const total = new Map<number, number>();
  for (const s of ranked) {
    const seen = Object.entries(byCode.get(s.categoryCode)?.agencies ?? {});
    const sum = seen.reduce((a, [, k]) => a + k, 0);
    const shares: [number, number][] = sum > 0 ? seen.map(([id, k]) => [Number(id), k / sum]) : defaultAgencyOf(s.categoryCode) != null ? [[defaultAgencyOf(s.categoryCode)!, 1]] : [];
    for (const [id, share] of shares) total.set(id, (total.get(id) ?? 0) + share * s.confidence);
  }
  return [...total]
    .map(([agencyId, c]) => ({ agencyId, confidence: Math.round(c * 1000) / 1000 }))
    .sort((a, b) => b.confidence - a.confidence || a.agencyId - b.agencyId)
    .slice(0, limit);
}

/** FNV-1a of the folded text: a stable train/test split that does not depend on the order of the corpus. */
export function isHeldOut(text: string, testPercent = 25): boolean {
  let h = 0x811c9dc5;
  for (const ch of text.normalize("NFKC").toLowerCase()) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % 100 < testPercent;
}

export interface RoutingEvaluation {
  examples: number;
  top1: number;
  top3: number;
  perCategory: Record<string, { examples: number; top1: number; top3: number }>;
}

/** Top-1 and top-3 accuracy of a model on labelled examples (it never saw them). */
export function evaluateRouting(model: RoutingModel, examples: readonly RoutingExample[]): RoutingEvaluation {
  const per: Record<string, { examples: number; hit1: number; hit3: number }> = {};
  let hit1 = 0;
  let hit3 = 0;
  for (const e of examples) {
    const ranked = suggestRouting(model, e.text, { limit: 3 }).map((s) => s.categoryCode);
    const p = (per[e.category] ??= { examples: 0, hit1: 0, hit3: 0 });
    p.examples++;
    if (ranked[0] === e.category) {
      hit1++;
      p.hit1++;
    }
    if (ranked.includes(e.category)) {
      hit3++;
      p.hit3++;
    }
  }
  const ratio = (a: number, b: number) => (b === 0 ? 0 : Math.round((a / b) * 1000) / 1000);
  return {
    examples: examples.length,
    top1: ratio(hit1, examples.length),
    top3: ratio(hit3, examples.length),
    perCategory: Object.fromEntries(Object.entries(per).sort().map(([k, v]) => [k, { examples: v.examples, top1: ratio(v.hit1, v.examples), top3: ratio(v.hit3, v.examples) }])),
  };
}
