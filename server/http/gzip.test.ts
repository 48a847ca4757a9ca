import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { gunzipSync } from "node:zlib";
import { gzipEtag, gzipVariantOf, type GzipVariant } from "./gzip.js";

describe("gzip variants of stored answers", () => {
  it("a body up to 64 kB is compressed at once; its ETag is told apart from the uncompressed one's", () => {
    const body = Buffer.from("<p>Jalan rusak di Kecamatan Sukajadi</p>\n".repeat(400));
    let called = false;
    const v = gzipVariantOf(body, 'W/"1a2b-xyz"', () => (called = true));
    assert.ok(v, "ready now");
    assert.ok(gunzipSync(v.body).equals(body));
    assert.equal(v.etag, 'W/"1a2b-xyz-gz"');
    assert.equal(called, false, "no later call for a body compressed at once");
  });

  it("a larger body is compressed off the event loop and handed over when done", async () => {
    // Half text, half random bytes: 300 kB that compress to something, but not to nothing.
    const body = Buffer.concat([Buffer.from("laporan,status,kategori\n".repeat(6250)), randomBytes(150_000)]);
    let later: GzipVariant | undefined;
    const done = new Promise<void>((resolve) => {
      const now = gzipVariantOf(body, '"abc"', (v) => {
        later = v;
        resolve();
      });
      assert.equal(now, undefined, "sent uncompressed until the variant is ready");
    });
    await done;
    assert.ok(later && gunzipSync(later.body).equals(body));
    assert.equal(later.etag, '"abc-gz"');
  });

  it("no ETag, no ETag for the variant", () => assert.equal(gzipEtag(undefined), undefined));
});
