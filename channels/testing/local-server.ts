// A plain node:http server on 127.0.0.1 with a random port, for the fake providers.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface LocalServer {
  server: Server;
  baseUrl: string;
  port: number;
  close(): Promise<void>;
}

export type Handler = (req: IncomingMessage, body: Buffer, res: ServerResponse) => void | Promise<void>;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

export async function startLocalServer(handler: Handler): Promise<LocalServer> {
  const server = createServer((req, res) => {
    readBody(req)
      .then((body) => handler(req, body, res))
      .catch((err: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { error: String(err) });
        else res.end();
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** "Fail the next N requests" / "fail for a while" switch shared by the fakes. */
export class FailureSwitch<T> {
  private queue: T[] = [];
  private window: { until: number; failure: T } | undefined;
  next(count: number, failure: T): void {
    for (let i = 0; i < count; i++) this.queue.push(failure);
  }
  forMs(ms: number, failure: T): void {
    this.window = { until: Date.now() + ms, failure };
  }
  take(): T | undefined {
    const queued = this.queue.shift();
    if (queued !== undefined) return queued;
    if (this.window && Date.now() < this.window.until) return this.window.failure;
    this.window = undefined;
    return undefined;
  }
  clear(): void {
    this.queue = [];
    this.window = undefined;
  }
}
