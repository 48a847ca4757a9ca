import { HttpError } from "react-admin";
import { takePrefetched } from "./boot/prefetch";
import { i18nProvider } from "./i18n";

interface ErrorBody {
  error?: string;
  message?: string;
  details?: { retryAfterSeconds?: number };
}

/**
 * The text shown for an API error: the server answers `{ error: code, message: English text }`;
 * a known code is said in the user's language (aduan.errors.<code>, with the server's text as
 * %{detail} where the code alone says too little), anything else falls back to the server's text.
 */
export function serverErrorText(status: number, body: ErrorBody | undefined, statusText = ""): string {
  const serverText = body?.message ?? (statusText || `HTTP ${status}`);
  if (!body?.error) return serverText;
  const key = `aduan.errors.${body.error}`;
  const detail = serverText.replace(/^invalid (body|query|params): /, "");
  const minutes = Math.max(1, Math.ceil((body.details?.retryAfterSeconds ?? 60) / 60));
  const text = i18nProvider.translate(key, { detail, minutes });
  // allowMissing answers an unknown key with the key itself.
  return text && text !== key ? text : serverText;
}

/** Same-origin JSON calls to the Aduan API; the httpOnly session cookie travels by itself. */
export async function api<T = unknown>(path: string, init: { method?: string; body?: unknown } = {}): Promise<{ status: number; headers: Headers; json: T }> {
  let res: Response;
  try {
    // The first screen's reads were started by boot.ts while the app loaded: use them if they match.
    const prefetched = (init.method ?? "GET") === "GET" && init.body === undefined ? takePrefetched(path) : null;
    res = (prefetched && (await prefetched.catch(() => null))) || await fetch(`/api${path}`, {
      method: init.method ?? "GET",
      credentials: "same-origin",
      headers: init.body === undefined ? { Accept: "application/json" } : { Accept: "application/json", "Content-Type": "application/json" },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  } catch {
    throw new HttpError(i18nProvider.translate("aduan.errors.network"), 0);
  }
  const text = await res.text();
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    throw new HttpError(serverErrorText(res.status, json as ErrorBody | undefined, res.statusText), res.status, json);
  }
  return { status: res.status, headers: res.headers, json: json as T };
}
