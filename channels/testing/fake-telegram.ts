// A fake Telegram Bot API: the methods the connector calls, and file downloads.
import { FailureSwitch, sendJson, startLocalServer } from "./local-server.js";

export interface FakeTelegramCall {
  method: string;
  /** JSON or form fields; uploaded files appear as { fileName, mimeType, size }. */
  payload: Record<string, unknown>;
  contentType: string;
}

export interface FakeTelegramFailure {
  status: number;
  description?: string;
  retryAfter?: number;
}

export interface FakeTelegram {
  /** Pass as the connector's apiRoot. */
  apiRoot: string;
  calls: FakeTelegramCall[];
  /** Last setWebhook parameters, undefined after deleteWebhook. */
  webhook: { url: string; secret_token?: string; allowed_updates?: unknown } | undefined;
  /** The next `count` calls of `method` (any method when omitted) fail like Telegram would. */
  failNext(count: number, failure: FakeTelegramFailure, method?: string): void;
  /** sendMessage to this chat answers 403 "bot was blocked by the user". */
  blockChat(chatId: number | string): void;
  /** Makes getFile(fileId) and the download of its file_path work. */
  addFile(fileId: string, content: Buffer, filePath?: string): void;
  close(): Promise<void>;
}

async function readPayload(contentType: string, body: Buffer): Promise<Record<string, unknown>> {
  if (!body.length) return {};
  if (contentType.startsWith("application/json")) return JSON.parse(body.toString("utf8")) as Record<string, unknown>;
  if (contentType.startsWith("application/x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(body.toString("utf8")));
  if (contentType.startsWith("multipart/form-data")) {
    const form = await new Request("http://fake/", { method: "POST", headers: { "content-type": contentType }, body: new Uint8Array(body) }).formData();
    const out: Record<string, unknown> = {};
    for (const [k, v] of form.entries()) {
      out[k] = typeof v === "string" ? v : { fileName: v.name, mimeType: v.type, size: v.size };
    }
    return out;
  }
  return { raw: body.toString("utf8") };
}

export async function startFakeTelegram(opts: { token: string; botUsername?: string }): Promise<FakeTelegram> {
  const calls: FakeTelegramCall[] = [];
  const failures = new Map<string, FailureSwitch<FakeTelegramFailure>>();
  const blocked = new Set<string>();
  const files = new Map<string, { content: Buffer; filePath: string }>();
  let nextMessageId = 1000;
  const state: { webhook: FakeTelegram["webhook"] } = { webhook: undefined };
  const switchFor = (m: string) => failures.get(m) ?? failures.set(m, new FailureSwitch()).get(m)!;
  const ok = (res: Parameters<typeof sendJson>[0], result: unknown) => sendJson(res, 200, { ok: true, result });
  const fail = (res: Parameters<typeof sendJson>[0], status: number, description: string, extra: object = {}) =>
    sendJson(res, status, { ok: false, error_code: status, description, ...extra });

  const local = await startLocalServer(async (req, body, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const download = /^\/file\/bot([^/]+)\/(.+)$/.exec(path);
    if (download) {
      const file = [...files.values()].find((f) => f.filePath === decodeURIComponent(download[2] ?? ""));
      if (download[1] !== opts.token || !file) return fail(res, 404, "Not Found");
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": file.content.length });
      return void res.end(file.content);
    }
    const m = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(path);
    if (!m) return fail(res, 404, "Not Found");
    if (m[1] !== opts.token) return fail(res, 401, "Unauthorized");
    const method = m[2] as string;
    const contentType = String(req.headers["content-type"] ?? "");
    const payload = await readPayload(contentType, body);
    calls.push({ method, payload, contentType });

    const failure = switchFor(method).take() ?? switchFor("*").take();
    if (failure) {
      if (failure.status >= 500) {
        res.writeHead(failure.status, { "content-type": "text/plain" });
        return void res.end(failure.description ?? "Bad Gateway");
      }
      const extra = failure.retryAfter ? { parameters: { retry_after: failure.retryAfter } } : {};
      return fail(res, failure.status, failure.description ?? (failure.status === 429 ? `Too Many Requests: retry after ${failure.retryAfter ?? 1}` : "Bad Request"), extra);
    }

    const chatId = payload.chat_id;
    const sendLike = (extra: object) => {
      if (chatId === undefined || chatId === "") return fail(res, 400, "Bad Request: chat_id is empty");
      if (blocked.has(String(chatId))) return fail(res, 403, "Forbidden: bot was blocked by the user");
      const id = Number(chatId);
      return ok(res, {
        message_id: nextMessageId++,
        from: { id: 7000000001, is_bot: true, first_name: "Aduan", username: opts.botUsername ?? "aduan_bot" },
        chat: { id: Number.isFinite(id) ? id : chatId, type: "private" },
        date: Math.floor(Date.now() / 1000),
        ...extra,
      });
    };
    switch (method) {
      case "getMe":
        return ok(res, { id: 7000000001, is_bot: true, first_name: "Aduan", username: opts.botUsername ?? "aduan_bot" });
      case "sendMessage":
        if (!payload.text) return fail(res, 400, "Bad Request: message text is empty");
        return sendLike({ text: payload.text });
      case "sendPhoto":
        return sendLike({ photo: [{ file_id: "sent-photo", file_unique_id: "sp", width: 1, height: 1 }], ...(payload.caption ? { caption: payload.caption } : {}) });
      case "sendDocument":
        return sendLike({ document: { file_id: "sent-doc", file_unique_id: "sd" }, ...(payload.caption ? { caption: payload.caption } : {}) });
      case "setWebhook": {
        const url = String(payload.url ?? "");
        if (!/^https:\/\//.test(url)) return fail(res, 400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook");
        const secret = payload.secret_token === undefined ? undefined : String(payload.secret_token);
        if (secret !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secret)) return fail(res, 400, "Bad Request: secret token contains unallowed characters");
        state.webhook = { url, ...(secret !== undefined ? { secret_token: secret } : {}), ...(payload.allowed_updates ? { allowed_updates: payload.allowed_updates } : {}) };
        return ok(res, true);
      }
      case "deleteWebhook":
        state.webhook = undefined;
        return ok(res, true);
      case "getWebhookInfo":
        return ok(res, { url: state.webhook?.url ?? "", has_custom_certificate: false, pending_update_count: 0 });
      case "getFile": {
        const f = files.get(String(payload.file_id ?? ""));
        if (!f) return fail(res, 400, "Bad Request: invalid file_id");
        return ok(res, { file_id: payload.file_id, file_unique_id: `u-${payload.file_id}`, file_size: f.content.length, file_path: f.filePath });
      }
      default:
        return fail(res, 404, "Not Found: method not found");
    }
  });

  return {
    apiRoot: local.baseUrl,
    calls,
    get webhook() {
      return state.webhook;
    },
    failNext: (count, failure, method = "*") => switchFor(method).next(count, failure),
    blockChat: (chatId) => void blocked.add(String(chatId)),
    addFile: (fileId, content, filePath = `documents/file_${files.size}.bin`) => void files.set(fileId, { content, filePath }),
    close: local.close,
  };
}
