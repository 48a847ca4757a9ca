import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applyRedactions, highlightsOf, normalizeRedactions, publicVersion } from "./public-preview.js";

describe("public preview: hand redactions", () => {
  it("replaces whole words and phrases in any case and spacing, longest first, never inside a word", () => {
    assert.equal(applyRedactions("Sugiarto  WIBISONO dan sugiarto; Sugiartono tetap", ["Sugiarto", "sugiarto wibisono"]), "[disamarkan] dan [disamarkan]; Sugiartono tetap");
    assert.equal(applyRedactions("a.n. (Sugiarto)", ["Sugiarto"]), "a.n. ([disamarkan])");
    assert.equal(applyRedactions("tanpa perubahan", []), "tanpa perubahan");
  });
  it("normalizes the list: trimmed, single spaces, distinct, no one-letter phrases", () => {
    assert.deepEqual(normalizeRedactions(["  Budi   Santoso ", "budi santoso", "x", "Ani"]), ["Budi Santoso", "Ani"]);
  });
  it("the public version is the masking plus the redactions", () => {
    assert.equal(publicVersion("Rina melapor: Sugiarto parkir di trotoar, hp 08123456789", { names: ["Rina Marlina"] }, ["Sugiarto"]), "[nama disamarkan] melapor: [disamarkan] parkir di trotoar, hp [nomor telepon disamarkan]");
  });
});

describe("public preview: highlights", () => {
  const marks = (s: string) => highlightsOf(s).map((h) => [h.kind, s.slice(h.start, h.end)]);
  it("marks tokens, addresses, numbers and capitalised words that may be names", () => {
    assert.deepEqual(marks("Menurut [nama disamarkan], Sugiarto parkir di Jl. Kenanga 12 sejak 3 hari; RT 03/RW 05, Gg. Mawar."), [
      ["name", "Menurut"],
      ["masked", "[nama disamarkan]"],
      ["name", "Sugiarto"],
      ["address", "Jl. Kenanga 12"],
      ["number", "3"],
      ["address", "RT 03/RW 05"],
      ["address", "Gg. Mawar"],
    ]);
  });
  it("does not mark common words, forms of address or ordinary lower-case text", () => {
    assert.deepEqual(marks("Terima kasih, Bapak. Jalan raya sudah diperbaiki."), []);
  });
});
