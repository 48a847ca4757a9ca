// X (Twitter) through the Account Activity API. X proves the webhook with a CRC: GET ?crc_token=…
// answered with {"response_token": "sha256=" + base64(HMAC-SHA256(consumerSecret, crc_token))};
// every POST carries X-Twitter-Webhooks-Signature, the same HMAC over the raw body. DMs
// (direct_message_events) and mentions (tweet_create_events) come in; DMs go out through
// POST /2/dm_conversations/with/:id/messages and replies through POST /2/tweets, signed with
// OAuth 1.0a user context (the account's access token). A mention is answered under the post
// ("tweet:<post id>:<author id>"); automated notices, which hold the tracking link, go by DM.
import { createHmac } from "node:crypto";
import OAuth from "oauth-1.0a";
import { z } from "zod";
import {
  attachmentKindOf,
  errorMessage,
  headerValue,
  isRetryableStatus,
  parseStatusRequest,
  safeEqual,
  type ConnectorContext,
  type FetchAttachmentResult,
  type InboundAttachment,
  type InboundMessage,
  type SendResult,
  type WebhookConnector,
  type WebhookOutcome,
  type WebhookRequest,
} from "../connector.js";

export const X_API_BASE = "https://api.x.com";

export const xConfigSchema = z.object({
  userId: z.string().regex(/^\d{1,20}$/, "the numeric user id of the account (not the @handle)").describe("X user id of the account"),
  username: z.string().regex(/^[A-Za-z0-9_]{1,15}$/).optional().describe("@handle without @ (leading mentions of it are cut from the text)"),
  consumerKey: z.string().min(10).describe("API Key (consumer key) of the X app"),
  consumerSecret: z.string().min(20).describe("API Key Secret (consumer secret); signs the CRC and every webhook").meta({ secret: true }),
  accessToken: z.string().min(10).describe("Access token of the account (OAuth 1.0a user context)").meta({ secret: true }),
  accessTokenSecret: z.string().min(10).describe("Access token secret").meta({ secret: true }),
  apiBase: z.url().optional().describe("Override of https://api.x.com (tests)"),
});
export type XConfig = z.infer<typeof xConfigSchema>;

/** X's limits: 280 characters for a post (a reply), 10,000 for a DM. */
export const X_MAX_POST = 280;
export const X_MAX_DM = 10_000;

const hmac = (secret: string, data: string | Buffer) => `sha256=${createHmac("sha256", secret).update(data).digest("base64")}`;

/** The CRC answer X expects: "sha256=" + base64 HMAC-SHA256 of crc_token with the consumer secret. */
export function xCrcResponse(consumerSecret: string, crcToken: string): string {
  return hmac(consumerSecret, crcToken);
}

const single = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** A post we answer: "tweet:<post id>:<author id>" (the author receives automated notices by DM). */
export const TWEET_ADDRESS = /^tweet:(\d{1,20}):(\d{1,20})$/;

interface XUser { id?: string; id_str?: string; name?: string; screen_name?: string }
interface DmEvent {
  type?: string;
  id?: string;
  created_timestamp?: string;
  message_create?: {
    target?: { recipient_id?: string };
    sender_id?: string;
    message_data?: { text?: string; attachment?: { type?: string; media?: { id_str?: string; media_url_https?: string; type?: string; video_info?: { variants?: { content_type?: string; url?: string }[] } } } };
  };
}
interface TweetEvent {
  id_str?: string;
  created_at?: string;
  text?: string;
  truncated?: boolean;
  extended_tweet?: { full_text?: string };
  user?: { id_str?: string; name?: string; screen_name?: string };
  in_reply_to_status_id_str?: string | null;
  in_reply_to_user_id_str?: string | null;
  retweeted_status?: unknown;
  entities?: { user_mentions?: { id_str?: string; screen_name?: string }[] };
  extended_entities?: { media?: { media_url_https?: string; type?: string }[] };
}
interface ActivityBody {
  for_user_id?: string;
  direct_message_events?: DmEvent[];
  tweet_create_events?: TweetEvent[];
  users?: Record<string, XUser>;
  [other: string]: unknown;
}

function stripMedia(text: string): string {
  // X appends the media's t.co link to the text; the file itself is the attachment.
  return text.replace(/\s*https:\/\/t\.co\/\w+\s*$/, "").trim();
}

export function parseXActivity(config: XConfig, rawBody: Buffer, now: Date): WebhookOutcome {
  let body: ActivityBody;
  try {
    body = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(rawBody)) as ActivityBody;
  } catch {
    return { kind: "ignored", reason: "invalid: body is not UTF-8 JSON" };
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) return { kind: "ignored", reason: "invalid: not an activity object" };
  if (body.for_user_id !== config.userId) return { kind: "ignored", reason: `other-account: for_user_id ${String(body.for_user_id)}` };
  const messages: InboundMessage[] = [];
  const skipped: string[] = [];
  for (const ev of Array.isArray(body.direct_message_events) ? body.direct_message_events : []) {
    const mc = ev?.message_create;
    if (ev?.type !== "message_create" || !mc?.sender_id || !ev.id) {
      skipped.push(`dm event ${String(ev?.type)}`);
      continue;
    }
    if (mc.sender_id === config.userId) {
      skipped.push("echo: our own DM");
      continue;
    }
    const media = mc.message_data?.attachment?.media;
    const attachments: InboundAttachment[] = [];
    const mediaUrl = media?.type === "photo" ? media.media_url_https : media?.video_info?.variants?.find((v) => v.content_type === "video/mp4")?.url ?? media?.media_url_https;
    if (mediaUrl) {
      const mimeType = media?.type === "photo" ? "image/jpeg" : "video/mp4";
      attachments.push({ kind: attachmentKindOf(mimeType), ref: mediaUrl, mimeType });
    }
    const raw = mc.message_data?.text ?? "";
    const text = attachments.length ? stripMedia(raw) : raw;
    if (!text && !attachments.length) {
      skipped.push("unsupported-content: empty DM");
      continue;
    }
    const user = body.users?.[mc.sender_id];
    const m: InboundMessage = {
      channelKind: "x",
      externalId: `dm:${ev.id}`,
      externalThreadId: mc.sender_id,
      sender: { externalId: mc.sender_id, ...(user?.name ? { displayName: user.name } : {}), ...(user?.screen_name ? { username: user.screen_name } : {}) },
      sentAt: ev.created_timestamp ? new Date(Number(ev.created_timestamp)) : now,
      text,
      attachments,
      raw: ev,
    };
    const asked = parseStatusRequest(text);
    if (asked) {
      m.command = { name: "status", argument: asked };
      m.ticketNumberHint = asked;
    }
    messages.push(m);
  }
  for (const tw of Array.isArray(body.tweet_create_events) ? body.tweet_create_events : []) {
    const author = tw?.user?.id_str;
    if (!tw?.id_str || !author) {
      skipped.push("invalid: post without id or author");
      continue;
    }
    if (author === config.userId) {
      skipped.push("echo: our own post");
      continue;
    }
    if (tw.retweeted_status) {
      skipped.push("retweet");
      continue;
    }
    const mentionsUs = tw.entities?.user_mentions?.some((u) => u.id_str === config.userId) || tw.in_reply_to_user_id_str === config.userId;
    if (!mentionsUs) {
      skipped.push("post that does not mention the account");
      continue;
    }
    const full = tw.extended_tweet?.full_text ?? tw.text ?? "";
    // Leading @mentions (ours and others') are addressing, not content.
    const text = stripMedia(full.replace(/^(\s*@\w{1,15})+\s*/, ""));
    const attachments: InboundAttachment[] = (tw.extended_entities?.media ?? [])
      .filter((m) => m.media_url_https)
      .map((m) => ({ kind: "image" as const, ref: m.media_url_https as string, mimeType: "image/jpeg" }));
    const sentAt = tw.created_at ? new Date(tw.created_at) : now;
    const m: InboundMessage = {
      channelKind: "x",
      externalId: `tweet:${tw.id_str}`,
      externalThreadId: tw.in_reply_to_status_id_str ?? tw.id_str,
      sender: { externalId: author, ...(tw.user?.name ? { displayName: tw.user.name } : {}), ...(tw.user?.screen_name ? { username: tw.user.screen_name } : {}) },
      sentAt: Number.isNaN(sentAt.getTime()) ? now : sentAt,
      text,
      attachments,
      replyAddress: `tweet:${tw.id_str}:${author}`,
      raw: tw,
    };
    if (tw.in_reply_to_status_id_str) m.inReplyToExternalId = `tweet:${tw.in_reply_to_status_id_str}`;
    messages.push(m);
  }
  if (!messages.length) return { kind: "ignored", reason: skipped.join("; ") || `no DMs or mentions (${Object.keys(body).filter((k) => k !== "for_user_id").join(",") || "empty"})` };
  return { kind: "events", messages, deliveries: [] };
}

type Ctx = ConnectorContext<XConfig>;

function oauth(config: XConfig): OAuth {
  return new OAuth({
    consumer: { key: config.consumerKey, secret: config.consumerSecret },
    signature_method: "HMAC-SHA1",
    hash_function: (base, key) => createHmac("sha1", key).update(base).digest("base64"),
  });
}

/** OAuth 1.0a Authorization header for a request (JSON bodies are not part of the signature). */
export function xAuthorization(config: XConfig, method: string, url: string): string {
  const o = oauth(config);
  return o.toHeader(o.authorize({ url, method }, { key: config.accessToken, secret: config.accessTokenSecret })).Authorization;
}

async function xPost<T>(ctx: Ctx, path: string, json: unknown): Promise<{ ok: true; data: T } | { ok: false; failure: SendResult }> {
  const url = `${(ctx.config.apiBase ?? X_API_BASE).replace(/\/$/, "")}${path}`;
  let res: Response;
  try {
    res = await ctx.fetch(url, { method: "POST", headers: { authorization: xAuthorization(ctx.config, "POST", url), "content-type": "application/json" }, body: JSON.stringify(json) });
  } catch (err) {
    return { ok: false, failure: { status: "failed", retryable: true, reason: `POST ${path}: ${errorMessage(err)}` } };
  }
  let data: unknown;
  try {
    data = await res.json();
  } catch {
    data = undefined;
  }
  if (!res.ok) {
    const d = data as { title?: string; detail?: string; errors?: { message?: string; code?: number }[] } | undefined;
    const detail = d?.detail ?? d?.errors?.map((e) => `${e.code ?? ""} ${e.message ?? ""}`.trim()).join("; ") ?? d?.title ?? "error";
    const reset = Number(res.headers.get("x-rate-limit-reset"));
    const retryAfterMs = res.status === 429 && Number.isFinite(reset) && reset > 0 ? Math.max(1000, reset * 1000 - ctx.now().getTime()) : undefined;
    return { ok: false, failure: { status: "failed", retryable: isRetryableStatus(res.status), reason: `X ${res.status}: ${detail}`, ...(retryAfterMs ? { retryAfterMs } : {}) } };
  }
  return { ok: true, data: data as T };
}

async function sendDm(ctx: Ctx, userId: string, text: string): Promise<SendResult> {
  if ([...text].length > X_MAX_DM) return { status: "failed", retryable: false, reason: `a DM on X holds at most ${X_MAX_DM} characters` };
  const r = await xPost<{ data?: { dm_event_id?: string } }>(ctx, `/2/dm_conversations/with/${userId}/messages`, { text });
  if (!r.ok) return r.failure;
  const id = r.data.data?.dm_event_id;
  return id ? { status: "sent", externalId: `dm:${id}` } : { status: "failed", retryable: false, reason: "X answered without dm_event_id" };
}

export const xConnector: WebhookConnector<XConfig> = {
  id: "x",
  kind: "x",
  title: "X (Account Activity API)",
  inbound: "webhook",
  configSchema: xConfigSchema,
  // Replies under a post hold 280 characters: refused up front (the console gets 422), and send()
  // refuses longer ones with that reason too.
  limits: { maxTextLength: X_MAX_DM, attachments: null, replyWindow: null, textLengthByAddress: [{ appliesTo: TWEET_ADDRESS, maxTextLength: X_MAX_POST, what: "a reply under a post on X" }] },

  verify(ctx, req: WebhookRequest) {
    const method = req.method.toUpperCase();
    // The CRC stores nothing and only the holder of the consumer secret can answer it.
    if (method === "GET") return typeof single(req.query.crc_token) === "string" && single(req.query.crc_token) !== "";
    if (method !== "POST") return false;
    return safeEqual(headerValue(req, "x-twitter-webhooks-signature"), hmac(ctx.config.consumerSecret, req.rawBody));
  },

  parse(ctx, req) {
    if (req.method.toUpperCase() === "GET") {
      const token = single(req.query.crc_token) ?? "";
      return { kind: "handshake", reply: { status: 200, headers: { "content-type": "application/json; charset=utf-8" }, body: JSON.stringify({ response_token: xCrcResponse(ctx.config.consumerSecret, token) }) } };
    }
    return parseXActivity(ctx.config, req.rawBody, ctx.now());
  },

  async send(ctx, msg) {
    if (msg.attachments?.length) ctx.log.warn({ accountId: ctx.accountId }, "x: files are not sent on X; the text goes alone");
    const post = TWEET_ADDRESS.exec(msg.to);
    if (post) {
      const [, tweetId, authorId] = post as unknown as [string, string, string];
      if (msg.automated) return sendDm(ctx, authorId, msg.text);
      if ([...msg.text].length > X_MAX_POST) return { status: "failed", retryable: false, reason: `a reply on X holds at most ${X_MAX_POST} characters (this one has ${[...msg.text].length}); shorten it or answer by DM` };
      const r = await xPost<{ data?: { id?: string } }>(ctx, "/2/tweets", { text: msg.text, reply: { in_reply_to_tweet_id: tweetId } });
      if (!r.ok) return r.failure;
      return r.data.data?.id ? { status: "sent", externalId: `tweet:${r.data.data.id}` } : { status: "failed", retryable: false, reason: "X answered without the post id" };
    }
    if (!/^\d{1,20}$/.test(msg.to)) return { status: "failed", retryable: false, reason: `not an X user id or post address: ${msg.to}` };
    return sendDm(ctx, msg.to, msg.text);
  },

  async fetchAttachment(ctx, ref): Promise<FetchAttachmentResult> {
    let url: URL;
    try {
      url = new URL(ref);
    } catch {
      return { status: "failed", retryable: false, reason: "not a media URL" };
    }
    // DM media needs the account's OAuth signature; never send it to any other host.
    const trusted = ["ton.twitter.com", "ton.x.com", "pbs.twimg.com", ...(ctx.config.apiBase ? [new URL(ctx.config.apiBase).host] : [])];
    if (!trusted.includes(url.host)) return { status: "failed", retryable: false, reason: `media host ${url.host} is not X's` };
    try {
      const res = await ctx.fetch(url, { headers: { authorization: xAuthorization(ctx.config, "GET", url.toString()) } });
      if (!res.ok) return { status: "failed", retryable: isRetryableStatus(res.status), reason: `HTTP ${res.status} from X media` };
      const mimeType = res.headers.get("content-type")?.split(";")[0]?.trim();
      return { status: "fetched", content: Buffer.from(await res.arrayBuffer()), ...(mimeType ? { mimeType } : {}) };
    } catch (err) {
      return { status: "failed", retryable: true, reason: errorMessage(err) };
    }
  },
};
