// The console's built files go out gzipped to a browser (the .gz the build writes beside each),
// and as they are to a client that does not take gzip; both cached for good, each with its ETag.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { gunzipSync } from "node:zlib";
import express from "express";
import { consoleRoutes } from "../../server/http/console.js";
import { ensureConsoleBuilt } from "../support/console.js";
import { BROWSER_ACCEPT_ENCODING, rawHttp } from "../support/raw-http.js";

describe("console: built files gzipped for browsers", () => {
  let server: Server;
  let base = "";
  before(async () => {
    ensureConsoleBuilt();
    const app = express();
    app.use("/console", consoleRoutes());
    server = app.listen(0, "127.0.0.1");
    await once(server, "listening");
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it("the first screen's scripts and stylesheet: gzipped to a browser, the same bytes unpacked, plain to others", async () => {
    const index = await rawHttp(`${base}/console/`);
    assert.equal(index.status, 200);
    const files = [...index.body.toString("utf8").matchAll(/(?:src|href)="\/console\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
    assert.ok(files.some((f) => f.endsWith(".js")) && files.length >= 2, `the page loads its scripts: ${files.join(", ")}`);
    let raw = 0;
    let wire = 0;
    for (const file of files) {
      const url = `${base}/console/${file}`;
      const plain = await rawHttp(url);
      const gz = await rawHttp(url, BROWSER_ACCEPT_ENCODING);
      assert.equal(plain.status, 200, file);
      assert.equal(plain.headers["content-encoding"], undefined, file);
      assert.equal(gz.status, 200, file);
      assert.equal(gz.headers["content-type"], plain.headers["content-type"], `${file}: ${gz.headers["content-type"]}`);
      assert.match(String(gz.headers["content-type"]), /javascript|css/, file);
      if (plain.body.length < 1024) continue; // small files have no .gz
      assert.equal(gz.headers["content-encoding"], "gzip", file);
      assert.match(String(gz.headers.vary), /Accept-Encoding/, file);
      assert.match(String(gz.headers["cache-control"]), /immutable/, file);
      assert.ok(gunzipSync(gz.body).equals(plain.body), `${file}: the same file once unpacked`);
      assert.notEqual(gz.headers.etag, plain.headers.etag, `${file}: its own ETag`);
      assert.equal((await rawHttp(url, { ...BROWSER_ACCEPT_ENCODING, "if-none-match": String(gz.headers.etag) })).status, 304, file);
      const head = await rawHttp(url, BROWSER_ACCEPT_ENCODING, "HEAD");
      assert.deepEqual([head.status, head.headers["content-encoding"], head.body.length], [200, "gzip", 0], `${file}: HEAD`);
      for (const ae of ["identity", "gzip;q=0", "br"]) assert.equal((await rawHttp(url, { "accept-encoding": ae })).headers["content-encoding"], undefined, `${file} with ${ae}`);
      raw += plain.body.length;
      wire += gz.body.length;
    }
    assert.ok(wire > 0 && wire < raw / 2, `first screen: ${wire} bytes on the wire for ${raw}`);
  });

  it("a missing file is still 404, gzip asked or not", async () => {
    for (const h of [{}, BROWSER_ACCEPT_ENCODING]) assert.equal((await rawHttp(`${base}/console/assets/nope-123.js`, h)).status, 404);
  });
});
