import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { evaluateRouting, isHeldOut, routingFeatures, routingWords, suggestAgencies, suggestRouting, trainRoutingModel, type RoutingExample } from "./category-suggest.js";

const EXAMPLES: RoutingExample[] = [
  { text: "Jalan berlubang besar di depan pasar, motor jatuh", category: "jalan", agencyId: 1 },
  { text: "jln rusak parah, aspal mengelupas", category: "jalan", agencyId: 1 },
  { text: "Jembatan kayu di desa lapuk dan miring", category: "jalan", agencyId: 1 },
  { text: "Sampah di TPS tidak diangkut seminggu, bau", category: "sampah", agencyId: 2 },
  { text: "tumpukan sampah liar di pinggir sungai", category: "sampah", agencyId: 2 },
  { text: "truk sampah gk dtg udh 5 hari", category: "sampah", agencyId: 2 },
  { text: "Obat hipertensi di puskesmas kosong", category: "obat", agencyId: 3 },
  { text: "vaksin campak habis di puskesmas", category: "obat", agencyId: 3 },
  { text: "stok obat di pustu kosong semua", category: "obat", agencyId: 4 },
];

describe("routing text normalization", () => {
  it("expands chat shorthand and Palembang words, drops function words, folds numbers", () => {
    assert.deepEqual(routingWords("Jln. Merdeka yg rusak udh 30 hr, gk diperbaiki dgn alasan dana"), ["jalan", "merdeka", "rusak", "#n", "hr", "diperbaiki", "alasan", "dana"]);
    // gk / ga / nggak / tdk / dak all become "tidak", a function word: none of them is a feature.
    for (const w of ["gk", "ga", "nggak", "tdk", "dak", "udh", "sdh", "yg", "dgn", "bgt", "krn", "sy", "lg", "tlg", "nian"]) assert.deepEqual(routingWords(w), [], w);
    assert.deepEqual(routingWords("wong dak pacak lewat jembatan"), ["pacak", "lewat", "jembatan"]);
  });

  it("adds affix-stripped roots, word pairs and character grams", () => {
    const f = routingFeatures("Kebanjiran, jalan berlubang");
    assert.equal(f.get("w:kebanjiran"), 1);
    assert.equal(f.get("w:banjir"), 0.5, "ke-…-an stripped");
    assert.equal(f.get("w:lubang"), 0.5, "ber- stripped");
    assert.ok(f.has("p:jalan_berlubang"));
    assert.ok(f.has("g:lub") === false && f.has("g:luba"), "4-grams");
    for (const [word, root] of [["dibersihkan", "bersih"], ["pengangkutan", "angkut"], ["sampahnya", "sampah"], ["terbakar", "bakar"], ["diperbaiki", "baik"]]) {
      assert.ok(routingFeatures(word).has(`w:${root}`), `${word} -> ${root}`);
    }
  });
});

describe("routing model", () => {
  const model = trainRoutingModel(EXAMPLES);

  it("trains to plain JSON that survives a round trip and is deterministic", () => {
    const json = JSON.stringify(model);
    assert.deepEqual(JSON.parse(json), model);
    assert.equal(JSON.stringify(trainRoutingModel([...EXAMPLES])), json);
    assert.deepEqual(model.categories.map((c) => [c.code, c.examples]), [["jalan", 3], ["obat", 3], ["sampah", 3]]);
    assert.deepEqual(model.categories.find((c) => c.code === "obat")!.agencies, { "3": 2, "4": 1 });
  });

  it("ranks the right category first, confidences sum to 1 and fall down the list", () => {
    const cases: [string, string][] = [
      ["jalanan di desa kami berlubang", "jalan"],
      ["smpah numpuk dak diangkut", "sampah"],
      ["obatnya kosong, beli sendiri di apotek", "obat"],
      ["jembatan miring mau roboh", "jalan"],
    ];
    for (const [text, code] of cases) {
      const r = suggestRouting(model, text);
      assert.equal(r[0]!.categoryCode, code, `${text}: ${JSON.stringify(r)}`);
      assert.ok(Math.abs(r.reduce((a, s) => a + s.confidence, 0) - 1) < 0.01);
      for (let i = 1; i < r.length; i++) assert.ok(r[i - 1]!.confidence >= r[i]!.confidence);
    }
    assert.equal(suggestRouting(model, "sampah", { limit: 1 }).length, 1);
  });

  it("gives the most frequent OPD of a category, and OPD rankings weighted by category confidence", () => {
    const r = suggestRouting(model, "obat di puskesmas kosong");
    assert.equal(r[0]!.agencyId, 3);
    const opd = suggestAgencies(model, r);
    assert.equal(opd[0]!.agencyId, 3);
    assert.ok(opd[0]!.confidence > opd[1]!.confidence);
    // A category never seen forwarded falls back to its default OPD.
    const bare = trainRoutingModel([{ text: "lampu merah mati", category: "lampu" }, { text: "sampah menumpuk", category: "sampah" }]);
    assert.deepEqual(suggestAgencies(bare, suggestRouting(bare, "lampu merah simpang mati"), (code) => (code === "lampu" ? 9 : null)).map((a) => a.agencyId), [9]);
  });

  it("suggests nothing for a text with no known word (a greeting, an empty message)", () => {
    assert.deepEqual(suggestRouting(model, "Terima kasih pak, mohon ditindaklanjuti ya"), []);
    assert.deepEqual(suggestRouting(model, ""), []);
    assert.deepEqual(suggestRouting(trainRoutingModel([]), "jalan rusak"), []);
  });

  it("evaluates top-1 and top-3 on held-out examples; the split is a stable hash of the text", () => {
    const e = evaluateRouting(model, [
      { text: "jalan rusak berlubang", category: "jalan" },
      { text: "vaksin habis", category: "obat" },
      { text: "jembatan kayu lapuk", category: "sampah" },
    ]);
    assert.equal(e.examples, 3);
    assert.equal(e.top1, 0.667);
    assert.equal(e.top3, 1);
    assert.deepEqual(e.perCategory.sampah, { examples: 1, top1: 0, top3: 1 });
    assert.equal(isHeldOut("jalan rusak"), isHeldOut("JALAN RUSAK"));
    const share = Array.from({ length: 400 }, (_, i) => isHeldOut(`keluhan nomor ${i}`)).filter(Boolean).length / 400;
    assert.ok(share > 0.18 && share < 0.32, String(share));
  });
});
