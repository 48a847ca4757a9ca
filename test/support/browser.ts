import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

/**
 * Debian's Chromium driven by playwright-core (never a downloaded browser). scripts/test.mjs
 * installs the package when browser tests are selected; with CI=true a missing browser fails
 * the run, otherwise browser tests skip with `browserSkip`.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const strict = process.env.CI === "true" || process.env.CI === "1";

/** `false` when the browser can run; otherwise a reason to pass as node:test's `skip`. */
export const browserSkip: false | string = existsSync(CHROMIUM_PATH)
  ? false
  : strict
    ? false // let launch fail loudly under CI
    : `Chromium not installed at ${CHROMIUM_PATH} (apt-get install -y chromium)`;

export interface TestBrowser {
  browser: Browser;
  /** A fresh context (own cookies); pass `javaScriptEnabled: false` to test pages without JS. */
  context(options?: Parameters<Browser["newContext"]>[0]): Promise<BrowserContext>;
  close(): Promise<void>;
}

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

/**
 * A browser with a profile on disk (`userDataDir`), like an operator's own browser: unlike the
 * off-the-record contexts of launchBrowser(), it keeps V8's code cache between page loads.
 */
export async function launchPersistentContext(userDataDir: string, options: Parameters<typeof chromium.launchPersistentContext>[1] = {}): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, locale: "id-ID", timezoneId: "Asia/Jakarta", ...options });
}

export async function launchBrowser(): Promise<TestBrowser> {
  // playwright gives every launch a fresh temporary profile (the --user-data-dir the probe used).
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  const contexts: BrowserContext[] = [];
  return {
    browser,
    async context(options) {
      const ctx = await browser.newContext({ locale: "id-ID", timezoneId: "Asia/Jakarta", ...options });
      contexts.push(ctx);
      return ctx;
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => {});
      await browser.close().catch(() => {});
    },
  };
}

/** Where screenshots go (test artifacts): test-artifacts/screenshots, or $ARTIFACTS_DIR. */
export const ARTIFACTS_DIR = resolve(process.env.ARTIFACTS_DIR ?? "test-artifacts");

export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = join(ARTIFACTS_DIR, "screenshots");
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name.replace(/[^a-z0-9._-]+/gi, "-")}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Runs axe-core in the page and returns its violations (id, impact, first targets). */
export async function axeViolations(page: Page): Promise<{ id: string; impact: string | null; help: string; targets: string[] }[]> {
  const { createRequire } = await import("node:module");
  const require = createRequire(import.meta.url);
  const axePath = require.resolve("axe-core/axe.min.js");
  await page.addScriptTag({ path: axePath });
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const axe = (globalThis as any).axe;
    const r = await axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
    }));
  });
  return result;
}
