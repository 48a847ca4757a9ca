// Facebook Page: Messenger conversations and comments on the Page's posts, through Meta's
// webhooks (object "page": `messaging` events and `feed` changes), verified by the shared Meta
// code. Replies go back as Messenger messages (Send API) or as replies under the comment.
import { z } from "zod";
import type { DeliveryUpdate, InboundMessage, WebhookConnector, WebhookOutcome } from "../connector.js";
import { fetchMetaMedia, metaConfigFields, metaHandshake, metaTime, readMetaBody, verifyMetaRequest } from "../meta/meta.js";
import { commentMessage, DIRECT_ADDRESS, readMessagingEvent, sendMessaging, type MessagingEvent } from "../meta/messaging.js";

export const facebookConfigSchema = z.object({
  pageId: z.string().regex(/^\d{5,20}$/, "the Page ID (digits)").describe("Facebook Page ID"),
  ...metaConfigFields,
});
export type FacebookConfig = z.infer<typeof facebookConfigSchema>;

/** Messenger's limit for one text message. */
export const MESSENGER_MAX_TEXT = 2000;

interface FeedValue {
  item?: string;
  verb?: string;
  comment_id?: string;
  post_id?: string;
  parent_id?: string;
  message?: string;
  created_time?: number;
  from?: { id?: string; name?: string };
}

export function parseFacebook(config: FacebookConfig, rawBody: Buffer, now: Date): WebhookOutcome {
  const read = readMetaBody(rawBody, "page");
  if (!read.ok) return read.outcome;
  const messages: InboundMessage[] = [];
  const deliveries: DeliveryUpdate[] = [];
  const skipped: string[] = [];
  for (const entry of read.body.entry) {
    if (entry.id !== undefined && String(entry.id) !== config.pageId) {
      skipped.push(`other-page: ${String(entry.id)}`);
      continue;
    }
    for (const ev of (entry.messaging ?? []) as MessagingEvent[]) {
      const out = readMessagingEvent("facebook", config.pageId, ev, now);
      if ("message" in out) messages.push(out.message);
      else if ("deliveries" in out) deliveries.push(...out.deliveries);
      else skipped.push(out.ignored);
    }
    for (const change of entry.changes ?? []) {
      const v = (change.value ?? {}) as FeedValue;
      if (change.field !== "feed" || v.item !== "comment") {
        skipped.push(`feed: ${String(change.field)}/${String(v.item)}`);
        continue;
      }
      if (v.verb !== "add") {
        skipped.push(`comment ${String(v.verb)}: only new comments are taken`);
        continue;
      }
      if (!v.comment_id || !v.post_id || !v.from?.id || !v.message) {
        skipped.push("invalid: comment without id, post, author or text");
        continue;
      }
      if (v.from.id === config.pageId) {
        skipped.push("echo: the Page's own comment");
        continue;
      }
      messages.push(
        commentMessage(
          "facebook",
          { commentId: v.comment_id, postId: v.post_id, fromId: v.from.id, ...(v.from.name ? { fromName: v.from.name } : {}), text: v.message, createdAt: metaTime(v.created_time, now), ...(v.parent_id ? { parentId: v.parent_id } : {}) },
          change,
        ),
      );
    }
  }
  if (!messages.length && !deliveries.length) return { kind: "ignored", reason: skipped.join("; ") || "empty: no messaging events or comments" };
  return { kind: "events", messages, deliveries };
}

export const facebookConnector: WebhookConnector<FacebookConfig> = {
  id: "facebook",
  kind: "facebook",
  title: "Facebook Page (Messenger and comments)",
  inbound: "webhook",
  configSchema: facebookConfigSchema,
  limits: {
    maxTextLength: MESSENGER_MAX_TEXT,
    attachments: { mimeTypes: ["image/*", "video/*", "audio/*", "application/pdf"], maxBytes: 25 * 1024 * 1024 },
    // Standard messaging: 24 hours after the person's last message; comment replies are not limited.
    replyWindow: { hours: 24, appliesTo: DIRECT_ADDRESS, templatesOf: () => [] },
  },
  verify: (ctx, req) => verifyMetaRequest(ctx.config, req),
  parse: (ctx, req) => metaHandshake(ctx.config, req) ?? parseFacebook(ctx.config, req.rawBody, ctx.now()),
  send: (ctx, msg) => sendMessaging(ctx, ctx.config.pageId, "comments", msg),
  fetchAttachment: (ctx, ref) => fetchMetaMedia(ctx, ref),
};
