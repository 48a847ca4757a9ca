/**
 * The one browser harness of the console's tests: the console built, the test app on a real
 * socket, Chromium, and pages signed in as a demo user, all closed by one close(). A browser test:
 *
 *   let c: ConsoleHarness;
 *   before(async () => { c = await startConsole(target, { seed: async (t) => … }); });
 *   after(() => c?.close());
 *   it("…", async () => { const page = await c.signedIn(DEMO.operator); … });
 */
import type { BrowserContextOptions, Page } from "playwright-core";
import type { Config } from "../../server/config/env.js";
import { startTestApp, type TestApp } from "./app.js";
import { launchBrowser, type TestBrowser } from "./browser.js";
import { ensureConsoleBuilt, listen, signIn } from "./console.js";
import type { TestTarget } from "./databases.js";

export interface ConsoleHarness {
  t: TestApp;
  /** http://127.0.0.1:<port> */
  url: string;
  browser: TestBrowser;
  /** A page in a context of its own (a separate login), at about:blank. */
  page(options?: BrowserContextOptions): Promise<Page>;
  /** A page in a context of its own, at the console, signed in as this demo user. */
  signedIn(email: string, options?: BrowserContextOptions): Promise<Page>;
  /** Closes the browser, the socket and the app (its database too). */
  close(): Promise<void>;
}

/** A desk screen: what most console tests look at. */
export const DESK_VIEWPORT = { width: 1440, height: 1000 };

export async function startConsole(target: TestTarget, opts: { app?: Partial<Config>; seed?: (t: TestApp) => Promise<void> } = {}): Promise<ConsoleHarness> {
  ensureConsoleBuilt();
  const t = await startTestApp(target, opts.app);
  let server: Awaited<ReturnType<typeof listen>> | undefined;
  let browser: TestBrowser | undefined;
  const close = async () => {
    await browser?.close();
    await server?.close();
    await t.close();
  };
  try {
    await opts.seed?.(t);
    server = await listen(t);
    browser = await launchBrowser();
  } catch (err) {
    await close();
    throw err;
  }
  const b = browser;
  const url = server.url;
  const page = async (options: BrowserContextOptions = {}) => (await b.context({ viewport: DESK_VIEWPORT, ...options })).newPage();
  return {
    t,
    url,
    browser: b,
    page,
    async signedIn(email, options) {
      const p = await page(options);
      await p.goto(`${url}/console/#/login`);
      await signIn(p, email);
      return p;
    },
    close,
  };
}
