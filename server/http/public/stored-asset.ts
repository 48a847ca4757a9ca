// Files the server keeps in memory and serves to every visitor alike: the public stylesheet, the
// logo and favicon, the map's files. Each has a strong ETag (a matching If-None-Match gets 304) and,
// when its type compresses, a gzip variant made once, sent to clients that accept gzip.
import type { Request, Response } from "express";
import { contentEtag } from "../../lib/content-etag.js";
import { GZIP_MIN_BYTES, gzipNow, wantsGzip, type GzipVariant } from "../gzip.js";

export interface StoredAsset {
  /** A type for express's res.type ("css", "js", "json", "image/svg+xml", …). */
  type: string;
  body: Buffer;
  etag: string;
  gz: GzipVariant | undefined;
}

/** Text types compress; PNG, WebP, JPEG and icons already are (or gain nothing). */
const COMPRESSIBLE = /^(css|js|json|html|xml|txt)$|^text\/|\+xml$|\/json$|\/javascript$/;

export function storedAsset(type: string, body: Buffer | string, etag?: string): StoredAsset {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
  const tag = etag ?? contentEtag(bytes);
  return { type, body: bytes, etag: tag, gz: COMPRESSIBLE.test(type) && bytes.length >= GZIP_MIN_BYTES ? gzipNow(bytes, tag) : undefined };
}

/** Sends a stored asset, gzipped when the client takes it, with its ETag and `max-age` in seconds. */
export function sendStored(req: Request, res: Response, a: StoredAsset, maxAge: number): void {
  res.setHeader("Cache-Control", `public, max-age=${maxAge}`);
  let { body, etag } = a;
  if (a.gz) {
    res.setHeader("Vary", "Accept-Encoding");
    if (wantsGzip(req, a.body.length, a.etag) && a.gz.etag) {
      res.setHeader("Content-Encoding", "gzip");
      ({ body, etag } = { body: a.gz.body, etag: a.gz.etag });
    }
  }
  res.setHeader("ETag", etag);
  if (req.headers["if-none-match"] === etag) {
    res.status(304).end();
    return;
  }
  res.type(a.type).send(body);
}
