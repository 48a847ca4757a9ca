#!/usr/bin/env node
// Runs every *.test.ts under server/, channels/ and test/ with node's test runner (through tsx).
// CI=true means nothing is skipped: MariaDB must be reachable and the browser tests run.
// Usage: npm test [-- <path filter>...]
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { ensureChromium } from "./ensure-chromium.mjs";

const roots = ["server", "channels", "test"];
const filters = process.argv.slice(2);
const files = [];
function walk(dir) {
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name.startsWith(".")) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (p.endsWith(".test.ts")) files.push(p);
  }
}
for (const r of roots) {
  try { walk(r); } catch { /* folder may not exist yet */ }
}
const selected = files.filter((f) => filters.length === 0 || filters.some((x) => f.includes(x))).sort();
if (selected.length === 0) {
  console.error("no test files matched");
  process.exit(1);
}
// Browser tests (*.browser.test.ts) need Debian's Chromium: installed here when missing.
const strict = process.env.CI === "true" || process.env.CI === "1";
if (selected.some((f) => f.includes(".browser.test.")) && !ensureChromium() && strict) {
  console.error("CI=true and Chromium is missing: the browser tests cannot run");
  process.exit(1);
}
const typecheck = process.env.SKIP_TYPECHECK
  ? { status: 0 }
  : [spawnSync("npx", ["tsc", "-p", "tsconfig.json", "--noEmit"], { stdio: "inherit" }), spawnSync("npx", ["tsc", "-p", "console/tsconfig.json"], { stdio: "inherit" })].find((r) => r.status !== 0) ?? { status: 0 };
if (typecheck.status !== 0) {
  console.error("typecheck failed");
  process.exit(1);
}
const args = ["--import", "tsx", "--test", "--test-force-exit", "--test-concurrency=1", "--test-reporter=spec", ...selected];
const run = spawnSync(process.execPath, args, { stdio: "inherit", env: { ...process.env, NODE_ENV: "test", LOG_LEVEL: process.env.LOG_LEVEL ?? "silent" } });
process.exit(run.status ?? 1);
