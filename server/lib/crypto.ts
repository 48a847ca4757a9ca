import { createCipheriv, createDecipheriv, createHmac, hash, randomBytes, scrypt as scryptCb, timingSafeEqual } from "node:crypto";
import { promisify } from "node:util";

const scrypt = promisify(scryptCb) as (pw: string, salt: Buffer, keylen: number, opts: object) => Promise<Buffer>;

/**
 * scrypt parameters (N=2^15, r=8, p=1: OWASP's recommended minimum), stored with each hash, so a
 * hash verifies with the cost it was made with. Under the test runner (NODE_ENV=test, which
 * scripts/test.mjs sets for every test process) new hashes cost N=2^10: the same algorithm and code
 * path, at a cost that does not dominate a suite that seeds a dozen users and logs in thousands of
 * times (the production cost is held by crypto.test.ts).
 */
export const SCRYPT = { N: process.env.NODE_ENV === "test" ? 1024 : 32768, r: 8, p: 1, keylen: 32, maxmem: 64 * 1024 * 1024 };

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password.normalize("NFKC"), salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p, maxmem: SCRYPT.maxmem });
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString("base64")}$${key.toString("base64")}`;
}

let passwordChecks = 0;
/** How many password hashes this process has checked (login throttling is judged by it; an ops counter too). */
export const passwordCheckCount = () => passwordChecks;

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  passwordChecks++;
  const [scheme, n, r, p, saltB64, keyB64] = stored.split("$");
  if (scheme !== "scrypt" || !keyB64) return false;
  const expected = Buffer.from(keyB64, "base64");
  const key = await scrypt(password.normalize("NFKC"), Buffer.from(saltB64, "base64"), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: SCRYPT.maxmem,
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A password hash for nobody, at the cost new hashes get: logins for unknown accounts spend the same time. */
export const DUMMY_PASSWORD_HASH = `scrypt$${SCRYPT.N}$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=`;

export const randomToken = (bytes = 32) => randomBytes(bytes).toString("base64url");
/** SHA-256 in hex (one-shot: no Hash object per call; strings as UTF-8, as createHash's update takes them). */
export const sha256Hex = (data: string | Buffer) => hash("sha256", data, "hex");
export const hmacHex = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data).digest("hex");

export function safeEqualStrings(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** AES-256-GCM for secrets at rest: "v1.<iv>.<tag>.<ciphertext>" in base64url. */
export function encryptSecret(key: Buffer, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const ct = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v1", iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), ct.toString("base64url")].join(".");
}

export function decryptSecret(key: Buffer, sealed: string): string {
  const [v, iv, tag, ct] = sealed.split(".");
  if (v !== "v1" || !iv || !tag || ct === undefined) throw new Error("not an encrypted secret");
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(ct, "base64url")), decipher.final()]).toString("utf8");
}

/**
 * Deterministic JSON (sorted keys) so a hash over it is stable. Every audit link is hashed over
 * this text: its output must never change (crypto.test.ts holds it against the first version).
 * Written as loops that append to one string: it runs several times per audit event.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) {
    let out = "[";
    // A hole of a sparse array is written as nothing, as Array.prototype.join writes it.
    for (let i = 0; i < value.length; i++) out += (i === 0 ? "" : ",") + (i in value ? canonicalJson(value[i]) : "");
    return out + "]";
  }
  const keys = Object.keys(value).sort();
  let out = "{";
  let first = true;
  for (const k of keys) {
    const v = (value as Record<string, unknown>)[k];
    if (v === undefined) continue;
    out += (first ? "" : ",") + JSON.stringify(k) + ":" + canonicalJson(v);
    first = false;
  }
  return out + "}";
}
