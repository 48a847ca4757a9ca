import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { launchBrowser, axeViolations, screenshot, browserSkip } from "../support/browser.js";
test("browser harness works", { skip: browserSkip }, async () => {
  const srv = createServer((_q, r) => { r.setHeader("content-type","text/html; charset=utf-8"); r.end('<!doctype html><html lang="id"><head><title>x</title></head><body><main><h1>Halo</h1></main></body></html>'); });
  await new Promise<void>((res) => srv.listen(0, "127.0.0.1", () => res()));
  const port = (srv.address() as { port: number }).port;
  const b = await launchBrowser();
  try {
    const page = await (await b.context()).newPage();
    await page.goto(`http://127.0.0.1:${port}/`);
    assert.equal(await page.textContent("h1"), "Halo");
    assert.deepEqual(await axeViolations(page), []);
    await screenshot(page, "smoke");
  } finally { await b.close(); srv.close(); }
});
