/**
 * Likely duplicates of a ticket, for the operator to confirm and merge (digabung). The same
 * pothole is reported by several citizens, and one citizen writes on WhatsApp and again by
 * e-mail; neither text is a copy of the other, so similarity is token- and trigram-based on
 * Indonesian text with stopwords removed, supported by who, what category, when and where (the
 * address text, or the map points when both tickets have one).
 * Suggestions only: merging stays an operator decision.
 */
import {
  contentTokens,
  jaccard,
  lightStem,
  overlapCoefficient,
  trigramSet,
} from "./indonesian-text.js";

export const DUPLICATE_REASONS = ["same_citizen", "similar_text", "same_category", "close_in_time", "same_location"] as const;
export type DuplicateReason = (typeof DUPLICATE_REASONS)[number];

export type TicketRef = string | number;

export interface DuplicateCandidate {
  id: TicketRef;
  contactId?: TicketRef | null;
  categoryId?: TicketRef | null;
  subject?: string | null;
  description?: string | null;
  receivedAt: Date | string | number;
  locationText?: string | null;
  /** The point the citizen shared or the operator placed (decimal degrees; the database gives strings). */
  latitude?: number | string | null;
  longitude?: number | string | null;
}

export interface DuplicateSignals {
  /** 0..1, stemmed content-token overlap blended with trigram Jaccard. */
  text: number;
  /** 0..1 (the closer of the address texts and the map points), or null when the two tickets share neither kind of location. */
  location: number | null;
  /** Absolute distance between the two receivedAt times, in hours. */
  hoursApart: number;
  sameCitizen: boolean;
  sameCategory: boolean;
}

export interface DuplicateScore {
  /** 0..1 */
  score: number;
  reasons: DuplicateReason[];
  signals: DuplicateSignals;
}

export interface DuplicateSuggestion extends DuplicateScore {
  id: TicketRef;
}

/**
 * How much each signal adds to the score (capped at 1). The same citizen counts fully only
 * when the texts are related too: one citizen often has several different complaints open.
 */
export const DUPLICATE_WEIGHTS = {
  text: 0.55,
  location: 0.2,
  sameCitizen: 0.2,
  sameCategory: 0.1,
  time: 0.1,
} as const;

/** Thresholds above which a signal is named as a reason. */
export const DUPLICATE_THRESHOLDS = {
  similarText: 0.3,
  sameLocation: 0.5,
  closeInTimeHours: 72,
  /** Time support fades from full at 1 day to nothing at 14 days. */
  timeFullHours: 24,
  timeZeroHours: 14 * 24,
  /** Two map points this close are one place; support fades to nothing at geoZeroMeters. */
  geoFullMeters: 150,
  geoZeroMeters: 1000,
} as const;

/** Words of an address that say nothing about which place it is. */
const ADDRESS_NOISE = new Set(
  `jalan gang no nomor nmr rt rw kelurahan kecamatan desa dusun kampung kabupaten kota provinsi
  blok komplek kompleks perumahan perum depan dekat samping belakang seberang sebelah ujung arah
  simpang pertigaan perempatan km`.split(/\s+/),
);

interface Features {
  tokens: Set<string>;
  trigrams: Set<string>;
  location: Set<string> | null;
  point: { lat: number; lon: number } | null;
  at: number;
}

function pointOf(t: DuplicateCandidate): Features["point"] {
  if (t.latitude == null || t.longitude == null || t.latitude === "" || t.longitude === "") return null;
  const lat = Number(t.latitude);
  const lon = Number(t.longitude);
  return Number.isFinite(lat) && Number.isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180 ? { lat, lon } : null;
}

/** Great-circle distance in metres (haversine). */
function metersBetween(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** 0..1 from the distance between two map points. */
function geoSimilarity(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const T = DUPLICATE_THRESHOLDS;
  const d = metersBetween(a, b);
  return d <= T.geoFullMeters ? 1 : Math.max(0, 1 - (d - T.geoFullMeters) / (T.geoZeroMeters - T.geoFullMeters));
}

function toMillis(t: Date | string | number): number {
  const ms = t instanceof Date ? t.getTime() : typeof t === "number" ? t : Date.parse(t);
  if (Number.isNaN(ms)) throw new TypeError(`invalid receivedAt: ${String(t)}`);
  return ms;
}

function features(t: DuplicateCandidate): Features {
  const words = contentTokens(`${t.subject ?? ""}\n${t.description ?? ""}`).map(lightStem);
  const loc = t.locationText?.trim()
    ? contentTokens(t.locationText)
        .filter((w) => !ADDRESS_NOISE.has(w))
        .map((w) => (/^\d+$/.test(w) ? String(Number(w)) : lightStem(w)))
    : [];
  return {
    tokens: new Set(words),
    trigrams: trigramSet(words),
    location: loc.length > 0 ? new Set(loc) : null,
    point: pointOf(t),
    at: toMillis(t.receivedAt),
  };
}

/** Jaccard alone punishes a short SMS against a long web form; blend in the overlap coefficient once both sides say enough. */
function setSimilarity(a: Set<string>, b: Set<string>, minForOverlap: number): number {
  const j = jaccard(a, b);
  if (Math.min(a.size, b.size) < minForOverlap) return j;
  return 0.5 * j + 0.5 * overlapCoefficient(a, b);
}

function scoreFeatures(a: DuplicateCandidate, fa: Features, b: DuplicateCandidate, fb: Features): DuplicateScore {
  const W = DUPLICATE_WEIGHTS;
  const T = DUPLICATE_THRESHOLDS;
  const text = fa.tokens.size === 0 || fb.tokens.size === 0 ? 0 : 0.5 * setSimilarity(fa.tokens, fb.tokens, 3) + 0.5 * jaccard(fa.trigrams, fb.trigrams);
  const byText = fa.location && fb.location ? setSimilarity(fa.location, fb.location, 2) : null;
  const byPoint = fa.point && fb.point ? geoSimilarity(fa.point, fb.point) : null;
  const location = byText == null && byPoint == null ? null : Math.max(byText ?? 0, byPoint ?? 0);
  const hoursApart = Math.abs(fa.at - fb.at) / 3_600_000;
  const sameCitizen = a.contactId != null && b.contactId != null && String(a.contactId) === String(b.contactId);
  const sameCategory = a.categoryId != null && b.categoryId != null && String(a.categoryId) === String(b.categoryId);
  const timeSupport =
    hoursApart <= T.timeFullHours ? 1 : Math.max(0, 1 - (hoursApart - T.timeFullHours) / (T.timeZeroHours - T.timeFullHours));

  const citizenSupport = sameCitizen ? 0.5 + 0.5 * Math.min(1, text / T.similarText) : 0;
  const score = Math.min(
    1,
    W.text * text +
      W.sameCitizen * citizenSupport +
      W.location * (location ?? 0) +
      (sameCategory ? W.sameCategory : 0) +
      W.time * timeSupport,
  );
  const reasons: DuplicateReason[] = [];
  if (sameCitizen) reasons.push("same_citizen");
  if (text >= T.similarText) reasons.push("similar_text");
  if (sameCategory) reasons.push("same_category");
  if (hoursApart <= T.closeInTimeHours) reasons.push("close_in_time");
  if (location != null && location >= T.sameLocation) reasons.push("same_location");
  return { score: round(score), reasons, signals: { text: round(text), location: location == null ? null : round(location), hoursApart: round(hoursApart), sameCitizen, sameCategory } };
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** How likely b duplicates a, 0..1, with the reasons that apply. Symmetric. */
export function duplicateScore(a: DuplicateCandidate, b: DuplicateCandidate): DuplicateScore {
  return scoreFeatures(a, features(a), b, features(b));
}

export interface SuggestDuplicatesOptions {
  /** Most suggestions returned (default 5). */
  limit?: number;
  /** Lowest score suggested (default 0.35). */
  minScore?: number;
}

/** Something about the complaint itself in common (similar text, same place, or the same citizen in the same category) and a score above minScore. */
function isSuggestion(s: DuplicateScore, minScore: number): boolean {
  const substantive =
    s.reasons.includes("similar_text") ||
    s.reasons.includes("same_location") ||
    (s.signals.sameCitizen && (s.signals.sameCategory || s.signals.text >= DUPLICATE_THRESHOLDS.similarText / 2));
  return substantive && s.score >= minScore;
}

/**
 * Groups of likely duplicates among the candidates (single link: two tickets are in one group when
 * either would be suggested as the other's duplicate), largest first; groups of one are left out.
 * The command center's wall shows what is trending with it. Each candidate's text is analysed once.
 */
export function clusterDuplicates(candidates: readonly DuplicateCandidate[], opts: { minScore?: number; minSize?: number } = {}): DuplicateCandidate[][] {
  const minScore = opts.minScore ?? 0.35;
  const fs = candidates.map(features);
  const parent = candidates.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  for (let i = 0; i < candidates.length; i++) {
    for (let j = i + 1; j < candidates.length; j++) {
      if (find(i) === find(j)) continue;
      if (isSuggestion(scoreFeatures(candidates[i]!, fs[i]!, candidates[j]!, fs[j]!), minScore)) parent[find(i)] = find(j);
    }
  }
  const groups = new Map<number, DuplicateCandidate[]>();
  for (let i = 0; i < candidates.length; i++) {
    const root = find(i);
    (groups.get(root) ?? groups.set(root, []).get(root)!).push(candidates[i]!);
  }
  return [...groups.values()].filter((g) => g.length >= (opts.minSize ?? 2)).sort((a, b) => b.length - a.length);
}

/**
 * Candidates most likely to duplicate the target, best first. A suggestion needs something
 * about the complaint itself in common (similar text, same place, or the same citizen in the
 * same category); time and category alone never make two tickets duplicates.
 */
export function suggestDuplicates(
  target: DuplicateCandidate,
  candidates: readonly DuplicateCandidate[],
  opts: SuggestDuplicatesOptions = {},
): DuplicateSuggestion[] {
  const limit = opts.limit ?? 5;
  const minScore = opts.minScore ?? 0.35;
  if (limit <= 0) return [];
  const ft = features(target);
  const out: DuplicateSuggestion[] = [];
  for (const c of candidates) {
    if (String(c.id) === String(target.id)) continue;
    const s = scoreFeatures(target, ft, c, features(c));
    if (isSuggestion(s, minScore)) out.push({ id: c.id, ...s });
  }
  out.sort((x, y) => y.score - x.score || x.signals.hoursApart - y.signals.hoursApart);
  return out.slice(0, limit);
}
