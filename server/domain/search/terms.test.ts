import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { booleanModeQuery, fts5Query, matchesAllTerms, searchTerms, snippet } from "./terms.js";

describe("search terms", () => {
  it("keeps words of three letters or more, lower case, once, without InnoDB's stopwords", () => {
    assert.deepEqual(searchTerms("Jalan di RT 05 the JALAN rusak, ADU-2611-00042"), ["jalan", "rusak", "adu", "2611", "00042"]);
    assert.deepEqual(searchTerms("di ke"), []);
    assert.deepEqual(searchTerms(null), []);
  });

  it("writes each engine's query with every word a required prefix; user syntax cannot get in", () => {
    const terms = searchTerms('jalan" OR rusak* -lampu +(x)');
    assert.equal(booleanModeQuery(terms), "+jalan* +rusak* +lampu*");
    assert.equal(fts5Query(terms), '"jalan"* AND "rusak"* AND "lampu"*');
  });

  it("matches a word by its beginning only", () => {
    assert.ok(matchesAllTerms("Lampu jalanan padam", ["jalan", "lamp"]));
    assert.ok(!matchesAllTerms("perjalanan dinas", ["jalan"]), "not inside a word");
    assert.ok(!matchesAllTerms("Lampu padam", ["jalan", "lamp"]), "every word");
  });

  it("cuts an excerpt around the first match and marks each matched word", () => {
    const long = `${"awal ".repeat(40)}lampu jalanan di Gang Kenari padam ${"akhir ".repeat(40)}`;
    const parts = snippet(long, ["jalan", "kenari"])!;
    assert.deepEqual(parts.filter((p) => p.mark).map((p) => p.text), ["jalanan", "Kenari"]);
    assert.equal(parts[0]!.text, "… ");
    assert.equal(parts.at(-1)!.text, " …");
    assert.ok(parts.map((p) => p.text).join("").length <= 170);
    assert.equal(snippet("tidak ada", ["jalan"]), null);
  });
});
