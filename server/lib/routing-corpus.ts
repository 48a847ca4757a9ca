import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { isHeldOut, type RoutingExample } from "../domain/routing/category-suggest.js";

/** The labelled complaints shipped with Aduan (docs/routing.md): the bootstrap model and the evaluation. */
export const ROUTING_CORPUS_PATH = fileURLToPath(new URL("../domain/routing/routing-corpus.jsonl", import.meta.url));

let cached: RoutingExample[] | null = null;

/** Every example of the corpus, in file order. */
export function loadRoutingCorpus(path = ROUTING_CORPUS_PATH): RoutingExample[] {
  if (path === ROUTING_CORPUS_PATH && cached) return cached;
  const rows = readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l, i) => {
      const o = JSON.parse(l) as { text?: unknown; category?: unknown };
      if (typeof o.text !== "string" || typeof o.category !== "string") throw new Error(`${path}:${i + 1}: needs {text, category}`);
      return { text: o.text, category: o.category };
    });
  if (path === ROUTING_CORPUS_PATH) cached = rows;
  return rows;
}

/** The deterministic split: the held-out quarter (by a hash of each text) is never trained on. */
export function splitRoutingCorpus(examples: readonly RoutingExample[]): { train: RoutingExample[]; test: RoutingExample[] } {
  const train: RoutingExample[] = [];
  const test: RoutingExample[] = [];
  for (const e of examples) (isHeldOut(e.text) ? test : train).push(e);
  return { train, test };
}
