import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createHash } from "node:crypto";
import { linkHash } from "../audit/chain.js";
import { canonicalJson, hashPassword, SCRYPT, sha256Hex, verifyPassword } from "./crypto.js";

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

/** canonicalJson as the first audit links were hashed with it (2026-11): the output may never change. */
function firstCanonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(firstCanonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${firstCanonicalJson(v)}`).join(",")}}`;
}

describe("the audit chain's hashing", () => {
  it("canonical JSON writes exactly what the first version wrote, for every kind of value", () => {
    const sparse = [1, , 3]; // eslint-disable-line no-sparse-arrays
    const values: unknown[] = [
      null, undefined, 0, -0, 1.5, NaN, Infinity, "", "kutip \"dan\" \\ garis\n", "\ud800 sendiri", "✓ Jalan",
      true, false, new Date("2026-12-07T03:04:05.678Z"), [], {}, sparse, [undefined, null, { b: 1, a: [2, undefined] }],
      { z: 1, a: undefined, "é": 2, E: 3, "10": 4, "9": 5, nested: { y: [new Date(0)], x: null } },
      { texts: { "messages#991.body": "ab".repeat(32), "messages#991.subject": null }, status: "baru" },
    ];
    for (const v of values) assert.equal(canonicalJson(v), firstCanonicalJson(v), `for ${String(firstCanonicalJson(v))}`);
  });

  it("SHA-256 is the same digest for strings (UTF-8, a lone surrogate as U+FFFD) and bytes", () => {
    for (const s of ["", "abc", "✓ Jalan berlubang", "\ud800 sendiri"]) {
      assert.equal(sha256Hex(s), createHash("sha256").update(s).digest("hex"));
      assert.equal(sha256Hex(Buffer.from(s, "utf8")), createHash("sha256").update(Buffer.from(s, "utf8")).digest("hex"));
    }
  });

  it("a link hashes to the value the first version gave it (stored chains still verify)", () => {
    const link = {
      chainKey: "ticket:42", seq: 7, prevHash: "ab".repeat(32), ticketId: 42, actorUserId: null, actorLabel: 'twilio-sms "webhook" ✓',
      type: "message.received", entityType: "message", entityId: "991", beforeJson: null, afterJson: '{"texts":{"messages#991.body":"x"}}',
      createdAt: new Date("2026-12-07T03:04:05.678Z"),
    };
    assert.equal(linkHash(link), "2afc7fba14ea7ebe3aeb6c9b674b841406ba583124371f5506da1b6581232c8c");
  });
});
