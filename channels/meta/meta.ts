// What the three Meta connectors (whatsapp-cloud, facebook, instagram) share: the config fields
// Meta names (verifyToken, appSecret, accessToken), the webhook verification handshake
// (GET hub.mode=subscribe&hub.verify_token=…&hub.challenge=… -> the challenge, 200; else 403),
// the X-Hub-Signature-256 check over the raw body, and the Graph API client with its error mapping.
import { createHmac } from "node:crypto";
import { z } from "zod";
import {
  errorMessage,
  headerValue,
  isRetryableStatus,
  safeEqual,
  type ConnectorContext,
  type FetchAttachmentResult,
  type SendResult,
  type WebhookOutcome,
  type WebhookRequest,
} from "../connector.js";

export const GRAPH_API_BASE = "https://graph.facebook.com";
export const GRAPH_API_VERSION = "v21.0";

/** The fields every Meta app's webhook and Graph calls need, named as Meta names them. */
export const metaConfigFields = {
  verifyToken: z
    .string()
    .min(8, "at least 8 characters")
    .max(200)
    .describe("Verify token typed into the app's webhook settings; Meta sends it back in hub.verify_token")
    .meta({ secret: true }),
  appSecret: z.string().regex(/^[A-Za-z0-9]{16,64}$/, "the App Secret from the app dashboard (hex)").describe("App Secret; signs every webhook (X-Hub-Signature-256)").meta({ secret: true }),
  accessToken: z.string().min(20, "a long-lived or system-user access token").describe("Access token for the Graph API").meta({ secret: true }),
  graphApiVersion: z.string().regex(/^v\d+\.\d+$/).default(GRAPH_API_VERSION).describe("Graph API version, e.g. v21.0"),
  graphApiBase: z.url().optional().describe("Override of https://graph.facebook.com (tests, proxies)"),
};

export interface MetaConfig {
  verifyToken: string;
  appSecret: string;
  accessToken: string;
  graphApiVersion: string;
  graphApiBase?: string | undefined;
}

/** "sha256=" + hex HMAC-SHA256(appSecret, raw body): what Meta puts in X-Hub-Signature-256. */
export function expectedMetaSignature(appSecret: string, rawBody: Buffer): string {
  return `sha256=${createHmac("sha256", appSecret).update(rawBody).digest("hex")}`;
}

const single = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/**
 * GET: a verification request (it stores nothing; parse answers 200 with the challenge or 403,
 * as Meta documents). POST: the body must carry a valid X-Hub-Signature-256, compared in constant time.
 */
export function verifyMetaRequest(config: MetaConfig, req: WebhookRequest): boolean {
  const method = req.method.toUpperCase();
  if (method === "GET") return single(req.query["hub.mode"]) !== undefined;
  if (method !== "POST") return false;
  const signature = headerValue(req, "x-hub-signature-256");
  if (!signature) return false;
  return safeEqual(signature.trim().toLowerCase(), expectedMetaSignature(config.appSecret, req.rawBody));
}

/** The verification handshake, or undefined when `req` is an event delivery. */
export function metaHandshake(config: MetaConfig, req: WebhookRequest): WebhookOutcome | undefined {
  if (req.method.toUpperCase() !== "GET") return undefined;
  const mode = single(req.query["hub.mode"]);
  const token = single(req.query["hub.verify_token"]);
  const challenge = single(req.query["hub.challenge"]) ?? "";
  if (mode === "subscribe" && safeEqual(token, config.verifyToken)) {
    return { kind: "handshake", reply: { status: 200, headers: { "content-type": "text/plain; charset=utf-8" }, body: challenge } };
  }
  return { kind: "handshake", reply: { status: 403, headers: { "content-type": "text/plain; charset=utf-8" }, body: "Forbidden" } };
}

/** The webhook body as JSON, or an `ignored` outcome. `object` must be the one this connector subscribes to. */
export function readMetaBody(rawBody: Buffer, object: string): { ok: true; body: MetaWebhookBody } | { ok: false; outcome: WebhookOutcome } {
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(rawBody));
  } catch {
    return { ok: false, outcome: { kind: "ignored", reason: "invalid: body is not UTF-8 JSON" } };
  }
  if (typeof body !== "object" || body === null || !Array.isArray((body as { entry?: unknown }).entry)) {
    return { ok: false, outcome: { kind: "ignored", reason: "invalid: not a Meta webhook (no entry[])" } };
  }
  const got = (body as { object?: unknown }).object;
  if (got !== object) return { ok: false, outcome: { kind: "ignored", reason: `other-object: ${String(got)} (expected ${object})` } };
  return { ok: true, body: body as MetaWebhookBody };
}

export interface MetaWebhookBody {
  object: string;
  entry: { id?: string; time?: number; changes?: { field?: string; value?: unknown }[]; messaging?: unknown[] }[];
}

/** Seconds (WhatsApp: a decimal string) or milliseconds (Messenger) since the epoch -> Date; `fallback` when absent. */
export function metaTime(v: unknown, fallback: Date): Date {
  const n = typeof v === "string" ? Number(v) : typeof v === "number" ? v : NaN;
  if (!Number.isFinite(n) || n <= 0) return fallback;
  return new Date(n < 1e11 ? n * 1000 : n);
}

export function graphUrl(config: MetaConfig, path: string): string {
  return `${(config.graphApiBase ?? GRAPH_API_BASE).replace(/\/$/, "")}/${config.graphApiVersion}/${path.replace(/^\//, "")}`;
}

/** A Graph API error answer: { error: { message, type, code, error_subcode, fbtrace_id } }. */
export interface GraphError {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
  error_data?: { details?: string };
}

/**
 * Codes Meta documents as "try again later": 1, 2 (service), 4, 17, 32, 613 (rate limits),
 * 80007 (Messenger/IG rate), 130429 and 131048/131056 (WhatsApp throughput and pair rate).
 */
const RETRYABLE_GRAPH_CODES = new Set([1, 2, 4, 17, 32, 613, 80007, 130429, 131048, 131056]);

export function graphFailure(status: number, error: GraphError | undefined, what: string): Extract<SendResult, { status: "failed" }> {
  const code = error?.code;
  const retryable = code !== undefined ? RETRYABLE_GRAPH_CODES.has(code) || status >= 500 : isRetryableStatus(status);
  const detail = error?.error_data?.details ? ` — ${error.error_data.details}` : "";
  const reason = `${what}: Graph ${status}${code !== undefined ? ` (code ${code})` : ""}: ${error?.message ?? "error"}${detail}`;
  // 401 / code 190: the access token is invalid, expired or revoked.
  return { status: "failed", retryable, reason, ...(status === 401 || code === GRAPH_INVALID_TOKEN ? { credentialsRejected: true } : {}) };
}

/** Graph error: the access token is invalid, expired or revoked. */
export const GRAPH_INVALID_TOKEN = 190;

export type GraphResult<T> = { ok: true; data: T } | { ok: false; failure: Extract<SendResult, { status: "failed" }> };

/** One Graph API call with the account's token. Never throws. */
export async function graphCall<T>(
  ctx: ConnectorContext<MetaConfig>,
  method: "GET" | "POST",
  path: string,
  body?: { json: unknown } | { form: FormData },
): Promise<GraphResult<T>> {
  const headers: Record<string, string> = { authorization: `Bearer ${ctx.config.accessToken}` };
  let payload: string | FormData | undefined;
  if (body && "json" in body) {
    headers["content-type"] = "application/json";
    payload = JSON.stringify(body.json);
  } else if (body) payload = body.form;
  let res: Response;
  try {
    res = await ctx.fetch(graphUrl(ctx.config, path), { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
  } catch (err) {
    return { ok: false, failure: { status: "failed", retryable: true, reason: `${method} ${path}: ${errorMessage(err)}` } };
  }
  let data: unknown;
  try {
    data = await res.json();
  } catch {
    data = undefined;
  }
  if (!res.ok) return { ok: false, failure: graphFailure(res.status, (data as { error?: GraphError } | undefined)?.error, `${method} ${path}`) };
  return { ok: true, data: data as T };
}

/**
 * Media by Graph id (WhatsApp: GET /{media-id} answers a short-lived URL, which is fetched with
 * the same token), or a plain CDN URL (Messenger and Instagram attachments).
 */
export async function fetchMetaMedia(ctx: ConnectorContext<MetaConfig>, ref: string): Promise<FetchAttachmentResult> {
  let url = ref;
  let mimeType: string | undefined;
  if (!/^https?:\/\//.test(ref)) {
    if (!/^[A-Za-z0-9_.-]{1,200}$/.test(ref)) return { status: "failed", retryable: false, reason: "not a Graph media id" };
    const meta = await graphCall<{ url?: string; mime_type?: string }>(ctx, "GET", ref);
    if (!meta.ok) return meta.failure;
    if (!meta.data.url) return { status: "failed", retryable: false, reason: "Graph media answer without url" };
    url = meta.data.url;
    mimeType = meta.data.mime_type;
  }
  try {
    const res = await ctx.fetch(url, { headers: { authorization: `Bearer ${ctx.config.accessToken}` } });
    if (!res.ok) return { status: "failed", retryable: isRetryableStatus(res.status), reason: `HTTP ${res.status} from media URL` };
    const content = Buffer.from(await res.arrayBuffer());
    const type = mimeType ?? res.headers.get("content-type")?.split(";")[0]?.trim();
    return { status: "fetched", content, ...(type ? { mimeType: type } : {}) };
  } catch (err) {
    return { status: "failed", retryable: true, reason: errorMessage(err) };
  }
}

/** An outbound file as a multipart part (Blob), for Graph uploads. */
export function fileBlob(content: Buffer, mimeType: string): Blob {
  return new Blob([new Uint8Array(content)], { type: mimeType });
}
