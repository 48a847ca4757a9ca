import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { i18nReady } from "./i18n";

// With English chosen, the first render waits for its texts (a small chunk) instead of flashing Indonesian.
void i18nReady.then(() =>
  createRoot(document.getElementById("root")!).render(
    <StrictMode>
      <App />
    </StrictMode>,
  ),
);
