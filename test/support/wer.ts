/** Words of a transcript for scoring: lower case, no punctuation (Indonesian letters are ASCII). */
export const wordsOf = (s: string) => s.toLowerCase().normalize("NFKD").replace(/[^\p{L}\p{N}\s]/gu, " ").split(/\s+/).filter(Boolean);

/** Word error rate: (substitutions + deletions + insertions) / words of the reference. */
export function wordErrorRate(reference: string, hypothesis: string): number {
  const r = wordsOf(reference);
  const h = wordsOf(hypothesis);
  let prev = Array.from({ length: h.length + 1 }, (_, j) => j);
  for (let i = 1; i <= r.length; i++) {
    const cur = [i];
    for (let j = 1; j <= h.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (r[i - 1] === h[j - 1] ? 0 : 1));
    prev = cur;
  }
  return r.length ? prev[h.length]! / r.length : 0;
}
