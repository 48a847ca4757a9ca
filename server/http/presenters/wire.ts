/**
 * The presenters' output as the console receives it over JSON: the one source of the console's
 * API types (console/src/api-types.ts imports these with `import type`, so no server code reaches
 * the browser bundle). Renaming a presenter field therefore fails the console's type check.
 */
import type { presentAgency, presentCategory } from "./agency.presenter.js";
import type { presentChannelAccount, presentReplyTemplate } from "./channel-account.presenter.js";
import type { presentContact } from "./contact.presenter.js";
import type { presentMapPoint, presentWallPhoto } from "./map.presenter.js";
import type { presentMessage } from "./message.presenter.js";
import type { presentRoutingSuggestions } from "./routing-suggestion.presenter.js";
import type { presentDuplicateSuggestion, presentForward, presentTicket } from "./ticket.presenter.js";
import type { presentColleague, presentUser, presentViewer } from "./user.presenter.js";
import type { LiveEvent } from "../../live/events.js";

/** What JSON.stringify makes of a value: dates become ISO strings, functions disappear. */
export type Wire<T> = T extends Date
  ? string
  : T extends (infer U)[]
    ? Wire<U>[]
    : T extends readonly (infer U)[]
      ? readonly Wire<U>[]
      : T extends object
        ? { [K in keyof T as T[K] extends (...a: never[]) => unknown ? never : K]: Wire<T[K]> }
        : T;

export type TicketWire = Wire<ReturnType<typeof presentTicket>>;
export type ForwardWire = Wire<ReturnType<typeof presentForward>>;
export type DuplicateSuggestionWire = Wire<ReturnType<typeof presentDuplicateSuggestion>>;
export type MessageWire = Wire<ReturnType<typeof presentMessage>>;
export type ContactWire = Wire<ReturnType<typeof presentContact>>;
export type AgencyWire = Wire<ReturnType<typeof presentAgency>>;
export type CategoryWire = Wire<ReturnType<typeof presentCategory>>;
export type ChannelAccountWire = Wire<ReturnType<typeof presentChannelAccount>>;
export type ReplyTemplateWire = Wire<ReturnType<typeof presentReplyTemplate>>;
export type MapPointWire = Wire<ReturnType<typeof presentMapPoint>>;
export type WallPhotoWire = Wire<ReturnType<typeof presentWallPhoto>>;
export type RoutingSuggestionsWire = Wire<ReturnType<typeof presentRoutingSuggestions>>;
export type ViewerWire = Wire<ReturnType<typeof presentViewer>>;
export type UserWire = Wire<ReturnType<typeof presentUser>>;
export type ColleagueWire = Wire<ReturnType<typeof presentColleague>>;
export type LiveEventWire = Wire<LiveEvent>;
