import type { DataProvider, Identifier, RaRecord } from "react-admin";
import { api } from "./api";
import { cleanFilter, listPath, manyPath } from "./boot/urls";

/**
 * The simple-REST dialect of server/http/middleware/ra-list.ts (sort, range, filter as JSON;
 * Content-Range answers the total), over fetch with the session cookie. Updates send only the
 * fields that changed, because the server's schemas are strict about what may be edited.
 */
function totalOf(headers: Headers, fallback: number) {
  const range = headers.get("Content-Range");
  const total = range ? Number(range.split("/").pop()) : NaN;
  return Number.isFinite(total) ? total : fallback;
}

function changed(data: Record<string, unknown>, previous: Record<string, unknown> | undefined) {
  if (!previous) return data;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) {
    if (JSON.stringify(v) !== JSON.stringify(previous[k])) out[k] = v;
  }
  return out;
}

export type TransitionBody = { action: string } & Record<string, unknown>;

export interface AduanDataProvider extends DataProvider {
  transition(ticketId: Identifier, body: TransitionBody): Promise<{ data: RaRecord }>;
  post<T = unknown>(path: string, body: unknown): Promise<{ data: T }>;
  get<T = unknown>(path: string): Promise<{ data: T }>;
}

export const dataProvider: AduanDataProvider = {
  async getList(resource, params) {
    const { page, perPage } = params.pagination ?? { page: 1, perPage: 25 };
    const { json, headers } = await api<RaRecord[]>(listPath(resource, { page, perPage, sort: params.sort, filter: params.filter }));
    return { data: json as never[], total: totalOf(headers, json.length) };
  },
  async getOne(resource, params) {
    const { json } = await api<RaRecord>(`/${resource}/${encodeURIComponent(String(params.id))}`);
    return { data: json as never };
  },
  async getMany(resource, params) {
    const ids = params.ids.map(Number).filter((n) => Number.isInteger(n) && n > 0);
    if (ids.length === 0) return { data: [] };
    const { json } = await api<RaRecord[]>(manyPath(resource, ids));
    return { data: json as never[] };
  },
  async getManyReference(resource, params) {
    const { page, perPage } = params.pagination;
    const filter = { ...cleanFilter(params.filter), [params.target]: params.id };
    const { json, headers } = await api<RaRecord[]>(listPath(resource, { page, perPage, sort: params.sort, filter }));
    return { data: json as never[], total: totalOf(headers, json.length) };
  },
  async create(resource, params) {
    const { json } = await api<RaRecord>(`/${resource}`, { method: "POST", body: params.data });
    return { data: json as never };
  },
  async update(resource, params) {
    const body = changed(params.data as Record<string, unknown>, params.previousData as Record<string, unknown>);
    delete body.id;
    const { json } = await api<RaRecord>(`/${resource}/${encodeURIComponent(String(params.id))}`, { method: "PUT", body });
    return { data: json as never };
  },
  async updateMany(resource, params) {
    const out = [];
    for (const id of params.ids) out.push((await api<RaRecord>(`/${resource}/${id}`, { method: "PUT", body: params.data })).json.id);
    return { data: out as never[] };
  },
  async delete(resource, params) {
    const { json } = await api<RaRecord>(`/${resource}/${encodeURIComponent(String(params.id))}`, { method: "DELETE" });
    return { data: (json ?? params.previousData) as never };
  },
  async deleteMany(resource, params) {
    for (const id of params.ids) await api(`/${resource}/${id}`, { method: "DELETE" });
    return { data: params.ids as never[] };
  },
  async transition(ticketId, body) {
    const { json } = await api<RaRecord>(`/tickets/${ticketId}/transitions`, { method: "POST", body });
    return { data: json };
  },
  async post<T>(path: string, body: unknown) {
    const { json } = await api<T>(path, { method: "POST", body });
    return { data: json };
  },
  async get<T>(path: string) {
    const { json } = await api<T>(path);
    return { data: json };
  },
};
