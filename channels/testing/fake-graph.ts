// A fake Meta Graph API on 127.0.0.1: WhatsApp Cloud (POST /{phone-number-id}/messages and /media,
// GET /{media-id} and the media download), Messenger and Instagram Send API
// (POST /{page-or-ig-id|me}/messages), and comment replies (POST /{comment-id}/comments for
// Facebook, /{ig-comment-id}/replies for Instagram). Bearer token checked; errors in Graph's shape.
import { randomBytes } from "node:crypto";
import { FailureSwitch, sendJson, startLocalServer } from "./local-server.js";

export interface FakeGraphCall {
  method: string;
  /** Path without the version prefix, e.g. "1234567890/messages". */
  path: string;
  version: string;
  body: Record<string, unknown>;
}

export interface FakeGraphFailure {
  status: number;
  code: number;
  message?: string;
}

export interface FakeGraph {
  /** Pass as graphApiBase. */
  baseUrl: string;
  calls: FakeGraphCall[];
  /** WhatsApp: free-form messages to this wa_id answer error 131047 (window closed), as Graph does. */
  closeWindow(waId: string): void;
  /** The next `count` calls fail like Graph would. */
  failNext(count: number, failure: FakeGraphFailure): void;
  /** Makes GET /{mediaId} and its download work. */
  addMedia(mediaId: string, content: Buffer, mimeType: string): void;
  /** A CDN URL serving these bytes (Messenger / Instagram attachment payload.url). */
  cdnUrl(name: string, content: Buffer, mimeType: string): string;
  close(): Promise<void>;
}

const wamid = () => `wamid.HBgM${randomBytes(18).toString("base64url")}`;

export async function startFakeGraph(opts: { accessToken: string }): Promise<FakeGraph> {
  const calls: FakeGraphCall[] = [];
  const closed = new Set<string>();
  const failures = new FailureSwitch<FakeGraphFailure>();
  const media = new Map<string, { content: Buffer; mimeType: string }>();
  const cdn = new Map<string, { content: Buffer; mimeType: string }>();
  let seq = 1;
  const graphError = (res: Parameters<typeof sendJson>[0], status: number, code: number, message: string, type = "OAuthException") =>
    sendJson(res, status, { error: { message, type, code, fbtrace_id: `A${randomBytes(8).toString("hex")}` } });

  const local = await startLocalServer(async (req, body, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const base = `http://127.0.0.1:${local.port}`;
    const download = /^\/media-download\/([^/]+)$/.exec(url.pathname) ?? /^\/cdn\/([^/]+)$/.exec(url.pathname);
    if (download) {
      const isMedia = url.pathname.startsWith("/media-download/");
      if (isMedia && req.headers.authorization !== `Bearer ${opts.accessToken}`) return graphError(res, 401, 190, "Invalid OAuth access token");
      const f = (isMedia ? media : cdn).get(decodeURIComponent(download[1] ?? ""));
      if (!f) return void res.writeHead(404).end();
      res.writeHead(200, { "content-type": f.mimeType, "content-length": f.content.length });
      return void res.end(f.content);
    }
    const m = /^\/(v\d+\.\d+)\/(.+)$/.exec(url.pathname);
    if (!m) return graphError(res, 400, 2500, "Unknown path components");
    const version = m[1] as string;
    const path = m[2] as string;
    const token = req.headers.authorization?.replace(/^Bearer /, "") ?? url.searchParams.get("access_token");
    if (token !== opts.accessToken) return graphError(res, 401, 190, "Invalid OAuth access token - Cannot parse access token");
    const contentType = String(req.headers["content-type"] ?? "");
    let payload: Record<string, unknown> = {};
    if (contentType.startsWith("application/json")) {
      try {
        payload = JSON.parse(body.toString("utf8")) as Record<string, unknown>;
      } catch {
        return graphError(res, 400, 100, "(#100) Invalid JSON");
      }
    } else if (contentType.startsWith("multipart/form-data")) {
      const form = await new Request("http://fake/", { method: "POST", headers: { "content-type": contentType }, body: new Uint8Array(body) }).formData();
      for (const [k, v] of form.entries()) payload[k] = typeof v === "string" ? v : { fileName: v.name, mimeType: v.type, size: v.size };
    } else if (body.length) {
      payload = Object.fromEntries(new URLSearchParams(body.toString("utf8")));
    }
    for (const [k, v] of url.searchParams) if (k !== "access_token") payload[k] ??= v;
    calls.push({ method: req.method ?? "GET", path, version, body: payload });

    const failure = failures.take();
    if (failure) return graphError(res, failure.status, failure.code, failure.message ?? "(#2) Service temporarily unavailable");

    const parts = path.split("/");
    if (req.method === "GET" && parts.length === 1) {
      const f = media.get(parts[0] as string);
      if (!f) return graphError(res, 404, 100, "(#100) Unsupported get request. Object does not exist");
      return sendJson(res, 200, { url: `${base}/media-download/${encodeURIComponent(parts[0] as string)}`, mime_type: f.mimeType, sha256: "x", file_size: f.content.length, id: parts[0], messaging_product: "whatsapp" });
    }
    if (req.method !== "POST" || parts.length !== 2) return graphError(res, 400, 100, `(#100) Unsupported ${req.method} request`);
    const [node, edge] = parts as [string, string];

    if (edge === "media") {
      if (payload.messaging_product !== "whatsapp" || typeof payload.file !== "object") return graphError(res, 400, 100, "(#100) The parameter messaging_product is required.");
      const id = String(9_000_000_000 + seq++);
      return sendJson(res, 200, { id });
    }
    if (edge === "messages" && payload.messaging_product === "whatsapp") {
      const to = String(payload.to ?? "");
      if (!/^\d{5,20}$/.test(to)) return graphError(res, 400, 131009, "(#131009) Parameter value is not valid");
      const type = String(payload.type ?? "text");
      if (type === "text" && !(payload.text as { body?: string } | undefined)?.body) return graphError(res, 400, 100, "(#100) The parameter text['body'] is required.");
      if (type !== "template" && closed.has(to)) {
        return sendJson(res, 400, {
          error: {
            message: "(#131047) Re-engagement message",
            type: "OAuthException",
            code: 131047,
            error_data: { messaging_product: "whatsapp", details: "Message failed to send because more than 24 hours have passed since the customer last replied to this number." },
            fbtrace_id: "Afake",
          },
        });
      }
      return sendJson(res, 200, { messaging_product: "whatsapp", contacts: [{ input: to, wa_id: to }], messages: [{ id: wamid(), ...(type === "template" ? { message_status: "accepted" } : {}) }] });
    }
    if (edge === "messages") {
      const recipient = payload.recipient as { id?: string; comment_id?: string } | undefined;
      if (!recipient?.id && !recipient?.comment_id) return graphError(res, 400, 100, "(#100) The parameter recipient is required");
      const message = payload.message as { text?: string; attachment?: unknown } | undefined;
      if (!message?.text && !message?.attachment) return graphError(res, 400, 100, "(#100) param message must be non-empty.");
      return sendJson(res, 200, { recipient_id: recipient.id ?? `psid-of-${recipient.comment_id}`, message_id: `m_${randomBytes(12).toString("base64url")}` });
    }
    if (edge === "comments" || edge === "replies") {
      if (!payload.message) return graphError(res, 400, 100, "(#100) param message must be non-empty.");
      return sendJson(res, 200, { id: edge === "comments" ? `${node.split("_")[0]}_${1_000_000 + seq++}` : String(18_000_000_000_000_000 + seq++) });
    }
    return graphError(res, 400, 100, `(#100) Unsupported edge ${edge}`);
  });

  return {
    baseUrl: local.baseUrl,
    calls,
    closeWindow: (waId) => void closed.add(waId.replace(/^\+/, "")),
    failNext: (count, failure) => failures.next(count, failure),
    addMedia: (mediaId, content, mimeType) => void media.set(mediaId, { content, mimeType }),
    cdnUrl: (name, content, mimeType) => {
      cdn.set(name, { content, mimeType });
      return `${local.baseUrl}/cdn/${encodeURIComponent(name)}`;
    },
    close: local.close,
  };
}
