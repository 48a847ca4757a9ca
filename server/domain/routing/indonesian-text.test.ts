import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { contentTokens, foldText, jaccard, lightStem, overlapCoefficient, stemCandidates, tokenize, trigramSet } from "./indonesian-text.js";

describe("indonesian-text", () => {
  it("folds case, accents and full-width letters", () => {
    assert.equal(foldText("Sétyawan ＢＵＤＩ"), "setyawan budi");
  });

  it("tokenizes and expands chat shorthand", () => {
    assert.deepEqual(tokenize("Jln. Merdeka yg rusak, dkt RS"), ["jalan", "merdeka", "yang", "rusak", "dekat", "rumah", "sakit"]);
  });

  it("drops stopwords and greetings from content tokens", () => {
    assert.deepEqual(contentTokens("Selamat pagi min, mohon segera ditindaklanjuti, jalan di depan rumah saya rusak parah ya"), [
      "jalan",
      "rumah",
      "rusak",
      "parah",
    ]);
  });

  it("light stem removes only particles and possessives", () => {
    assert.equal(lightStem("sampahnya"), "sampah");
    assert.equal(lightStem("rumahku"), "rumah");
    assert.equal(lightStem("jalanan"), "jalanan");
    assert.equal(lightStem("bisakah"), "bisa");
    assert.equal(lightStem("nya"), "nya");
  });

  it("stem candidates contain the root of common affixed words", () => {
    const has = (word: string, root: string) => assert.ok(stemCandidates(word).includes(root), `${word} -> ${root}: ${stemCandidates(word).join(",")}`);
    has("berlubang", "lubang");
    has("pengobatan", "obat");
    has("kebanjiran", "banjir");
    has("menyapu", "sapu");
    has("diperbaiki", "baik");
    has("pengaspalan", "aspal");
    has("sampahnya", "sampah");
    has("baunya", "bau");
    has("persampahan", "sampah");
    has("penumpang", "tumpang");
    assert.equal(stemCandidates("guru")[0], "guru");
  });

  it("set similarities", () => {
    const a = new Set(["a", "b", "c"]);
    const b = new Set(["b", "c", "d", "e", "f"]);
    assert.equal(jaccard(a, b), 2 / 6);
    assert.equal(overlapCoefficient(a, b), 2 / 3);
    assert.equal(jaccard(new Set(), new Set()), 0);
    assert.ok(trigramSet(["rt"]).has(" rt"));
  });
});
