import { existsSync } from "node:fs";
import { mkdir, unlink, writeFile } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";

const safeName = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^\.+/, "").slice(-80) || "file";

/** Windows device names: a file called "CON.txt" or "com1" cannot be saved or opened there. */
const RESERVED_NAME = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)$/i;
/** Control, format (bidi overrides U+202E, isolates, zero-width, BOM) and line/paragraph separators. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;
/** Markup and the characters Windows forbids in names (path separators are handled before). */
const UNSAFE = /[<>:"'`|?*&;{}$%]/g;
const MAX_NAME = 200;

/**
 * The one sanitizer of attachment file names, applied wherever a name enters (channel ingest,
 * fetched files, the web form, OPD uploads) and again when one is served, so rows stored before
 * it existed are safe too. Keeps the readable part: only the last path segment, no control or
 * bidirectional-override characters (a "U+202E" name shows "exe.pdf" for "fdp.exe"), no markup or
 * characters Windows refuses, no leading dots (hidden files) or trailing dots and spaces, no
 * reserved device name (CON, NUL, COM1…: prefixed with "_"), at most 200 characters with the
 * extension kept. Idempotent.
 */
export function sanitizeFileName(raw: string | null | undefined, fallback = "berkas"): string {
  let name = String(raw ?? "").normalize("NFC");
  name = name.split(/[\\/]/).pop() ?? "";
  name = name.replace(INVISIBLE, "").replace(UNSAFE, "_").replace(/\s+/g, " ");
  name = name.replace(/^[\s.]+/, "").replace(/[\s.]+$/, "");
  if (RESERVED_NAME.test(name.split(".")[0].trim())) name = `_${name}`;
  if (name.length > MAX_NAME) {
    const dot = name.lastIndexOf(".");
    const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : "";
    name = `${Array.from(name.slice(0, MAX_NAME - ext.length)).join("").replace(/[\uD800-\uDBFF]$/, "")}${ext}`;
  }
  return name || fallback;
}

/** RFC 5987 attr-chars only: encodeURIComponent leaves ' ( ) * ! unencoded. */
const rfc5987 = (s: string) => encodeURIComponent(s).replace(/['()*!]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * A Content-Disposition header (RFC 6266) for a file name from outside: a plain ASCII `filename`
 * for old clients and the exact UTF-8 name as `filename*` (RFC 5987), both from the sanitized name.
 */
export function contentDisposition(kind: "inline" | "attachment", fileName: string): string {
  const name = sanitizeFileName(fileName);
  const ascii = name.normalize("NFKD").replace(/[^\x20-\x7e]/g, "").replace(/["\\]/g, "_").trim() || "berkas";
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${rfc5987(name)}`;
}

/** Where an attachment's bytes live, relative to DATA_DIR: attachments/<ticket>/<id>-<name>. */
export const attachmentStorageKey = (ticketId: number, attachmentId: number, fileName: string) =>
  join("attachments", String(ticketId), `${attachmentId}-${safeName(sanitizeFileName(fileName))}`);

export async function writeAttachmentFile(dataDir: string, storageKey: string, content: Buffer): Promise<void> {
  const file = join(dataDir, storageKey);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, content);
}

/** A stored key as a path inside DATA_DIR, or null when the key would lead outside it. */
export function insideDataDir(dataDir: string, storageKey: string | null | undefined): string | null {
  if (!storageKey) return null;
  const root = resolve(dataDir);
  const path = resolve(join(root, storageKey));
  return path.startsWith(root + sep) ? path : null;
}

/** A stored file inside DATA_DIR that exists, or null (not fetched yet, gone, or outside DATA_DIR). */
export const existingDataFile = (dataDir: string, storageKey: string | null | undefined): string | null => {
  const path = insideDataDir(dataDir, storageKey);
  return path && existsSync(path) ? path : null;
};

/** Deletes a stored file inside DATA_DIR; a missing file is fine, a key outside DATA_DIR is never touched. */
export async function removeDataFile(dataDir: string, storageKey: string | null | undefined): Promise<void> {
  const path = insideDataDir(dataDir, storageKey);
  if (path) await unlink(path).catch((err: NodeJS.ErrnoException) => (err.code === "ENOENT" ? undefined : Promise.reject(err)));
}
