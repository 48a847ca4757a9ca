// A fake X API on 127.0.0.1: POST /2/tweets (replies), POST /2/dm_conversations/with/:id/messages,
// and DM media downloads under /ton/. Every request must carry a valid OAuth 1.0a user-context
// signature (checked with oauth-sign, not the connector's library). Errors in X's v2 shape.
import { randomBytes } from "node:crypto";
import { hmacsign } from "oauth-sign";
import { FailureSwitch, sendJson, startLocalServer } from "./local-server.js";

export interface FakeXCall {
  method: string;
  path: string;
  body: Record<string, unknown>;
}

export interface FakeX {
  baseUrl: string;
  calls: FakeXCall[];
  /** DMs to this user answer 403 (they do not accept DMs from the account). */
  refuseDms(userId: string): void;
  /** The next `count` requests answer this HTTP status (429 with x-rate-limit-reset). */
  failNext(count: number, status: number): void;
  /** A DM media URL serving these bytes (OAuth-signed GET required). */
  addMedia(name: string, content: Buffer, mimeType: string): string;
  close(): Promise<void>;
}

const unq = (s: string) => decodeURIComponent(s.replace(/^"|"$/g, ""));

function oauthParams(header: string | undefined): Record<string, string> | undefined {
  if (!header?.startsWith("OAuth ")) return undefined;
  const out: Record<string, string> = {};
  for (const part of header.slice(6).split(",")) {
    const i = part.indexOf("=");
    if (i < 0) continue;
    out[part.slice(0, i).trim()] = unq(part.slice(i + 1).trim());
  }
  return out;
}

export async function startFakeX(opts: { consumerKey: string; consumerSecret: string; accessToken: string; accessTokenSecret: string }): Promise<FakeX> {
  const calls: FakeXCall[] = [];
  const refused = new Set<string>();
  const failures = new FailureSwitch<number>();
  const media = new Map<string, { content: Buffer; mimeType: string }>();
  let seq = 1;
  const problem = (res: Parameters<typeof sendJson>[0], status: number, title: string, detail: string) =>
    sendJson(res, status, { title, detail, type: `https://api.twitter.com/2/problems/${title.toLowerCase().replace(/\s+/g, "-")}`, status });

  const local = await startLocalServer(async (req, body, res) => {
    const url = new URL(req.url ?? "/", `http://127.0.0.1:${local.port}`);
    const o = oauthParams(req.headers.authorization);
    if (!o || o.oauth_consumer_key !== opts.consumerKey || o.oauth_token !== opts.accessToken || o.oauth_signature_method !== "HMAC-SHA1") {
      return problem(res, 401, "Unauthorized", "Unauthorized");
    }
    const { oauth_signature: signature, ...signed } = o;
    const params: Record<string, string> = { ...signed };
    for (const [k, v] of url.searchParams) params[k] = v;
    const expected = hmacsign(req.method ?? "GET", `${url.origin}${url.pathname}`, params, opts.consumerSecret, opts.accessTokenSecret);
    if (signature !== expected) return problem(res, 401, "Unauthorized", "Could not authenticate you (signature mismatch)");

    const download = /^\/ton\/(.+)$/.exec(url.pathname);
    if (download && req.method === "GET") {
      const f = media.get(decodeURIComponent(download[1] ?? ""));
      if (!f) return problem(res, 404, "Not Found Error", "media not found");
      res.writeHead(200, { "content-type": f.mimeType, "content-length": f.content.length });
      return void res.end(f.content);
    }
    let payload: Record<string, unknown> = {};
    try {
      payload = body.length ? (JSON.parse(body.toString("utf8")) as Record<string, unknown>) : {};
    } catch {
      return problem(res, 400, "Invalid Request", "body is not JSON");
    }
    calls.push({ method: req.method ?? "GET", path: url.pathname, body: payload });
    const failure = failures.take();
    if (failure) {
      if (failure === 429) res.setHeader("x-rate-limit-reset", String(Math.floor(Date.now() / 1000) + 60));
      return problem(res, failure, failure === 429 ? "Too Many Requests" : "Service Unavailable", "try later");
    }
    if (req.method === "POST" && url.pathname === "/2/tweets") {
      const text = payload.text;
      if (typeof text !== "string" || !text) return problem(res, 400, "Invalid Request", "text is required");
      if ([...text].length > 280) return problem(res, 403, "Forbidden", "Your Tweet text is too long.");
      const id = String(1_800_000_000_000_000_000n + BigInt(seq++));
      return sendJson(res, 201, { data: { id, text, edit_history_tweet_ids: [id] } });
    }
    const dm = /^\/2\/dm_conversations\/with\/(\d+)\/messages$/.exec(url.pathname);
    if (req.method === "POST" && dm) {
      if (typeof payload.text !== "string" || !payload.text) return problem(res, 400, "Invalid Request", "text is required");
      if (refused.has(dm[1] as string)) return problem(res, 403, "Forbidden", "You cannot send messages to this user.");
      return sendJson(res, 201, { data: { dm_conversation_id: `${dm[1]}-1500000000`, dm_event_id: String(1_900_000_000_000_000_000n + BigInt(seq++)) } });
    }
    return problem(res, 404, "Not Found Error", `no route ${req.method} ${url.pathname}`);
  });

  return {
    baseUrl: local.baseUrl,
    calls,
    refuseDms: (userId) => void refused.add(userId),
    failNext: (count, status) => failures.next(count, status),
    addMedia: (name, content, mimeType) => {
      media.set(name, { content, mimeType });
      return `${local.baseUrl}/ton/${encodeURIComponent(name)}`;
    },
    close: local.close,
  };
}
