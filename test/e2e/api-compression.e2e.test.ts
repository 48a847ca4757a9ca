// The API's JSON goes out compressed (brotli or gzip) to a client that takes it (an OPD head's inbox on mobile data),
// as it is to others; the live stream is never compressed (a gzip stream would hold events back).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:http";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { sqliteTarget } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";
import { listen } from "../support/console.js";
import { BROWSER_ACCEPT_ENCODING, rawHttp } from "../support/raw-http.js";
import { DEMO_PASSWORD } from "../../server/demo/demo-data.js";

describe("API answers compressed for browsers", () => {
  let t: TestApp;
  let site: { url: string; close(): Promise<void> };
  let cookie = "";
  before(async () => {
    t = await startTestApp(sqliteTarget);
    site = await listen(t);
    const login = await fetch(`${site.url}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: DEMO.operator, password: DEMO_PASSWORD }) });
    assert.equal(login.status, 200);
    cookie = login.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  });
  after(async () => {
    await site?.close();
    await t?.close();
  });

  it("a page of the queue: compressed for a browser (brotli or gzip), the same JSON unpacked, plain to others", async () => {
    const url = `${site.url}/api/tickets?range=[0,24]`;
    const plain = await rawHttp(url, { cookie });
    assert.equal(plain.status, 200);
    assert.equal(plain.headers["content-encoding"], undefined);
    assert.ok(plain.body.length > 4096, `a page of tickets (${plain.body.length} bytes)`);
    const json = JSON.parse(plain.body.toString("utf8"));
    // Chromium offers brotli too and gets it; a client that offers gzip only gets gzip.
    for (const [ae, encoding, unpack] of [
      [BROWSER_ACCEPT_ENCODING["accept-encoding"], "br", brotliDecompressSync],
      ["gzip, deflate", "gzip", gunzipSync],
    ] as const) {
      const packed = await rawHttp(url, { cookie, "accept-encoding": ae });
      assert.equal(packed.status, 200, ae);
      assert.equal(packed.headers["content-encoding"], encoding, ae);
      assert.match(String(packed.headers.vary), /Accept-Encoding/, ae);
      assert.equal(packed.headers["cache-control"], "no-store", ae);
      assert.equal(packed.headers["content-range"], plain.headers["content-range"], ae);
      assert.deepEqual(JSON.parse(unpack(packed.body).toString("utf8")), json, `${ae}: the same JSON unpacked`);
      assert.ok(packed.body.length < plain.body.length / 3, `${ae}: ${packed.body.length} of ${plain.body.length} bytes on the wire`);
    }
    // Small answers and errors are not worth it.
    const me = await rawHttp(`${site.url}/api/auth/me`, { cookie });
    assert.ok(me.status === 200 && me.body.length < 1024, `the session is a small answer (${me.body.length} bytes)`);
    assert.equal((await rawHttp(`${site.url}/api/auth/me`, { cookie, ...BROWSER_ACCEPT_ENCODING })).headers["content-encoding"], undefined, "under 1 kB: sent as it is");
    const denied = await rawHttp(url, BROWSER_ACCEPT_ENCODING);
    assert.deepEqual([denied.status, denied.headers["content-encoding"]], [401, undefined]);
  });

  it("the live stream is not compressed: its first lines arrive at once, readable as they are", async () => {
    const { headers, first } = await new Promise<{ headers: Record<string, unknown>; first: string }>((resolve, reject) => {
      const req = request(`${site.url}/api/events`, { headers: { cookie, accept: "text/event-stream", ...BROWSER_ACCEPT_ENCODING } }, (res) => {
        res.once("data", (chunk: Buffer) => {
          resolve({ headers: res.headers, first: chunk.toString("utf8") });
          req.destroy();
        });
      });
      req.on("error", (err) => (err.message.includes("aborted") ? undefined : reject(err)));
      req.setTimeout(5000, () => reject(new Error("no event within 5 s: the stream is being held back")));
      req.end();
    });
    assert.match(String(headers["content-type"]), /text\/event-stream/);
    assert.equal(headers["content-encoding"], undefined);
    assert.match(first, /^retry: 2000/);
  });
});
