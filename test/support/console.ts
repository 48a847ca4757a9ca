import { spawnSync } from "node:child_process";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import type { Page } from "playwright-core";
import { DEMO_PASSWORD } from "../../server/demo/demo-data.js";
import type { TestApp } from "./app.js";

let built = false;
/** Builds the console once per test process when missing or stale (a clean clone has no console/dist). */
export function ensureConsoleBuilt() {
  if (built) return;
  const r = spawnSync(process.execPath, ["scripts/build-console.mjs"], { stdio: "inherit" });
  if (r.status !== 0) throw new Error("console build failed");
  built = true;
}

/** The test app listening on 127.0.0.1 (browsers need a real socket; supertest does not). */
export async function listen(t: TestApp): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = await new Promise((resolve) => {
    const s = t.app.listen(0, "127.0.0.1", () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Fills react-admin's login form (whatever page it is on) and waits for it to go away. */
export async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.getByLabel(/^(Email|Username)/).first().fill(email);
  await page.getByLabel(/^(Kata sandi|Password)/).first().fill(password);
  await page.getByRole("button", { name: /^(Masuk|Sign in)$/ }).click();
  await page.waitForURL((u) => !u.hash.startsWith("#/login"), { timeout: 15_000 });
}
