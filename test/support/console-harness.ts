/**
 * The one browser harness of the console's tests: the console built, the test app on a real
 * socket, Chromium, and pages signed in as a demo user, all closed by one close(). A browser test:
 *
 *   let c: ConsoleHarness;
 *   before(async () => { c = await startConsole(target, { seed: async (t) => … }); });
 *   after(() => c?.close());
 *   it("…", async () => { const page = await c.signedIn(DEMO.operator); … });
 *
 * What a test starts besides the app (a fake provider, a worker, a receiver) it hands to `own` in
 * its seed, and close() closes that too: the browser, the socket, what runs on the app ("before-app":
 * a worker, the outbox follower, a session supervisor), the app, then what the app talked to
 * (a fake Twilio, a webhook receiver; the default).
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
  /** Closes the browser, the socket, what was owned "before-app", the app (its database too), then what was owned "after-app". */
  close(): Promise<void>;
}

/**
 * Hands something the test started to the harness, to close with it. "before-app" is for what
 * uses the app's database (closed after the browser and the socket, before the app); "after-app",
 * the default, for what the app calls (closed last). Within a group, the last owned closes first.
 */
export type Own = (close: () => unknown, when?: "before-app" | "after-app") => void;

export interface ConsoleOptions {
  /** Config for startTestApp. */
  app?: Partial<Config>;
  /** Runs after the app starts and before it listens; what it starts, it hands to `own`. */
  seed?: (t: TestApp, own: Own) => Promise<void>;
  /** The defaults of page() and signedIn() contexts (after the desk viewport, before their own options). */
  context?: BrowserContextOptions;
}

/** A desk screen: what most console tests look at. */
export const DESK_VIEWPORT = { width: 1440, height: 1000 };

export async function startConsole(target: TestTarget, opts: ConsoleOptions = {}): Promise<ConsoleHarness> {
  ensureConsoleBuilt();
  const t = await startTestApp(target, opts.app);
  let server: Awaited<ReturnType<typeof listen>> | undefined;
  let browser: TestBrowser | undefined;
  const owned = { "before-app": [] as (() => unknown)[], "after-app": [] as (() => unknown)[] };
  const own: Own = (fn, when = "after-app") => void owned[when].push(fn);
  const close = async () => {
    // Every step runs even if one fails (the runner fails a file that leaves handles open); the first error is thrown.
    const errors: unknown[] = [];
    const step = async (fn: (() => unknown) | undefined) => {
      try {
        await fn?.();
      } catch (err) {
        errors.push(err);
      }
    };
    await step(browser && (() => browser!.close()));
    await step(server && (() => server!.close()));
    for (const fn of owned["before-app"].splice(0).reverse()) await step(fn);
    await step(() => t.close());
    for (const fn of owned["after-app"].splice(0).reverse()) await step(fn);
    if (errors.length) throw errors[0];
  };
  try {
    await opts.seed?.(t, own);
    server = await listen(t);
    browser = await launchBrowser();
  } catch (err) {
    await close();
    throw err;
  }
  const b = browser;
  const url = server.url;
  const page = async (options: BrowserContextOptions = {}) => (await b.context({ viewport: DESK_VIEWPORT, ...opts.context, ...options })).newPage();
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
