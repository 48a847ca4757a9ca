import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { hashPassword, SCRYPT, verifyPassword } from "./crypto.js";

const cryptoModule = fileURLToPath(new URL("./crypto.ts", import.meta.url));

/** A password hash made by a process with the given NODE_ENV (a fresh process: the cost is read at start). */
function hashIn(nodeEnv: string, password: string): string {
  const script = `const { hashPassword } = await import(${JSON.stringify(cryptoModule)}); process.stdout.write(await hashPassword(${JSON.stringify(password)}));`;
  return execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { env: { ...process.env, NODE_ENV: nodeEnv }, encoding: "utf8" });
}

describe("password hashes", () => {
  it("outside the test runner a new hash costs N=2^15, r=8, p=1 (OWASP's minimum), and it verifies", async () => {
    const stored = hashIn("production", "Rahasia-Sekali-2026");
    assert.match(stored, /^scrypt\$32768\$8\$1\$/);
    assert.equal(await verifyPassword("Rahasia-Sekali-2026", stored), true);
    assert.equal(await verifyPassword("rahasia-sekali-2026", stored), false);
  });

  it("under the test runner new hashes are cheaper, and each hash verifies with the cost stored in it", async () => {
    assert.equal(process.env.NODE_ENV, "test");
    assert.equal(SCRYPT.N, 1024);
    const stored = await hashPassword("Rahasia-Sekali-2026");
    assert.match(stored, /^scrypt\$1024\$8\$1\$/);
    assert.equal(await verifyPassword("Rahasia-Sekali-2026", stored), true);
    assert.equal(await verifyPassword("Rahasia-Sekali-2027", stored), false);
  });
});
