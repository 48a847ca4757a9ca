/**
 * Which tickets the public may see. One rule for every public surface (report pages, feeds, open
 * data, Open311, accountability counts of texts): a forgotten toggle must never expose anyone, so
 * everything not explicitly allowed stays hidden.
 */
import type { Privacy } from "./levels.js";
import type { TicketStatus } from "../ticket/lifecycle.js";

/** Privacy levels whose report text may be published (the reporter is never shown on either). */
export const PUBLISHABLE_PRIVACY: readonly Privacy[] = ["publik", "anonim"];
/** Statuses that never reach public pages: spam and duplicates. */
export const UNPUBLISHED_STATUSES: readonly TicketStatus[] = ["rejected", "merged"];

export interface PublicationFacts {
  privacy: Privacy;
  status: TicketStatus;
  /** An operator checked the report: unverified texts are not published. */
  verified: boolean;
  /** The ticket's category may be public (null: no category yet). */
  categoryIsPublic: boolean | null;
}

export function isPublishable(t: PublicationFacts): boolean {
  return PUBLISHABLE_PRIVACY.includes(t.privacy) && t.verified && !UNPUBLISHED_STATUSES.includes(t.status) && t.categoryIsPublic !== false;
}
