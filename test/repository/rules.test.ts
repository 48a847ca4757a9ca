// The repository's structural rules (issue 17): each shared rule is defined once, in
// channels/rules/; server code reaches connectors only through channels/connector.ts,
// channels/registry.ts and the rules; production code never imports test-only code.
// Reads the source files; runs in milliseconds.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { CHANNEL_KINDS } from "../../channels/rules/channel-kinds.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const RULES = "channels/rules/";

/** Production source files: server/, channels/ and console/src/, without tests and test-only code. */
function productionFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(join(root, dir))) {
      if (name === "node_modules" || name === "dist" || name.startsWith(".")) continue;
      const p = `${dir}/${name}`;
      if (statSync(join(root, p)).isDirectory()) walk(p);
      else if (/\.(ts|tsx|mjs)$/.test(name) && !/\.test\.tsx?$/.test(name) && !isTestOnly(p)) out.push(p);
    }
  };
  for (const d of ["server", "channels", "console/src"]) walk(d);
  return out;
}

/** Test-only code: fakes of providers and test helpers. Production code never imports it. */
const TEST_ONLY = [/^channels\/testing(\.ts|\/)/, /^server\/jobs\/agenda-backend\/testing\//, /(^|\/)test-support\.ts$/, /^test\//];
const isTestOnly = (p: string) => TEST_ONLY.some((r) => r.test(p));

const files = productionFiles();
const read = (p: string) => readFileSync(join(root, p), "utf8");
/** Source without comments, so a doc comment with an example number is not a definition. */
const code = (p: string) => read(p).replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`\\])\/\/.*$/gm, "$1");

function offenders(test: (src: string, path: string) => boolean, where = files): string[] {
  return where.filter((p) => !p.startsWith(RULES) && test(code(p), p));
}

function importsOf(p: string): string[] {
  const src = code(p);
  const out: string[] = [];
  for (const m of src.matchAll(/(?:import|export)\s[^;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g)) out.push((m[1] ?? m[2])!);
  return out.filter((s) => s.startsWith(".")).map((s) => relative(root, resolve(join(root, dirname(p)), s)));
}

describe("shared rules are defined once, in channels/rules/", () => {
  it("the ticket-number pattern", () => {
    const bad = offenders((s) => /ADU-\\\\?d|\[Aa\]\[Dd\]\[Uu\]|`ADU-\$\{/.test(s));
    assert.deepEqual(bad, [], "these files define a ticket-number pattern; import it from channels/rules/ticket-number.ts");
  });

  it("the status words", () => {
    const bad = offenders((s) => /\bcek\b[^\n]*\|[^\n]*\binfo\b|\(\?:status\||\^\\s\*\\\/\?status/i.test(s) || /["']cek["']/.test(s));
    assert.deepEqual(bad, [], "these files define status words; use channels/rules/status-words.ts");
  });

  it("the channel kinds", () => {
    // A list naming five or more channel kinds in quotes on one line is a copy of CHANNEL_KINDS.
    // Connector ids ("twilio-sms", "whatsapp-web", …) share some names but are not kinds.
    const bad = offenders((s) => s.split("\n").some((line) => !/["']twilio-sms["']/.test(line) && CHANNEL_KINDS.filter((k) => new RegExp(`["']${k}["']`).test(line)).length >= 5));
    assert.deepEqual(bad, [], "these files list the channel kinds; import CHANNEL_KINDS from channels/rules/channel-kinds.ts");
  });

  it("the secret-field names", () => {
    const bad = offenders((s) => /token\|secret|secret\|pass/i.test(s));
    assert.deepEqual(bad, [], "these files define which fields are secret; use channels/rules/secret-fields.ts");
  });

  it("following merged tickets", () => {
    const bad = offenders((s) => /status\s*===\s*"merged"\s*&&\s*\w+\.mergedIntoId/.test(s));
    assert.deepEqual(bad, [], "these files follow merged tickets by hand; use followMerged from channels/rules/merged-tickets.ts");
  });

  it("channels/rules/ is a leaf: it imports nothing outside itself", () => {
    const bad = files.filter((p) => p.startsWith(RULES)).flatMap((p) => importsOf(p).filter((i) => !i.startsWith(RULES.slice(0, -1))).map((i) => `${p} → ${i}`));
    assert.deepEqual(bad, []);
  });
});

describe("one intake path", () => {
  it("every inbound message goes through the one ingest command (ingestInboundBatch); only it calls the per-message step", () => {
    const bad = offenders((s, p) => p !== "server/commands/ingest-batch.ts" && p !== "server/commands/ingest-inbound-message.ts" && /\bingestInboundMessage\b/.test(s));
    assert.deepEqual(bad, [], "these files take messages in past the one ingest command; call ingestInboundBatch (a batch of one is the single case)");
  });

  it("new ticket and message rows are built in one place (server/entities/rows.ts)", () => {
    // A hand-built row names columns that no update sets together: a message's forwardId and
    // deliveryStatus, a ticket's trackingSecretHash and previousStatus, within one object literal.
    const literal = (a: string, b: string) => new RegExp(`\\b${a}:[^{}]*\\b${b}:|\\b${b}:[^{}]*\\b${a}:`);
    const bad = offenders((s, p) => p !== "server/entities/rows.ts" && !p.startsWith("server/http/presenters/") && (literal("forwardId", "deliveryStatus").test(s) || literal("trackingSecretHash", "previousStatus").test(s)));
    assert.deepEqual(bad, [], "these files build ticket or message rows by hand; use newTicketRow / newMessageRow");
  });
});

describe("one error type", () => {
  it("HTTP faults are HttpError (server/lib/errors.ts), never an Error given a status by hand", () => {
    const bad = offenders((s, p) => p.startsWith("server/") && /Object\.assign\(\s*new Error\([\s\S]{0,400}?\{\s*status\s*:/.test(s));
    assert.deepEqual(bad, [], "these files make an HTTP error by hand; use the constructors in server/lib/errors.ts");
  });
});

describe("thin routes", () => {
  it("presenters live in server/http/presenters/: no route file defines one", () => {
    const bad = offenders((s, p) => p.startsWith("server/http/routes/") && /^(?:export )?(?:const|function) present\w*/m.test(s));
    assert.deepEqual(bad, [], "these route files define a presenter; move it to server/http/presenters/");
  });
});

describe("the connector boundary", () => {
  const ALLOWED = new Set(["channels/connector.js", "channels/registry.js", "channels/connector", "channels/registry"]);
  it("server/ imports from channels/ only connector.ts, registry.ts and the rules", () => {
    const bad = files
      .filter((p) => p.startsWith("server/"))
      .flatMap((p) => importsOf(p).filter((i) => i.startsWith("channels/") && !ALLOWED.has(i) && !i.startsWith(RULES.slice(0, -1))).map((i) => `${p} → ${i}`));
    assert.deepEqual(bad, []);
  });

  it("production code never imports test-only code", () => {
    const bad = files.flatMap((p) => importsOf(p).filter((i) => isTestOnly(i)).map((i) => `${p} → ${i}`));
    assert.deepEqual(bad, []);
  });

  it("the checks see the code (a planted copy is found)", () => {
    // Guards the checks above against passing because they read nothing.
    assert.ok(files.length > 100, `only ${files.length} production files found`);
    assert.ok(/ADU-\\\\?d/.test(String.raw`const P = /^ADU-\d{4}-\d{5,}$/;`));
    assert.ok(files.includes("channels/rules/ticket-number.ts"));
  });
});
