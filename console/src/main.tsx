import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { QueryClient } from "@tanstack/react-query";
import { App } from "./App";
import { seedSession } from "./authProvider";
import { hasBootHint } from "./boot/prefetch";
import { i18nReady } from "./i18n";

const queryClient = new QueryClient();
// With English chosen, the first render waits for its texts (a small chunk) instead of flashing
// Indonesian; with a remembered session, for /auth/me (already requested by boot.ts), so that the
// first render is the signed-in screen and not a loading page.
void Promise.all([i18nReady, hasBootHint() ? seedSession(queryClient) : null]).then(() =>
  createRoot(document.getElementById("root")!).render(
    <StrictMode>
      <App queryClient={queryClient} />
    </StrictMode>,
  ),
);
