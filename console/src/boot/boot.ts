// The console's boot script: a few hundred bytes, loaded (classic script, same origin, so CSP
// allows it) before the app's modules. It starts the first screen's API reads at once, so they
// run while the browser loads and evaluates the app instead of after it: on the queue and the
// ticket page that saves two to three round trips. The app takes a prefetched response through
// takePrefetched() only when it asks for exactly that path within a few seconds; otherwise it
// fetches as usual. Nothing here is trusted: the server checks the session on every read.
import { BOOT_HINT_KEY, firstScreenPaths, queueStoreKey } from "./urls";

interface Prefetched {
  at: number;
  response: Promise<Response>;
}

declare global {
  interface Window {
    __aduanPrefetch?: { pending: Record<string, Prefetched>; issued: string[]; taken: string[] };
  }
}

(() => {
  const state = { pending: {} as Record<string, Prefetched>, issued: [] as string[], taken: [] as string[] };
  window.__aduanPrefetch = state;
  let hint: { role?: string } | null = null;
  let stored: unknown;
  try {
    hint = JSON.parse(localStorage.getItem(BOOT_HINT_KEY) ?? "null");
    if (hint?.role) stored = JSON.parse(localStorage.getItem(`RaStore.${queueStoreKey(hint.role)}`) ?? "null");
  } catch {
    hint = null; // storage disabled or garbled: the app boots as it would without this script
  }
  if (!hint || typeof hint.role !== "string") return;
  // The signed-in screen's code (the frame and the queue, or the ticket page) downloads beside the
  // app's entry instead of after it: the build lists those chunks in index.html's meta tags.
  if (hint.role !== "layar") {
    const route = location.hash.replace(/^#/, "");
    const which = /^\/tickets\/[^/?]+\/show/.test(route) ? "ticket" : route === "" || route === "/" || route.startsWith("/tickets") ? "queue" : null;
    const listed = which ? document.querySelector<HTMLMetaElement>(`meta[name="aduan-preload-${which}"]`)?.content : undefined;
    for (const href of listed?.split(" ").filter(Boolean) ?? []) {
      const link = document.createElement("link");
      link.rel = "modulepreload";
      link.href = href;
      document.head.appendChild(link);
    }
  }
  for (const path of firstScreenPaths(location.hash, hint.role, stored)) {
    state.issued.push(path);
    state.pending[path] = { at: Date.now(), response: fetch(`/api${path}`, { credentials: "same-origin", headers: { Accept: "application/json" } }) };
  }
})();
