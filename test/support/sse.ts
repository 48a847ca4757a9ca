import { request, type IncomingMessage } from "node:http";

export interface SseMessage {
  id: string;
  event: string;
  data: Record<string, unknown> & { type: string; ticketId?: number; at: string; data?: Record<string, unknown> };
  receivedAt: number;
}

/** A real EventSource-like reader of GET /api/events (raw http: supertest buffers whole answers). */
export interface SseClient {
  messages: SseMessage[];
  status: number;
  /** Resolves with the first message (from now on, or already received when `since` is given) matching pred. */
  next(pred: (m: SseMessage) => boolean, timeoutMs?: number, since?: number): Promise<SseMessage>;
  lastId(): string | undefined;
  close(): void;
  closed: Promise<void>;
}

export async function openStream(baseUrl: string, cookie: string, lastEventId?: string): Promise<SseClient> {
  const url = new URL("/api/events", baseUrl);
  const messages: SseMessage[] = [];
  const waiters: { pred: (m: SseMessage) => boolean; resolve: (m: SseMessage) => void }[] = [];
  let res!: IncomingMessage;
  const req = request(url, { headers: { cookie, accept: "text/event-stream", ...(lastEventId ? { "last-event-id": lastEventId } : {}) } });
  res = await new Promise<IncomingMessage>((resolve, reject) => {
    req.on("response", resolve);
    req.on("error", reject);
    req.end();
  });
  let buf = "";
  let closedResolve!: () => void;
  const closed = new Promise<void>((r) => (closedResolve = r));
  res.setEncoding("utf8");
  res.on("data", (chunk: string) => {
    buf += chunk;
    let i: number;
    while ((i = buf.indexOf("\n\n")) >= 0) {
      const block = buf.slice(0, i);
      buf = buf.slice(i + 2);
      const fields: Record<string, string> = {};
      for (const line of block.split("\n")) {
        if (!line || line.startsWith(":")) continue;
        const c = line.indexOf(":");
        fields[line.slice(0, c)] = line.slice(c + 1).replace(/^ /, "");
      }
      if (!fields.data) continue;
      const m: SseMessage = { id: fields.id ?? "", event: fields.event ?? "message", data: JSON.parse(fields.data), receivedAt: Date.now() };
      messages.push(m);
      for (const w of [...waiters]) if (w.pred(m)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  });
  res.on("close", () => closedResolve());
  res.on("error", () => closedResolve());
  return {
    messages,
    status: res.statusCode ?? 0,
    closed,
    lastId: () => messages.at(-1)?.id,
    next(pred, timeoutMs = 3000, since) {
      if (since !== undefined) {
        const found = messages.find((m) => m.receivedAt >= since && pred(m));
        if (found) return Promise.resolve(found);
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.splice(waiters.findIndex((w) => w.resolve === done), 1);
          reject(new Error(`no matching event within ${timeoutMs} ms; got ${messages.map((m) => `${m.event}:${m.data.ticketId ?? ""}`).join(", ")}`));
        }, timeoutMs);
        const done = (m: SseMessage) => {
          clearTimeout(timer);
          resolve(m);
        };
        waiters.push({ pred, resolve: done });
      });
    },
    close() {
      req.destroy();
      res.destroy();
    },
  };
}
