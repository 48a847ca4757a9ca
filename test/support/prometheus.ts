/**
 * A strict parser of the Prometheus text exposition format 0.0.4, for tests: it throws on any line
 * Prometheus would reject or that breaks the format's rules (sample before its TYPE, a family
 * declared twice, the same series twice, bad names, label escapes or values, histogram buckets that
 * are not cumulative or whose +Inf bucket differs from _count).
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}
export interface Family {
  name: string;
  type: "counter" | "gauge" | "histogram" | "summary" | "untyped";
  help?: string;
  samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);

function parseValue(s: string, line: number): number {
  // Prometheus reads values with Go's strconv.ParseFloat: NaN and Inf in any letter case (prom-client writes "Nan").
  if (/^nan$/i.test(s)) return NaN;
  if (/^\+?inf(inity)?$/i.test(s)) return Infinity;
  if (/^-inf(inity)?$/i.test(s)) return -Infinity;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) throw new Error(`line ${line}: bad value ${JSON.stringify(s)}`);
  return Number(s);
}

/** The family a sample name belongs to (histogram/summary suffixes). */
function familyOf(name: string, families: Map<string, Family>): Family | undefined {
  const direct = families.get(name);
  if (direct) return direct;
  for (const suffix of ["_bucket", "_sum", "_count"]) {
    if (!name.endsWith(suffix)) continue;
    const f = families.get(name.slice(0, -suffix.length));
    if (f && (f.type === "histogram" || (f.type === "summary" && suffix !== "_bucket"))) return f;
  }
  return undefined;
}

function parseLabels(text: string, line: number): { labels: Record<string, string>; rest: string } {
  const labels: Record<string, string> = {};
  let i = 1; // after "{"
  for (;;) {
    while (text[i] === " ") i++;
    if (text[i] === "}") return { labels, rest: text.slice(i + 1) };
    const m = /^([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"/.exec(text.slice(i));
    if (!m) throw new Error(`line ${line}: bad label at ${JSON.stringify(text.slice(i))}`);
    const name = m[1]!;
    if (!LABEL_NAME.test(name) || name.startsWith("__")) throw new Error(`line ${line}: bad label name ${name}`);
    if (name in labels) throw new Error(`line ${line}: label ${name} twice`);
    i += m[0].length;
    let value = "";
    for (;;) {
      const ch = text[i];
      if (ch === undefined) throw new Error(`line ${line}: unterminated label value`);
      if (ch === "\\") {
        const next = text[i + 1];
        if (next === "\\") value += "\\";
        else if (next === '"') value += '"';
        else if (next === "n") value += "\n";
        else throw new Error(`line ${line}: bad escape \\${next}`);
        i += 2;
      } else if (ch === '"') {
        i++;
        break;
      } else {
        value += ch;
        i++;
      }
    }
    labels[name] = value;
    while (text[i] === " ") i++;
    if (text[i] === ",") i++;
    else if (text[i] !== "}") throw new Error(`line ${line}: expected , or } after label ${name}`);
  }
}

export function parsePrometheusText(body: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const seenSeries = new Set<string>();
  const withSamples = new Set<string>();
  if (body.length && !body.endsWith("\n")) throw new Error("the exposition must end with a newline");
  body.split("\n").forEach((raw, idx) => {
    const line = idx + 1;
    if (raw === "") return;
    if (raw.startsWith("#")) {
      const m = /^# (HELP|TYPE) (\S+)(?: (.*))?$/.exec(raw);
      if (!m) return; // a plain comment
      const [, kind, name, rest = ""] = m;
      if (!METRIC_NAME.test(name!)) throw new Error(`line ${line}: bad metric name ${name}`);
      let f = families.get(name!);
      if (kind === "TYPE") {
        if (!TYPES.has(rest)) throw new Error(`line ${line}: bad type ${rest}`);
        if (f?.type && f.samples.length) throw new Error(`line ${line}: TYPE of ${name} after its samples`);
        if (f && (f as { typed?: boolean }).typed) throw new Error(`line ${line}: TYPE of ${name} twice`);
        if (!f) families.set(name!, (f = { name: name!, type: rest as Family["type"], samples: [] }));
        f.type = rest as Family["type"];
        (f as { typed?: boolean }).typed = true;
      } else {
        if (f?.help !== undefined) throw new Error(`line ${line}: HELP of ${name} twice`);
        if (!f) families.set(name!, (f = { name: name!, type: "untyped", samples: [] }));
        f.help = rest;
      }
      return;
    }
    const nm = /^([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(raw);
    if (!nm) throw new Error(`line ${line}: bad sample ${JSON.stringify(raw)}`);
    const name = nm[1]!;
    let rest = raw.slice(name.length);
    let labels: Record<string, string> = {};
    if (rest.startsWith("{")) ({ labels, rest } = parseLabels(rest, line));
    const vm = /^ (\S+)(?: (-?\d+))?$/.exec(rest);
    if (!vm) throw new Error(`line ${line}: bad value part ${JSON.stringify(rest)}`);
    const value = parseValue(vm[1]!, line);
    const f = familyOf(name, families);
    if (!f || !(f as { typed?: boolean }).typed) throw new Error(`line ${line}: sample ${name} without a TYPE before it`);
    const series = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (seenSeries.has(series)) throw new Error(`line ${line}: series ${series} twice`);
    seenSeries.add(series);
    // A family's samples must be contiguous.
    const last = [...withSamples].at(-1);
    if (withSamples.has(f.name) && last !== f.name) throw new Error(`line ${line}: samples of ${f.name} are not together`);
    withSamples.delete(f.name);
    withSamples.add(f.name);
    f.samples.push({ name, labels, value });
  });
  for (const f of families.values()) if (f.type === "histogram") checkHistogram(f);
  return families;
}

function checkHistogram(f: Family): void {
  const groups = new Map<string, Sample[]>();
  const keyOf = (s: Sample) => JSON.stringify(Object.entries(s.labels).filter(([k]) => k !== "le").sort());
  for (const s of f.samples) groups.set(keyOf(s), [...(groups.get(keyOf(s)) ?? []), s]);
  for (const [key, samples] of groups) {
    const buckets = samples.filter((s) => s.name === `${f.name}_bucket`).map((s) => ({ le: parseValue(s.labels.le ?? "", 0), v: s.value }));
    buckets.sort((a, b) => a.le - b.le);
    for (let i = 1; i < buckets.length; i++) if (buckets[i]!.v < buckets[i - 1]!.v) throw new Error(`${f.name}${key}: buckets not cumulative`);
    const inf = buckets.at(-1);
    const count = samples.find((s) => s.name === `${f.name}_count`);
    if (!inf || inf.le !== Infinity) throw new Error(`${f.name}${key}: no +Inf bucket`);
    if (!count || count.value !== inf.v) throw new Error(`${f.name}${key}: _count differs from the +Inf bucket`);
    if (!samples.some((s) => s.name === `${f.name}_sum`)) throw new Error(`${f.name}${key}: no _sum`);
  }
}

/** The value of one series (labels must match exactly those given, others ignored), or undefined. */
export function valueOf(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const f of families.values())
    for (const s of f.samples) if (s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)) return s.value;
  return undefined;
}
