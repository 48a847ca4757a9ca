// Instagram professional account: Direct messages and comments on the account's media, through
// Meta's webhooks (object "instagram": `messaging` events and `comments` changes), verified by the
// shared Meta code. Replies go back as Direct messages or as replies under the comment.
import { z } from "zod";
import type { WebhookOutcome } from "../connector.js";
import { metaConfigFields, metaTime } from "../meta/meta.js";
import { commentMessage, messagingConnector, parseMessagingWebhook } from "../meta/messaging.js";

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
  return parseMessagingWebhook({ kind: "instagram", object: "instagram", ownId: config.instagramAccountId, other: "other-account", rawBody, now }, (change, entry) => {
    const v = (change.value ?? {}) as CommentValue;
    if (change.field !== "comments" && change.field !== "live_comments") return `field ${String(change.field)}`;
    if (!v.id || !v.media?.id || !v.from?.id || !v.text) return "invalid: comment without id, media, author or text";
    if (v.from.id === config.instagramAccountId) return "echo: the account's own comment";
    return commentMessage(
      "instagram",
      { commentId: v.id, postId: v.media.id, fromId: v.from.id, ...(v.from.username ? { username: v.from.username, fromName: `@${v.from.username}` } : {}), text: v.text, createdAt: metaTime(entry.time, now), ...(v.parent_id ? { parentId: v.parent_id } : {}) },
      change,
    );
  });
}

export const instagramConnector = messagingConnector<InstagramConfig>({
  id: "instagram",
  title: "Instagram (Direct and comments)",
  configSchema: instagramConfigSchema,
  limits: { maxTextLength: INSTAGRAM_MAX_TEXT, attachments: { mimeTypes: ["image/jpeg", "image/png", "video/mp4", "audio/*"], maxBytes: 8 * 1024 * 1024 } },
  senderOf: (c) => c.instagramAccountId,
  commentEdge: "replies",
  parse: parseInstagram,
});
