// Issue 17, acceptance 4: the console's API types come from the server's presenters
// (server/http/presenters/wire.ts, imported type-only by console/src/api-types.ts), so renaming a
// presenter field the console reads breaks the console's type check. This test type-checks the
// console as `npm run typecheck` does, once with a ticket presenter whose field is renamed in
// memory, and expects errors in the console's ticket page that name the old field.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const PRESENTER = join(root, "server/http/presenters/ticket.presenter.ts");

/** The console's diagnostics with `file` read as `replace` makes it. */
function consoleDiagnostics(file: string, replace: (text: string) => string): ts.Diagnostic[] {
  const configPath = join(root, "console/tsconfig.json");
  const config = ts.readConfigFile(configPath, (p) => readFileSync(p, "utf8"));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, join(root, "console"));
  const host = ts.createCompilerHost(parsed.options);
  const read = host.readFile.bind(host);
  host.readFile = (p) => {
    const text = read(p);
    return text !== undefined && resolve(p) === file ? replace(text) : text;
  };
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options, host });
  return [...ts.getPreEmitDiagnostics(program)];
}

describe("the console's types come from the presenters", () => {
  it("renaming the ticket presenter's `privacy` field breaks the console's type check where it is read", () => {
    const original = readFileSync(PRESENTER, "utf8");
    assert.match(original, /^ {4}privacy: t\.privacy,$/m, "the presenter still has the field this test renames");
    const diagnostics = consoleDiagnostics(PRESENTER, (text) => text.replace(/^( {4})privacy: t\.privacy,$/m, "$1privacyLevel: t.privacy,"));
    const messages = diagnostics.map((d) => `${d.file ? d.file.fileName.slice(root.length + 1) : "?"}: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`);
    const onPrivacy = messages.filter((m) => m.startsWith("console/src/") && /Property 'privacy' does not exist/.test(m));
    assert.ok(onPrivacy.length > 0, `expected the console to fail on the renamed field; got:\n${messages.slice(0, 10).join("\n")}`);
    assert.ok(onPrivacy.some((m) => m.startsWith("console/src/tickets/")), onPrivacy.join("\n"));
    // Nothing else broke: every error is about the renamed field.
    assert.deepEqual(messages.filter((m) => !/'privacy'/.test(m)), []);
  });
});
