import { HttpError } from "react-admin";
import { takePrefetched } from "./boot/prefetch";

/** Same-origin JSON calls to the Aduan API; the httpOnly session cookie travels by itself. */
export async function api<T = unknown>(path: string, init: { method?: string; body?: unknown } = {}): Promise<{ status: number; headers: Headers; json: T }> {
  // The first screen's reads were started by boot.ts while the app loaded: use them if they match.
  const prefetched = (init.method ?? "GET") === "GET" && init.body === undefined ? takePrefetched(path) : null;
  const res = (prefetched && (await prefetched.catch(() => null))) || await fetch(`/api${path}`, {
    method: init.method ?? "GET",
    credentials: "same-origin",
    headers: init.body === undefined ? { Accept: "application/json" } : { Accept: "application/json", "Content-Type": "application/json" },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    const body = (json ?? {}) as { message?: string; error?: string };
    throw new HttpError(body.message ?? res.statusText, res.status, json);
  }
  return { status: res.status, headers: res.headers, json: json as T };
}
