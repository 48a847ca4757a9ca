// npm run eval:routing — trains the routing model on the train part of the shipped corpus and
// prints top-1 and top-3 accuracy on the held-out part (overall and per category). Exits 1 when
// top-3 accuracy is under 80% (issue 19, acceptance 2). `--json` prints the numbers as JSON.
import { evaluateRouting, trainRoutingModel } from "../server/domain/routing/category-suggest.js";
import { loadRoutingCorpus, splitRoutingCorpus } from "../server/lib/routing-corpus.js";

export const MIN_TOP3 = 0.8;

const corpus = loadRoutingCorpus();
const { train, test } = splitRoutingCorpus(corpus);
const model = trainRoutingModel(train);
const r = evaluateRouting(model, test);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

if (process.argv.includes("--json")) {
  console.log(JSON.stringify({ corpus: corpus.length, train: train.length, ...r }, null, 2));
} else {
  console.log(`routing corpus: ${corpus.length} complaints, ${train.length} trained on, ${test.length} held out (${model.vocabulary} features)`);
  console.log(`top-1 accuracy: ${pct(r.top1)}`);
  console.log(`top-3 accuracy: ${pct(r.top3)}  (minimum ${pct(MIN_TOP3)})`);
  console.log("");
  console.log("category                 held-out  top-1    top-3");
  for (const [code, c] of Object.entries(r.perCategory)) console.log(`${code.padEnd(24)} ${String(c.examples).padStart(8)}  ${pct(c.top1).padStart(6)}  ${pct(c.top3).padStart(7)}`);
}
if (r.top3 < MIN_TOP3) {
  console.error(`FAIL: top-3 accuracy ${pct(r.top3)} is under ${pct(MIN_TOP3)}`);
  process.exit(1);
}
