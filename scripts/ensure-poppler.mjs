#!/usr/bin/env node
// Makes sure Debian's poppler-utils (pdftotext, pdftoppm) is installed for the tests that read
// back the PDF reports (test/e2e/reports.e2e.test.ts). Run by scripts/test.mjs when a selected
// file uses them, the same way Chromium and HAProxy are installed (scripts/apt-install.mjs).
import { aptInstall, onPath } from "./apt-install.mjs";

export function ensurePoppler({ quiet = false } = {}) {
  return aptInstall("poppler-utils", () => onPath("pdftotext") && onPath("pdftoppm"), { quiet, label: "poppler-utils (pdftotext, pdftoppm)" });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exit(ensurePoppler() ? 0 : 1);
}
