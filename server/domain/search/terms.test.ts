import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { booleanModeQuery, fts5Query, matchesAllTerms, searchTerms, snippet, sqliteRegexp, termRegexp } from "./terms.js";

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

  it("the scan's regular expression: a word's beginning, case ignored, each engine's word characters", () => {
    const on = (term: string, text: string | null) => sqliteRegexp(termRegexp(term, "sqlite"), text);
    assert.equal(on("jalan", "Lampu JALANAN padam"), 1);
    assert.equal(on("jalan", "perjalanan dinas"), 0, "not inside a word");
    assert.equal(on("raya", "jalan_raya"), 1, "FTS5's unicode61 splits on _");
    assert.equal(on("jalan", null), 0);
    // MariaDB's pattern is PCRE2 with the flag inline; InnoDB keeps _ inside a word.
    assert.equal(termRegexp("raya", "mariadb"), "(?i)(?<![\\p{L}\\p{N}_])raya");
  });
});
