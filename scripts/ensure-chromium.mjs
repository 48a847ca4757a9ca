#!/usr/bin/env node
// Makes sure Debian's Chromium is installed for the browser tests (playwright-core drives it;
// we never let playwright download a browser). Run by scripts/test.mjs when CI=true or when
// browser tests are selected. Installing needs root (apt-get); without it, say how to do it.
import { existsSync } from "node:fs";
import { aptInstall } from "./apt-install.mjs";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export function ensureChromium({ quiet = false } = {}) {
  return aptInstall("chromium", () => existsSync(CHROMIUM), { quiet, label: `Chromium (${CHROMIUM}; or set CHROMIUM_PATH)` });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exit(ensureChromium() ? 0 : 1);
}
