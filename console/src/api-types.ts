/**
 * The API's types as the console sees them: derived from the server's presenters
 * (server/http/presenters/wire.ts), type-only, so a renamed presenter field breaks
 * `npm run typecheck` here instead of a screen in production.
 */
export type * from "../../server/http/presenters/wire";

import type { DuplicateSuggestionWire, LiveEventWire, TicketWire } from "../../server/http/presenters/wire";
/** A ticket as GET /api/tickets/:id presents it. */
export type Ticket = TicketWire;
/** An event of the live stream; "resync" and "ready" are the console's own. */
export type LiveEvent = LiveEventWire;
/** A likely duplicate of a ticket (GET /api/tickets/:id/duplicates). */
export type DuplicateSuggestion = DuplicateSuggestionWire;
