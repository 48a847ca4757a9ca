// The API paths the console reads, built in one place: the data provider builds them for every
// request, and boot.ts builds the same ones to fetch the first screen's data while the app's
// JavaScript is still loading (a prefetched response is used only if the app asks for exactly
// that path). Keep this file free of imports: it is also bundled into the tiny boot script.

export interface ListParams {
  page: number;
  perPage: number;
  sort?: { field: string; order: "ASC" | "DESC" | string };
  filter?: Record<string, unknown>;
}

const qs = (o: Record<string, unknown>) =>
  Object.entries(o)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(JSON.stringify(v))}`)
    .join("&");

/** Drops empty filter values (an emptied search box), as the server would ignore them anyway. */
export function cleanFilter(filter: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(filter ?? {})) {
    if (v === "" || v === null || v === undefined) continue;
    out[k] = v;
  }
  return out;
}

/** `GET /api/<resource>?sort=…&range=…&filter=…` in the simple-REST dialect of server/http/middleware/ra-list.ts. */
export function listPath(resource: string, p: ListParams): string {
  const sort = p.sort && p.sort.field ? [p.sort.field, p.sort.order] : undefined;
  return `/${resource}?${qs({ sort, range: [(p.page - 1) * p.perPage, p.page * p.perPage - 1], filter: cleanFilter(p.filter) })}`;
}

/** getMany: the records with these ids. */
export function manyPath(resource: string, ids: number[]): string {
  return `/${resource}?${qs({ filter: { id: ids }, range: [0, ids.length - 1] })}`;
}

/** The queue (operators) and the OPD inbox: open tickets, the most urgent first. */
export const QUEUE = { sort: { field: "dueAt", order: "ASC" as const }, perPage: 25, filter: { isOpen: true } };
/** New, unverified tickets: their clock is the shortest, so they are the operator's default view. */
export const UNVERIFIED_FILTER = { isOpen: true, status: "received" };
/** The queue's filter before the user chose one: operators start on the unverified tickets. */
export const queueDefaultFilter = (role: string | undefined): Record<string, unknown> => (role === "operator" ? UNVERIFIED_FILTER : QUEUE.filter);

/** Category and OPD names for the queue's rows (two small lists, cached by the app). */
export const NAME_LISTS = {
  categories: { pagination: { page: 1, perPage: 500 }, sort: { field: "id", order: "ASC" as const } },
  agencies: { pagination: { page: 1, perPage: 500 }, sort: { field: "id", order: "ASC" as const } },
};

/** The ticket page's conversation and attachments. */
export const conversationParams = (ticketId: number | string) => ({
  filter: { ticketId },
  sort: { field: "createdAt", order: "ASC" as const },
  pagination: { page: 1, perPage: 200 },
});
export const attachmentParams = (ticketId: number | string) => ({
  filter: { ticketId },
  sort: { field: "id", order: "ASC" as const },
  pagination: { page: 1, perPage: 200 },
});

/** react-admin's store key for the queue's list parameters, per role (TicketList's storeKey). */
export const queueStoreKey = (role: string | undefined) => `tickets.${role ?? "x"}`;

/** Where the console remembers (in localStorage) that a session exists and its role: a hint for boot.ts, never trusted. */
export const BOOT_HINT_KEY = "aduan.boot";

/**
 * The API paths the first screen of `hash` will read, for a signed-in user with `role`, given
 * react-admin's stored list parameters (`stored`, the parsed RaStore value, if any).
 */
export function firstScreenPaths(hash: string, role: string, stored: unknown): string[] {
  // The wall's kiosk role reads nothing but the wall (every other route answers it 403).
  if (role === "layar") return ["/auth/me"];
  const paths = ["/auth/me", "/notifications/unread-count"];
  const desk = role === "operator" || role === "supervisor" || role === "opd_head" || role === "opd_staff";
  if (!desk) return paths;
  const route = hash.replace(/^#/, "");
  const show = /^\/tickets\/(\d{1,12})\/show\/?$/.exec(route);
  if (show) {
    const id = show[1]!;
    const c = conversationParams(Number(id));
    const a = attachmentParams(Number(id));
    paths.push(`/tickets/${id}`, listPath("messages", { ...c.pagination, sort: c.sort, filter: c.filter }), listPath("attachments", { ...a.pagination, sort: a.sort, filter: a.filter }));
    return paths;
  }
  for (const l of firstScreenLists(hash, role, stored)) paths.push(listPath(l.resource, { ...l.pagination, sort: l.sort, filter: l.filter }));
  return paths;
}

/** A list the first screen reads, with react-admin's getList parameters (as its query key holds them). */
export interface FirstScreenList {
  resource: string;
  pagination: { page: number; perPage: number };
  sort: { field: string; order: "ASC" | "DESC" };
  filter: Record<string, unknown>;
}

/**
 * The lists the queue reads first (the page of tickets, and the name lists its rows use), when the
 * route carries no list parameters of its own (those come from the store), for a desk role.
 */
export function firstScreenLists(hash: string, role: string, stored: unknown): FirstScreenList[] {
  const desk = role === "operator" || role === "supervisor" || role === "opd_head" || role === "opd_staff";
  const route = hash.replace(/^#/, "");
  if (!desk || !(route === "" || route === "/" || route === "/tickets" || route === "/tickets/")) return [];
  const s = (stored && typeof stored === "object" ? stored : {}) as { sort?: unknown; order?: unknown; page?: unknown; perPage?: unknown; filter?: unknown };
  const tickets: FirstScreenList = {
    resource: "tickets",
    pagination: { page: typeof s.page === "number" ? s.page : 1, perPage: typeof s.perPage === "number" ? s.perPage : QUEUE.perPage },
    sort: typeof s.sort === "string" ? { field: s.sort, order: s.order === "DESC" ? "DESC" : "ASC" } : QUEUE.sort,
    filter: s.filter && typeof s.filter === "object" ? (s.filter as Record<string, unknown>) : queueDefaultFilter(role),
  };
  // New, unverified tickets have no forwards yet: that view shows no OPD names, so they are not fetched.
  const unverifiedOnly = tickets.filter.status === "received";
  const names = Object.entries(NAME_LISTS)
    .filter(([resource]) => !(unverifiedOnly && resource === "agencies"))
    .map(([resource, l]) => ({ resource, pagination: l.pagination, sort: l.sort, filter: {} }));
  return [tickets, ...names];
}
