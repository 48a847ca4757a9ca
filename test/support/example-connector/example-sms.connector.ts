// A connector that lives outside channels/: a made-up SMS gateway ("Contoh SMS") with its own
// webhook signature, written only against channels/connector.ts. test/e2e/connector-registration
// registers it with one line and sends a signed webhook through it, proving that adding a
// connector needs its folder and one registry line, nothing in server/.
//
// Wire format (the gateway's "documentation"):
//   inbound  POST <webhook URL>, JSON { id, from, text, sentAt }, header
//            X-Contoh-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
//            accepted within 5 minutes of t.
//   outbound POST <apiBaseUrl>/messages, Authorization: Bearer <apiKey>, JSON { to, text } → 201 { id }
import { createHmac } from "node:crypto";
import { z } from "zod";
import { errorMessage, headerValue, isRetryableStatus, safeEqual, type WebhookConnector, type WebhookRequest } from "../../../channels/connector.js";

export const exampleSmsConfigSchema = z.object({
  sharedSecret: z.string().min(16).meta({ secret: true }),
  apiKey: z.string().min(8).meta({ secret: true }),
  apiBaseUrl: z.string().url(),
  fromNumber: z.string().regex(/^\+\d{8,15}$/),
});
export type ExampleSmsConfig = z.infer<typeof exampleSmsConfigSchema>;

const TOLERANCE_S = 300;

export function contohSignature(secret: string, timestamp: number, rawBody: Buffer | string): string {
  return `t=${timestamp},v1=${createHmac("sha256", secret).update(`${timestamp}.`).update(rawBody).digest("hex")}`;
}

const inbound = z.object({ id: z.string().min(1), from: z.string().regex(/^\+\d{8,15}$/), text: z.string(), sentAt: z.string().datetime({ offset: true }) });

export const exampleSmsConnector: WebhookConnector<ExampleSmsConfig> = {
  id: "contoh-sms",
  kind: "sms",
  title: "Contoh SMS (uji)",
  inbound: "webhook",
  configSchema: exampleSmsConfigSchema,
  limits: { maxTextLength: 480, attachments: null, replyWindow: null },

  verify(ctx, req: WebhookRequest) {
    const header = headerValue(req, "x-contoh-signature");
    const t = Number(/(?:^|,)t=(\d+)/.exec(header ?? "")?.[1]);
    if (!header || !Number.isFinite(t) || Math.abs(ctx.now().getTime() / 1000 - t) > TOLERANCE_S) return false;
    return safeEqual(header, contohSignature(ctx.config.sharedSecret, t, req.rawBody));
  },

  parse(_ctx, req) {
    let body: unknown;
    try {
      body = JSON.parse(req.rawBody.toString("utf8"));
    } catch {
      return { kind: "ignored", reason: "body is not JSON" };
    }
    const m = inbound.safeParse(body);
    if (!m.success) return { kind: "ignored", reason: `not a message: ${m.error.issues[0]?.message}` };
    const { id, from, text, sentAt } = m.data;
    return {
      kind: "events",
      deliveries: [],
      messages: [{ channelKind: "sms", externalId: id, externalThreadId: from, sender: { externalId: from, phone: from }, sentAt: new Date(sentAt), text, attachments: [], raw: m.data }],
    };
  },

  async send(ctx, msg) {
    try {
      const res = await ctx.fetch(`${ctx.config.apiBaseUrl}/messages`, {
        method: "POST",
        headers: { authorization: `Bearer ${ctx.config.apiKey}`, "content-type": "application/json" },
        body: JSON.stringify({ from: ctx.config.fromNumber, to: msg.to, text: msg.text }),
      });
      if (res.status === 201) return { status: "sent", externalId: String(((await res.json()) as { id: string }).id) };
      return { status: "failed", retryable: isRetryableStatus(res.status), reason: `gateway answered ${res.status}` };
    } catch (err) {
      return { status: "failed", retryable: true, reason: errorMessage(err) };
    }
  },

  async fetchAttachment() {
    return { status: "failed", retryable: false, reason: "this gateway carries no files" };
  },
};
