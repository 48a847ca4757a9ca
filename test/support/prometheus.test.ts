import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Counter, Histogram, Registry } from "prom-client";
import { parsePrometheusText, valueOf } from "./prometheus.js";

/** The strict parser the metrics tests rely on: it must reject what Prometheus would, or those tests prove nothing. */
describe("strict Prometheus text parser", () => {
  it("reads prom-client's own output, label escapes included", async () => {
    const registry = new Registry();
    const c = new Counter({ name: "x_total", help: "h", labelNames: ["path"], registers: [registry] });
    c.inc({ path: 'a "quoted"\\path\nnext' }, 3);
    const h = new Histogram({ name: "lat_seconds", help: "h", buckets: [0.1, 1], registers: [registry] });
    h.observe(0.5);
    h.observe(5);
    const f = parsePrometheusText(await registry.metrics());
    assert.equal(valueOf(f, "x_total", { path: 'a "quoted"\\path\nnext' }), 3);
    assert.equal(valueOf(f, "lat_seconds_bucket", { le: "1" }), 1);
    assert.equal(valueOf(f, "lat_seconds_count"), 2);
    assert.equal(f.get("lat_seconds")!.type, "histogram");
  });

  const bad: [string, string][] = [
    ["a sample without TYPE", "x 1\n"],
    ["a bad metric name", "# TYPE 1x gauge\n1x 1\n"],
    ["a bad value", "# TYPE x gauge\nx one\n"],
    ["an unterminated label", '# TYPE x gauge\nx{a="1} 1\n'],
    ["a bad escape", '# TYPE x gauge\nx{a="\\t"} 1\n'],
    ["a duplicate series", '# TYPE x gauge\nx{a="1"} 1\nx{a="1"} 2\n'],
    ["TYPE twice", "# TYPE x gauge\n# TYPE x gauge\nx 1\n"],
    ["no final newline", "# TYPE x gauge\nx 1"],
    ["interleaved families", "# TYPE x gauge\n# TYPE y gauge\nx 1\ny 1\nx{a=\"b\"} 2\n"],
    ["buckets not cumulative", '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n'],
    ["_count not the +Inf bucket", '# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 3\n'],
  ];
  for (const [what, text] of bad) it(`refuses ${what}`, () => assert.throws(() => parsePrometheusText(text)));
});
