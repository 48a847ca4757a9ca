import cliProgress from "cli-progress";
import type { SeedProgress } from "./seed-bulk.js";

/**
 * A progress bar on stderr for seedBulk's onProgress: one bar per phase (contacts, tickets).
 * When stderr is not a terminal (CI logs), a line is printed every few seconds instead.
 */
export function seedProgressBar(label: string): { onProgress: (p: SeedProgress) => void; stop: () => void } {
  return phaseProgressBar(label, ["reference"]);
}

/**
 * The same for any phased work reporting {phase, done, total}: one bar per phase, phases in `silent`
 * draw none, "done" ends the last bar.
 */
export function phaseProgressBar(label: string, silent: readonly string[] = []): { onProgress: (p: { phase: string; done: number; total: number }) => void; stop: () => void } {
  let bar: cliProgress.SingleBar | null = null;
  let phase: string | null = null;
  let startedAt = 0;
  const stop = () => {
    bar?.stop();
    bar = null;
  };
  return {
    stop,
    onProgress(p) {
      if (silent.includes(p.phase)) return;
      if (p.phase === "done") return stop();
      if (p.phase !== phase) {
        stop();
        phase = p.phase;
        bar = new cliProgress.SingleBar(
          {
            stream: process.stderr,
            format: `${label} ${p.phase.padEnd(8)} [{bar}] {percentage}% | {value}/{total} | {rate}/s | ETA {eta_formatted}`,
            barsize: 30,
            hideCursor: true,
            noTTYOutput: true,
            notTTYSchedule: 5000,
            etaBuffer: 50,
            fps: 5,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(p.total, 0, { rate: "0" });
        startedAt = Date.now();
      }
      const secs = Math.max(0.001, (Date.now() - startedAt) / 1000);
      bar!.update(p.done, { rate: Math.round(p.done / secs).toLocaleString("en-US") });
    },
  };
}
