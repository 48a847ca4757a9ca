import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { caseTextDigests, parseTextRef, textColumnsIn, textDigest } from "./case-texts.js";

describe("case text digests", () => {
  it("are the SHA-256 of the stored UTF-8 text, so an auditor can check one with sha256sum", () => {
    const text = "Lubang sudah ditambal — Jl. Kenari 🚧";
    assert.equal(textDigest(text), createHash("sha256").update(Buffer.from(text, "utf8")).digest("hex"));
    assert.notEqual(textDigest(text), textDigest(`${text} `), "one trailing space is a different text");
    assert.equal(textDigest(null), null);
    assert.equal(textDigest(undefined), null);
    // A lone surrogate is stored as U+FFFD by both database drivers: the digest is of that.
    assert.equal(textDigest("a\uD800b"), textDigest("a\uFFFDb"));
  });

  it("name table#row.column from the entity's properties; undefined is stored as NULL and recorded so", () => {
    assert.deepEqual(caseTextDigests("forwards", 12, { instruction: "Mohon ditambal.", response: undefined, returnReason: null }), {
      "forwards#12.instruction": textDigest("Mohon ditambal."),
      "forwards#12.response": null,
      "forwards#12.return_reason": null,
    });
    assert.deepEqual(caseTextDigests("forwards", 12, { response: "Sudah." }, ["response"]), { "forwards#12.response": textDigest("Sudah.") });
    assert.deepEqual(caseTextDigests("tickets", 3, { locationText: "Jl. Kenari" }, textColumnsIn("tickets", { locationText: "x", priority: "high" })), {
      "tickets#3.location_text": textDigest("Jl. Kenari"),
    });
  });

  it("parse only known tables and columns (the verifier never takes SQL names from a payload)", () => {
    assert.deepEqual(parseTextRef("messages#40.body_html"), { table: "messages", id: 40, column: "body_html" });
    for (const bad of ["users#1.password_hash", "messages#40.external_id", "messages#x.body", "messages#1.body; DROP TABLE x", "constructor#1.body", "messages#1.toString"]) {
      assert.equal(parseTextRef(bad), null, bad);
    }
  });
});
