import cliProgress from "cli-progress";

/**
 * A progress bar on stderr for long CLI work (backup, restore, export), one bar per phase; plain
 * lines when stderr is not a terminal (CI logs, cron).
 */
export function phaseProgress(label: string): { update(phase: string, done: number, total: number, what: string): void; stop(): void } {
  const tty = process.stderr.isTTY;
  let bar: cliProgress.SingleBar | null = null;
  let current = "";
  return {
    update(phase, done, total, what) {
      if (phase !== current) {
        bar?.stop();
        current = phase;
        if (tty) {
          bar = new cliProgress.SingleBar({ format: `${label} ${phase.padEnd(11)} {bar} {value}/{total} {what}`, stream: process.stderr }, cliProgress.Presets.shades_classic);
          bar.start(total, done, { what });
        } else console.error(`${label} ${phase}: ${total}`);
      }
      bar?.update(done, { what: what.slice(0, 40) });
    },
    stop() {
      bar?.stop();
      bar = null;
    },
  };
}
