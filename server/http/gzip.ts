// Gzip for answers that are stored anyway: the public micro-cache's entries and stored files, each
// compressed once and then sent compressed to every client that accepts gzip, and the console's
// built files, compressed at build time (scripts/build-console.mjs). A report list of 16 kB goes
// out as about 4 kB, which matters on a cheap phone's mobile data. Answers rendered for one request
// only are sent as they are: compressing them would cost more server time than it saves on the
// wire (docs/public.md, "Compression").
import { gzip, gzipSync, constants } from "node:zlib";
import type { Request } from "express";

/** Smaller bodies are sent as they are: the gzip header and a packet's worth of bytes gain nothing. */
export const GZIP_MIN_BYTES = 1024;
/** Larger bodies are compressed off the event loop; they go out uncompressed until that is done. */
const GZIP_SYNC_MAX_BYTES = 64 * 1024;

export interface GzipVariant {
  body: Buffer;
  etag: string | undefined;
}

/**
 * Whether the client takes gzip: its Accept-Encoding lists gzip (or "*") with q > 0, at least as
 * welcome as identity.
 */
export function acceptsGzip(req: Request): boolean {
  const ae = req.headers["accept-encoding"];
  if (!ae) return false;
  // A browser's list without weights ("gzip, deflate, br, zstd"): every coding listed is as welcome
  // as identity, so gzip is chosen if listed (or "*"). Weights go through express's negotiator.
  if (!ae.includes(";")) return /(?:^|[\s,])(?:gzip|\*)(?:$|[\s,])/i.test(ae);
  return req.acceptsEncodings("gzip", "identity") === "gzip";
}

/**
 * Whether this request gets the gzip variant of a stored body whose uncompressed ETag is
 * `identityEtag`: the client takes gzip, the body is large enough, and the client is not
 * revalidating the uncompressed copy it already holds (that one is still answered 304, instead of
 * being sent again in full under another ETag).
 */
export function wantsGzip(req: Request, bytes: number, identityEtag: string | undefined): boolean {
  if (bytes < GZIP_MIN_BYTES) return false;
  const inm = req.headers["if-none-match"];
  if (identityEtag && inm && inm.split(",").some((t) => t.trim() === identityEtag)) return false;
  return acceptsGzip(req);
}

/** The ETag of a gzip variant: the body's own ETag, told apart from the uncompressed one's. */
export function gzipEtag(identityEtag: string | undefined): string | undefined {
  return identityEtag ? identityEtag.replace(/"$/, '-gz"') : undefined;
}

/** The gzip variant of a body now (small bodies). */
export function gzipNow(body: Buffer, identityEtag: string | undefined): GzipVariant {
  return { body: gzipSync(body, { level: constants.Z_BEST_COMPRESSION }), etag: gzipEtag(identityEtag) };
}

/**
 * The gzip variant of a stored body when it is ready: at once for bodies up to 64 kB, otherwise
 * undefined now (the caller sends the body uncompressed) and `ready` is called once it is.
 */
export function gzipVariantOf(body: Buffer, identityEtag: string | undefined, ready: (v: GzipVariant) => void): GzipVariant | undefined {
  if (body.length <= GZIP_SYNC_MAX_BYTES) return gzipNow(body, identityEtag);
  gzip(body, { level: constants.Z_DEFAULT_COMPRESSION }, (err, out) => {
    if (!err) ready({ body: out, etag: gzipEtag(identityEtag) });
  });
  return undefined;
}
