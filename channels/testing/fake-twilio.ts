// A fake of the slice of Twilio's REST API the SMS connector uses: create a message, fetch media.
import { randomBytes } from "node:crypto";
import { FailureSwitch, sendJson, startLocalServer } from "./local-server.js";

export interface FakeTwilioMessage {
  sid: string;
  accountSid: string;
  to: string;
  from?: string;
  messagingServiceSid?: string;
  body: string;
  statusCallback?: string;
  mediaUrl: string[];
  /** The raw form body as sent on the wire. */
  form: string;
}

export interface FakeTwilio {
  /** Point the connector's apiBaseUrl here. */
  baseUrl: string;
  messages: FakeTwilioMessage[];
  /** Every request that reached the fake, authorised or not. */
  requests: { method: string; path: string; authorization?: string; contentType?: string }[];
  /** Answer the next `count` message creations with this HTTP status (default 500). */
  failNext(count: number, status?: number): void;
  /** Answer every message creation with this status for `ms` milliseconds. */
  failFor(ms: number, status?: number): void;
  /**
   * Refuse every message creation with a permanent Twilio error (HTTP 400 and its code, e.g. 21610
   * "Attempt to send to unsubscribed recipient" or 21211 "Invalid 'To' Phone Number") until recover().
   */
  refuseAll(code: number, message: string): void;
  /** Stop refusing (refuseAll and failNext/failFor): the provider accepts messages again. */
  recover(): void;
  /**
   * Runs before the next message creation is answered, with that message (its sid assigned):
   * e.g. a status callback that overtakes the API's answer, as Twilio's can.
   */
  beforeAnswer(hook: (m: FakeTwilioMessage) => Promise<void>): void;
  /** Serves bytes at a Twilio-shaped media URL (behind basic auth) and returns that URL. */
  addMedia(content: Buffer, contentType: string): string;
  /** A call recording: returns the RecordingUrl Twilio posts (no extension); `${url}.mp3` serves the bytes. */
  addRecording(content: Buffer): { recordingSid: string; recordingUrl: string };
  close(): Promise<void>;
}

const hex = (n: number) => randomBytes(n).toString("hex");
const twilioDate = (d = new Date()) => d.toUTCString().replace("GMT", "+0000");

function errorBody(status: number, code: number, message: string) {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}

export async function startFakeTwilio(opts: { accountSid: string; authToken: string }): Promise<FakeTwilio> {
  const messages: FakeTwilioMessage[] = [];
  const requests: FakeTwilio["requests"] = [];
  const failures = new FailureSwitch<number>();
  let refusal: { code: number; message: string } | null = null;
  const hooks: ((m: FakeTwilioMessage) => Promise<void>)[] = [];
  const media = new Map<string, { content: Buffer; contentType: string }>();
  const expectedAuth = `Basic ${Buffer.from(`${opts.accountSid}:${opts.authToken}`).toString("base64")}`;

  const local = await startLocalServer(async (req, body, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    requests.push({
      method: req.method ?? "",
      path,
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
      ...(req.headers["content-type"] ? { contentType: req.headers["content-type"] } : {}),
    });
    if (req.headers.authorization !== expectedAuth) {
      return sendJson(res, 401, errorBody(401, 20003, "Authenticate"));
    }
    const create = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(path);
    if (create && req.method === "POST") {
      if (create[1] !== opts.accountSid) return sendJson(res, 404, errorBody(404, 20404, `The requested resource ${path} was not found`));
      if (refusal) return sendJson(res, 400, errorBody(400, refusal.code, refusal.message));
      const failure = failures.take();
      if (failure !== undefined) return sendJson(res, failure, errorBody(failure, failure >= 500 ? 20500 : 20001, "Internal Server Error"));
      const form = body.toString("utf8");
      const p = new URLSearchParams(form);
      const to = p.get("To");
      const text = p.get("Body") ?? "";
      if (!to) return sendJson(res, 400, errorBody(400, 21604, "A 'To' phone number is required."));
      if (!/^\+[1-9]\d{6,14}$/.test(to)) return sendJson(res, 400, errorBody(400, 21211, `Invalid 'To' Phone Number: ${to}`));
      if (!p.get("From") && !p.get("MessagingServiceSid")) return sendJson(res, 400, errorBody(400, 21603, "A 'From' or 'MessagingServiceSid' parameter is required to send a message"));
      if (!text && !p.get("MediaUrl")) return sendJson(res, 400, errorBody(400, 21602, "Message body is required."));
      if (text.length > 1600) return sendJson(res, 400, errorBody(400, 21617, "The concatenated message body exceeds the 1600 character limit."));
      const sid = `SM${hex(16)}`;
      const mediaUrl = p.getAll("MediaUrl");
      const m: FakeTwilioMessage = { sid, accountSid: opts.accountSid, to, body: text, mediaUrl, form };
      const from = p.get("From");
      if (from) m.from = from;
      const mss = p.get("MessagingServiceSid");
      if (mss) m.messagingServiceSid = mss;
      const cb = p.get("StatusCallback");
      if (cb) m.statusCallback = cb;
      messages.push(m);
      const hook = hooks.shift();
      if (hook) await hook(m);
      const now = twilioDate();
      const uri = `/2010-04-01/Accounts/${opts.accountSid}/Messages/${sid}.json`;
      return sendJson(res, 201, {
        account_sid: opts.accountSid,
        api_version: "2010-04-01",
        body: text,
        date_created: now,
        date_sent: null,
        date_updated: now,
        direction: "outbound-api",
        error_code: null,
        error_message: null,
        from: from ?? null,
        messaging_service_sid: mss ?? null,
        num_media: String(mediaUrl.length),
        num_segments: String(Math.max(1, Math.ceil(text.length / 153))),
        price: null,
        price_unit: "USD",
        sid,
        status: mss && !from ? "accepted" : "queued",
        subresource_uris: { media: uri.replace(".json", "/Media.json") },
        to,
        uri,
      });
    }
    const m = media.get(path);
    if (m && req.method === "GET") {
      res.writeHead(200, { "content-type": m.contentType, "content-length": m.content.length });
      return void res.end(m.content);
    }
    return sendJson(res, 404, errorBody(404, 20404, `The requested resource ${path} was not found`));
  });

  return {
    baseUrl: local.baseUrl,
    messages,
    requests,
    failNext: (count, status = 500) => failures.next(count, status),
    failFor: (ms, status = 500) => failures.forMs(ms, status),
    refuseAll: (code, message) => void (refusal = { code, message }),
    recover: () => {
      refusal = null;
      failures.clear();
    },
    beforeAnswer: (hook) => void hooks.push(hook),
    addMedia(content, contentType) {
      const path = `/2010-04-01/Accounts/${opts.accountSid}/Messages/MM${hex(16)}/Media/ME${hex(16)}`;
      media.set(path, { content, contentType });
      // The URL Twilio itself would put in MediaUrlN; the connector rebases it onto apiBaseUrl.
      return `https://api.twilio.com${path}`;
    },
    addRecording(content) {
      const recordingSid = `RE${hex(16)}`;
      const path = `/2010-04-01/Accounts/${opts.accountSid}/Recordings/${recordingSid}`;
      media.set(`${path}.mp3`, { content, contentType: "audio/mpeg" });
      return { recordingSid, recordingUrl: `https://api.twilio.com${path}` };
    },
    close: local.close,
  };
}
