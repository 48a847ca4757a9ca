// The test runner itself (scripts/test.mjs): a green run must mean every declared test ran.
// Runs the runner on small fixture files (named *.fixture.ts, so a normal run never picks them).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";

const RUNNER = "scripts/test.mjs";
const FIXTURES = "test/runner/fixtures";

function runRunner(files: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, [RUNNER, "--paths", ...files.map((f) => `${FIXTURES}/${f}`)], {
      env: { ...process.env, TEST_JOBS: "1", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (c) => (out += c));
    child.stderr.on("data", (c) => (out += c));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, out, ms: Date.now() - started }));
  });
}

const closingLine = (out: string) => out.trim().split("\n").at(-1) ?? "";

describe("scripts/test.mjs", () => {
  it("passes a complete file and prints its count and the closing totals line", async () => {
    const r = await runRunner(["passes.fixture.ts"]);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /✔ test\/runner\/fixtures\/passes\.fixture\.ts: 5 passed, 0 failed, 2 skipped/);
    assert.equal(closingLine(r.out), "total: 5 passed, 0 failed, 2 skipped");
  });

  it("fails the run and names a file that exits with code 0 before all its tests ran", async () => {
    const r = await runRunner(["passes.fixture.ts", "exits-early.fixture.ts"]);
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /✖ test\/runner\/fixtures\/exits-early\.fixture\.ts: .*\n\s+✖ test\/runner\/fixtures\/exits-early\.fixture\.ts: ended \(exit 0\) before node's test runner reported its summary/);
    assert.match(r.out, /failing files:\n\s+test\/runner\/fixtures\/exits-early\.fixture\.ts/);
    assert.match(closingLine(r.out), /^total: \d+ passed, [1-9]\d* failed/);
  });

  it("fails a file that leaves a server open, names it and its handle, within the grace period", async () => {
    const r = await runRunner(["leaves-server-open.fixture.ts"], { TEST_HANDLE_GRACE_S: "2" });
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /leaves-server-open\.fixture\.ts: its tests finished but the process did not exit within 2 s/);
    assert.match(r.out, /leaves-server-open\.fixture\.ts: open handles: server listening on 127\.0\.0\.1:\d+/);
    assert.ok(r.ms < 15_000, `took ${r.ms} ms`);
    assert.equal(closingLine(r.out), "total: 1 passed, 1 failed");
  });

  it("stops a file past its timeout and names the test that was running", async () => {
    const r = await runRunner(["hangs-in-a-test.fixture.ts"], { TEST_FILE_TIMEOUT_S: "2" });
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /hangs-in-a-test\.fixture\.ts: still running after 2 s; running: "waits forever"/);
    assert.ok(r.ms < 15_000, `took ${r.ms} ms`);
  });
});
