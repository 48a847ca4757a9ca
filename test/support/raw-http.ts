// One request through node:http with exactly the headers given: nothing added (fetch adds
// Accept-Encoding, and Cache-Control to a conditional request), nothing decompressed.
import { request, type IncomingHttpHeaders } from "node:http";

export interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  /** The bytes as they crossed the socket (still gzipped, if they were). */
  body: Buffer;
}

export const rawHttp = (url: string, headers: Record<string, string> = {}, method = "GET") =>
  new Promise<RawAnswer>((resolve, reject) => {
    request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    })
      .on("error", reject)
      .end();
  });

/** What Chromium sends. */
export const BROWSER_ACCEPT_ENCODING = { "accept-encoding": "gzip, deflate, br, zstd" };
