import type { Actor } from "./append-audit-event.js";

/** What every command gets besides its transaction and input. */
export interface CommandContext {
  actor: Actor;
  /** "now", from the app's clock (controllable in tests). */
  at: Date;
  /** Key for HMAC of tracking secrets. */
  secretKey: string;
}
