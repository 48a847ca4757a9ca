import { createHash } from "node:crypto";

/** A strong ETag for a body that is computed once and kept (stylesheets, logos, map files): 16 characters of its SHA-256. */
export const contentEtag = (body: Buffer | string): string => `"${createHash("sha256").update(body).digest("base64url").slice(0, 16)}"`;
