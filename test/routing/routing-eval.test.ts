// Issue 19, acceptance 2: the routing evaluation runs in CI. The same evaluation as
// `npm run eval:routing` (scripts/eval-routing.ts): trained on the train part of the shipped
// corpus, measured on the held-out part; fails under 80% top-3 accuracy.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { evaluateRouting, trainRoutingModel } from "../../server/domain/routing/category-suggest.js";
import { DEMO_CATEGORIES } from "../../server/demo/demo-data.js";
import { loadRoutingCorpus, splitRoutingCorpus } from "../../server/lib/routing-corpus.js";

describe("routing evaluation on the shipped corpus", () => {
  const corpus = loadRoutingCorpus();
  const { train, test } = splitRoutingCorpus(corpus);

  it("has at least 300 complaints covering every demo category, each in both parts", () => {
    assert.ok(corpus.length >= 300, String(corpus.length));
    const codes = new Set(DEMO_CATEGORIES.map((c) => c.code as string));
    for (const e of corpus) assert.ok(codes.has(e.category), `unknown category ${e.category}: ${e.text}`);
    for (const code of codes) {
      const n = corpus.filter((e) => e.category === code).length;
      assert.ok(n >= 20, `${code}: only ${n} complaints`);
      assert.ok(test.some((e) => e.category === code) && train.some((e) => e.category === code), `${code} is missing from one part`);
    }
    assert.equal(new Set(corpus.map((e) => e.text.toLowerCase())).size, corpus.length, "no duplicate texts");
    assert.ok(test.length >= 60 && train.length >= 200, `${train.length}/${test.length}`);
  });

  it("top-3 accuracy on the held-out part is at least 80%", () => {
    const r = evaluateRouting(trainRoutingModel(train), test);
    console.log(`routing held-out: top-1 ${(r.top1 * 100).toFixed(1)}%, top-3 ${(r.top3 * 100).toFixed(1)}% over ${r.examples} complaints`);
    assert.ok(r.top3 >= 0.8, `top-3 ${r.top3}: ${JSON.stringify(r.perCategory)}`);
    assert.ok(r.top1 > 0.5, `top-1 ${r.top1}`);
  });
});
