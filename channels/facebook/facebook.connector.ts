// Facebook Page: Messenger conversations and comments on the Page's posts, through Meta's
// webhooks (object "page": `messaging` events and `feed` changes), verified by the shared Meta
// code. Replies go back as Messenger messages (Send API) or as replies under the comment.
import { z } from "zod";
import type { WebhookOutcome } from "../connector.js";
import { metaConfigFields, metaTime } from "../meta/meta.js";
import { commentMessage, messagingConnector, parseMessagingWebhook } from "../meta/messaging.js";

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
  return parseMessagingWebhook({ kind: "facebook", object: "page", ownId: config.pageId, other: "other-page", rawBody, now }, (change) => {
    const v = (change.value ?? {}) as FeedValue;
    if (change.field !== "feed" || v.item !== "comment") return `feed: ${String(change.field)}/${String(v.item)}`;
    if (v.verb !== "add") return `comment ${String(v.verb)}: only new comments are taken`;
    if (!v.comment_id || !v.post_id || !v.from?.id || !v.message) return "invalid: comment without id, post, author or text";
    if (v.from.id === config.pageId) return "echo: the Page's own comment";
    return commentMessage(
      "facebook",
      { commentId: v.comment_id, postId: v.post_id, fromId: v.from.id, ...(v.from.name ? { fromName: v.from.name } : {}), text: v.message, createdAt: metaTime(v.created_time, now), ...(v.parent_id ? { parentId: v.parent_id } : {}) },
      change,
    );
  });
}

export const facebookConnector = messagingConnector<FacebookConfig>({
  id: "facebook",
  title: "Facebook Page (Messenger and comments)",
  configSchema: facebookConfigSchema,
  limits: { maxTextLength: MESSENGER_MAX_TEXT, attachments: { mimeTypes: ["image/*", "video/*", "audio/*", "application/pdf"], maxBytes: 25 * 1024 * 1024 } },
  senderOf: (c) => c.pageId,
  commentEdge: "comments",
  parse: parseFacebook,
});
