// Command-line options shared by the benchmarks: counts ("1m", "50k", "1_000_000"), the databases
// (--db=mariadb|sqlite|both) and the options of every benchmark that seeds tickets and times reads.
import type { BenchEngine } from "./databases.js";

/** "1m" → 1,000,000; "50k" → 50,000; "1_000" → 1,000. */
export function parseCount(v: string): number {
  const m = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(v.replace(/_/g, ""));
  if (!m) throw new Error(`not a count: ${v}`);
  return Math.round(Number(m[1]) * (m[2]?.toLowerCase() === "m" ? 1e6 : m[2]?.toLowerCase() === "k" ? 1e3 : 1));
}

export const parseCountList = (v: string) => v.split(",").filter(Boolean).map(parseCount);

/** --db=mariadb (or mysql), sqlite or both. */
export function parseEngines(v: string): BenchEngine[] {
  if (v === "both") return ["mariadb", "sqlite"];
  if (v === "mariadb" || v === "mysql") return ["mariadb"];
  if (v === "sqlite") return ["sqlite"];
  throw new Error(`--db=mariadb|sqlite|both, not ${v}`);
}

/** `--key=value` → [key, value]. */
export const splitOption = (arg: string) => arg.replace(/^--/, "").split("=", 2) as [string, string?];

export interface SeededReadArgs {
  tickets: number;
  engines: BenchEngine[];
  rounds: number;
  warmup: number;
  seed: number;
  /** Keep the seeded database; `reuse` measures a kept one again without seeding. */
  keep: boolean;
  reuse: boolean;
}

/**
 * The options of a benchmark that seeds N tickets and times reads against a primary-key read:
 * --tickets=N --db=mariadb|sqlite|both --rounds=N --warmup=N --seed=N --keep --reuse.
 */
export function parseSeededReadArgs(argv: string[], defaults: { rounds: number; warmup: number; tickets?: number }): SeededReadArgs {
  const a: SeededReadArgs = { tickets: defaults.tickets ?? 1_000_000, engines: ["mariadb", "sqlite"], rounds: defaults.rounds, warmup: defaults.warmup, seed: 20260101, keep: false, reuse: false };
  for (const arg of argv) {
    const [k, v = ""] = splitOption(arg);
    switch (k) {
      case "tickets": a.tickets = parseCount(v); break;
      case "db": a.engines = parseEngines(v); break;
      case "rounds": a.rounds = parseCount(v); break;
      case "warmup": a.warmup = parseCount(v); break;
      case "seed": a.seed = parseCount(v); break;
      case "keep": a.keep = true; break;
      case "reuse": a.reuse = a.keep = true; break;
      default: throw new Error(`unknown option ${arg} (--tickets=N --db=mariadb|sqlite|both --rounds=N --warmup=N --seed=N --keep --reuse)`);
    }
  }
  return a;
}
