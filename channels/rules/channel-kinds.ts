/** Where a message came from or goes to. "voice" is a call typed in by an operator or taken by the IVR. */
export const CHANNEL_KINDS = ["sms", "voice", "whatsapp", "telegram", "email", "facebook", "instagram", "x", "web"] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

export const isChannelKind = (s: unknown): s is ChannelKind => typeof s === "string" && (CHANNEL_KINDS as readonly string[]).includes(s);

/** Channels on which a short text "STATUS ADU-…" is answered with the ticket's state. */
export const STATUS_QUESTION_CHANNELS: readonly ChannelKind[] = ["sms", "telegram", "whatsapp"];
