import { BOOT_HINT_KEY } from "./urls";

/** How old a prefetched response may be when the app asks for it. */
export const PREFETCH_FRESH_MS = 10_000;

/** The response boot.ts already requested for exactly this path, at most once and only while fresh. */
export function takePrefetched(path: string): Promise<Response> | null {
  const state = typeof window === "undefined" ? undefined : window.__aduanPrefetch;
  const hit = state?.pending[path];
  if (!state || !hit) return null;
  delete state.pending[path];
  if (Date.now() - hit.at > PREFETCH_FRESH_MS) return null;
  state.taken.push(path);
  return hit.response;
}

/** Remember (or forget) that this browser has a session, so the next load can prefetch. */
export function setBootHint(role: string | null): void {
  try {
    if (role) localStorage.setItem(BOOT_HINT_KEY, JSON.stringify({ role }));
    else localStorage.removeItem(BOOT_HINT_KEY);
  } catch {
    /* storage disabled: no prefetch */
  }
}

/** Whether this browser remembers a session (a hint only: the first screen is then most likely not the login page). */
export function hasBootHint(): boolean {
  try {
    return localStorage.getItem(BOOT_HINT_KEY) !== null;
  } catch {
    return false;
  }
}
