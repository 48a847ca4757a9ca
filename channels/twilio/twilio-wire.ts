// What the Twilio connectors (twilio-sms, twilio-voice) share: reading Twilio's form bodies,
// checking X-Twilio-Signature, and a REST client that can be pointed at a stand-in API.
// Not a connector: no registry line.
import twilio from "twilio";
import { headerValue, type WebhookRequest } from "../connector.js";

const parsedForms = new WeakMap<Buffer, Readonly<Record<string, string | string[]>>>();

/**
 * Form body -> params object; a repeated key becomes an array (as twilio.validateRequest expects).
 * Read once per request body: the signature check and the parser share it (frozen, so neither can
 * change what the other reads).
 */
export function formParams(rawBody: Buffer): Readonly<Record<string, string | string[]>> {
  const known = parsedForms.get(rawBody);
  if (known) return known;
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(rawBody.toString("utf8"))) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  Object.freeze(out);
  parsedForms.set(rawBody, out);
  return out;
}

/** The first value of a form parameter. */
export function single(params: Record<string, string | string[] | undefined>, key: string): string | undefined {
  const v = params[key];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * X-Twilio-Signature over the URL Twilio called and the form parameters; JSON-bodied webhooks
 * sign the URL (with ?bodySHA256=) and hash the body separately. Never throws.
 */
export function verifyTwilioSignature(authToken: string, req: WebhookRequest): boolean {
  const signature = headerValue(req, "x-twilio-signature");
  if (!signature) return false;
  try {
    if (new URL(req.url).searchParams.has("bodySHA256")) return twilio.validateRequestWithBody(authToken, signature, req.url, req.rawBody.toString("utf8"));
    return twilio.validateRequest(authToken, signature, req.url, formParams(req.rawBody));
  } catch {
    return false;
  }
}

type RequestOptions<TData> = Parameters<InstanceType<typeof twilio.RequestClient>["request"]>[0] & { data?: TData };

/** Twilio's client with every request sent to `base` instead of api.twilio.com (STACK-NOTES). */
class RebasedRequestClient extends twilio.RequestClient {
  constructor(private readonly base: string) {
    super({ timeout: 15_000 });
  }
  override request<TData>(opts: RequestOptions<TData>) {
    return super.request<TData>({ ...opts, uri: rebaseUrl(opts.uri, this.base) });
  }
}

/** `uri` with its scheme and host replaced by `base`'s (a stand-in API); unchanged without `base`. */
export function rebaseUrl(uri: string, base: string | undefined): string {
  if (!base) return uri;
  const u = new URL(uri);
  const b = new URL(base);
  u.protocol = b.protocol;
  u.host = b.host;
  return u.toString();
}

/** Twilio's REST client for an account, talking to `apiBaseUrl` when one is configured. */
export function twilioClient(c: { accountSid: string; authToken: string; apiBaseUrl?: string | undefined }) {
  return twilio(c.accountSid, c.authToken, { accountSid: c.accountSid, ...(c.apiBaseUrl ? { httpClient: new RebasedRequestClient(c.apiBaseUrl) } : {}) });
}
