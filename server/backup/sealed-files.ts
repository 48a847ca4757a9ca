import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { open, stat } from "node:fs/promises";
import { Readable, Transform } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import { pipeline } from "node:stream/promises";
import { createGunzip, createGzip } from "node:zlib";

/**
 * Files of a backup: gzip, then AES-256-GCM under a key derived from BACKUP_KEY. Layout of a
 * sealed file: "ADUANBK1" (8 bytes), a 12-byte nonce, the ciphertext, the 16-byte GCM tag.
 * The manifest lists each file's SHA-256 and is itself signed with an HMAC key derived from the
 * same BACKUP_KEY, so a changed or corrupted file is refused before anything is read from it.
 */
const MAGIC = Buffer.from("ADUANBK1");
const NONCE = 12;
const TAG = 16;

export interface BackupKeys {
  enc: Buffer;
  mac: Buffer;
  /** Names the key without revealing it (shown when a backup was made with another key). */
  id: string;
}

export function backupKeys(key: Buffer): BackupKeys {
  if (key.length !== 32) throw new Error("BACKUP_KEY must be 32 bytes, as base64 or 64 hex characters");
  const derive = (info: string) => Buffer.from(hkdfSync("sha256", key, Buffer.alloc(0), info, 32));
  return { enc: derive("aduan-backup-encryption"), mac: derive("aduan-backup-manifest"), id: createHmac("sha256", derive("aduan-backup-id")).update("id").digest("hex").slice(0, 16) };
}

export const signManifest = (keys: BackupKeys, text: string) => createHmac("sha256", keys.mac).update(text).digest("hex");
export function manifestSignatureValid(keys: BackupKeys, text: string, signature: string): boolean {
  const want = Buffer.from(signManifest(keys, text), "hex");
  const got = Buffer.from(signature.trim(), "hex");
  return got.length === want.length && timingSafeEqual(got, want);
}

/** Counts bytes and hashes what passes through. */
class Meter extends Transform {
  bytes = 0;
  private hash = createHash("sha256");
  _transform(chunk: Buffer, _enc: BufferEncoding, cb: () => void) {
    this.bytes += chunk.length;
    this.hash.update(chunk);
    this.push(chunk);
    cb();
  }
  digest() {
    return this.hash.digest("hex");
  }
}

export interface SealedFile {
  /** SHA-256 of the sealed file as stored (checked before restoring). */
  sha256: string;
  bytes: number;
  /** SHA-256 of the plain content (checked after restoring). */
  plainSha256: string;
}

/** Writes a source (a stream or an async iterable of strings/buffers) sealed into `path`. */
export async function writeSealed(keys: BackupKeys, path: string, source: Readable | Iterable<string | Buffer> | AsyncIterable<string | Buffer>): Promise<SealedFile> {
  const nonce = randomBytes(NONCE);
  const cipher = createCipheriv("aes-256-gcm", keys.enc, nonce);
  const plain = new Meter();
  const sealed = new Meter();
  const out = createWriteStream(path, { mode: 0o600 });
  const head = Buffer.concat([MAGIC, nonce]);
  sealed.write(head);
  const tail = new Transform({
    transform(chunk, _e, cb) {
      cb(null, chunk);
    },
    flush(cb) {
      cb(null, cipher.getAuthTag());
    },
  });
  await pipeline(source instanceof Readable ? source : Readable.from(source), plain, createGzip({ level: 6 }), cipher, tail, sealed, out);
  return { sha256: sealed.digest(), bytes: sealed.bytes, plainSha256: plain.digest() };
}

/** SHA-256 and size of a file as stored. */
export async function fileSha256(path: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash("sha256");
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest("hex"), bytes };
}

/** The plain content of a sealed file as a stream (authenticated: a changed byte fails at the end). */
export async function openSealed(keys: BackupKeys, path: string): Promise<Readable> {
  const size = (await stat(path)).size;
  if (size < MAGIC.length + NONCE + TAG) throw new Error(`${path}: too short to be a backup file`);
  const fh = await open(path, "r");
  const head = Buffer.alloc(MAGIC.length + NONCE);
  const tag = Buffer.alloc(TAG);
  try {
    await fh.read(head, 0, head.length, 0);
    await fh.read(tag, 0, TAG, size - TAG);
  } finally {
    await fh.close();
  }
  if (!head.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error(`${path}: not an Aduan backup file`);
  const decipher = createDecipheriv("aes-256-gcm", keys.enc, head.subarray(MAGIC.length));
  decipher.setAuthTag(tag);
  const body = createReadStream(path, { start: head.length, end: size - TAG - 1 });
  const gunzip = createGunzip();
  body.on("error", (e) => gunzip.destroy(e));
  decipher.on("error", (e) => gunzip.destroy(e));
  body.pipe(decipher).pipe(gunzip);
  return gunzip;
}

/** The lines of a sealed JSON Lines file. */
export async function* sealedLines(keys: BackupKeys, path: string): AsyncGenerator<string> {
  const stream = await openSealed(keys, path);
  const utf8 = new StringDecoder("utf8");
  let rest = "";
  for await (const chunk of stream) {
    rest += utf8.write(chunk as Buffer);
    const lines = rest.split("\n");
    rest = lines.pop()!;
    for (const l of lines) if (l) yield l;
  }
  rest += utf8.end();
  if (rest) yield rest;
}
