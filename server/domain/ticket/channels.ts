/** Where a message came from or goes to. "phone" is a call typed in by an operator or taken by the IVR. */
export const CHANNEL_KINDS = ["sms", "voice", "whatsapp", "telegram", "email", "facebook", "instagram", "x", "web"] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];
