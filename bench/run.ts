// npm run bench -- <name> [args]: runs bench/<name>.bench.ts. Benchmarks print their figures beside a
// baseline measured in the same run (a ratio), because these machines are noisy.
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here).filter((f) => f.endsWith(".bench.ts")).map((f) => f.replace(/\.bench\.ts$/, ""));
const [name, ...args] = process.argv.slice(2);
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <${available.join("|")}> [options]`);
  process.exit(name ? 2 : 0);
}
const mod = (await import(pathToFileURL(join(here, `${name}.bench.ts`)).href)) as { default: (args: string[]) => Promise<void> };
await mod.default(args);
process.exit(0);
