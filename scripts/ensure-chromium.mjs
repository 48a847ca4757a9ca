#!/usr/bin/env node
// Makes sure Debian's Chromium is installed for the browser tests (playwright-core drives it;
// we never let playwright download a browser). Run by scripts/test.mjs when CI=true or when
// browser tests are selected. Installing needs root (apt-get); without it, say how to do it.
import { existsSync } from "node:fs";
import { spawnSync } from "node:child_process";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export function ensureChromium({ quiet = false } = {}) {
  if (existsSync(CHROMIUM)) return true;
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const sudo = isRoot ? [] : ["sudo", "-n"];
  if (!quiet) console.error(`Chromium not found at ${CHROMIUM}; installing Debian's package 'chromium' with apt-get…`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const run = (args) => spawnSync(sudo[0] ?? args[0], sudo.length ? [...sudo.slice(1), ...args] : args.slice(1), { stdio: quiet ? "ignore" : "inherit", env });
  let r = run(["apt-get", "install", "-y", "--no-install-recommends", "chromium"]);
  if (r.status !== 0) {
    run(["apt-get", "update"]);
    r = run(["apt-get", "install", "-y", "--no-install-recommends", "chromium"]);
  }
  if (r.status !== 0 || !existsSync(CHROMIUM)) {
    console.error("Could not install Chromium. Install it with: sudo apt-get install -y chromium (or set CHROMIUM_PATH).");
    return false;
  }
  return true;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exit(ensureChromium() ? 0 : 1);
}
