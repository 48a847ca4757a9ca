// Instagram professional account: Direct messages and comments on the account's media, through
// Meta's webhooks (object "instagram": `messaging` events and `comments` changes), verified by the
// shared Meta code. Replies go back as Direct messages or as replies under the comment.
import { z } from "zod";
import type { DeliveryUpdate, InboundMessage, WebhookConnector, WebhookOutcome } from "../connector.js";
import { fetchMetaMedia, metaConfigFields, metaHandshake, metaTime, readMetaBody, verifyMetaRequest } from "../meta/meta.js";
import { commentMessage, DIRECT_ADDRESS, readMessagingEvent, sendMessaging, type MessagingEvent } from "../meta/messaging.js";

export const instagramConfigSchema = z.object({
  instagramAccountId: z.string().regex(/^\d{5,25}$/, "the Instagram professional account ID (digits)").describe("Instagram account ID"),
  ...metaConfigFields,
});
export type InstagramConfig = z.infer<typeof instagramConfigSchema>;

/** Instagram's limit for one Direct text (1000 bytes of UTF-8; counted in characters here). */
export const INSTAGRAM_MAX_TEXT = 1000;

interface CommentValue {
  id?: string;
  text?: string;
  parent_id?: string;
  from?: { id?: string; username?: string };
  media?: { id?: string; media_product_type?: string };
}

export function parseInstagram(config: InstagramConfig, rawBody: Buffer, now: Date): WebhookOutcome {
  const read = readMetaBody(rawBody, "instagram");
  if (!read.ok) return read.outcome;
  const messages: InboundMessage[] = [];
  const deliveries: DeliveryUpdate[] = [];
  const skipped: string[] = [];
  for (const entry of read.body.entry) {
    if (entry.id !== undefined && String(entry.id) !== config.instagramAccountId) {
      skipped.push(`other-account: ${String(entry.id)}`);
      continue;
    }
    for (const ev of (entry.messaging ?? []) as MessagingEvent[]) {
      const out = readMessagingEvent("instagram", config.instagramAccountId, ev, now);
      if ("message" in out) messages.push(out.message);
      else if ("deliveries" in out) deliveries.push(...out.deliveries);
      else skipped.push(out.ignored);
    }
    for (const change of entry.changes ?? []) {
      const v = (change.value ?? {}) as CommentValue;
      if (change.field !== "comments" && change.field !== "live_comments") {
        skipped.push(`field ${String(change.field)}`);
        continue;
      }
      if (!v.id || !v.media?.id || !v.from?.id || !v.text) {
        skipped.push("invalid: comment without id, media, author or text");
        continue;
      }
      if (v.from.id === config.instagramAccountId) {
        skipped.push("echo: the account's own comment");
        continue;
      }
      messages.push(
        commentMessage(
          "instagram",
          { commentId: v.id, postId: v.media.id, fromId: v.from.id, ...(v.from.username ? { username: v.from.username, fromName: `@${v.from.username}` } : {}), text: v.text, createdAt: metaTime(entry.time, now), ...(v.parent_id ? { parentId: v.parent_id } : {}) },
          change,
        ),
      );
    }
  }
  if (!messages.length && !deliveries.length) return { kind: "ignored", reason: skipped.join("; ") || "empty: no messaging events or comments" };
  return { kind: "events", messages, deliveries };
}

export const instagramConnector: WebhookConnector<InstagramConfig> = {
  id: "instagram",
  kind: "instagram",
  title: "Instagram (Direct and comments)",
  inbound: "webhook",
  configSchema: instagramConfigSchema,
  limits: {
    maxTextLength: INSTAGRAM_MAX_TEXT,
    attachments: { mimeTypes: ["image/jpeg", "image/png", "video/mp4", "audio/*"], maxBytes: 8 * 1024 * 1024 },
    // Direct: 24 hours after the person's last message; comment replies are not limited.
    replyWindow: { hours: 24, appliesTo: DIRECT_ADDRESS, templatesOf: () => [] },
  },
  verify: (ctx, req) => verifyMetaRequest(ctx.config, req),
  parse: (ctx, req) => metaHandshake(ctx.config, req) ?? parseInstagram(ctx.config, req.rawBody, ctx.now()),
  send: (ctx, msg) => sendMessaging(ctx, ctx.config.instagramAccountId, "replies", msg),
  fetchAttachment: (ctx, ref) => fetchMetaMedia(ctx, ref),
};
