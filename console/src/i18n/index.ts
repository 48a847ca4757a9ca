import polyglotI18nProvider from "ra-i18n-polyglot";
import englishMessages from "ra-language-english";
import { mergeTranslations, type I18nProvider } from "react-admin";
import { raIndonesian } from "./ra-id";
import { idMessages } from "./messages";
import { dsrId } from "../data-subject/messages";
import { wallId } from "../wall/messages";
import { liveId } from "../live/messages";
import { holidaysId } from "../sla/holiday-messages";
import { callsId } from "../calls/messages";
import { mapId } from "../map/messages";
import { auditId } from "../audit/messages";
import { linksId } from "../contacts/messages";

// react-admin's English texts stay the base: a key missing in Indonesian falls back to them.
const id = mergeTranslations(englishMessages, raIndonesian, idMessages, { aduan: { dsr: dsrId, wall: wallId, live: liveId, holidays: holidaysId, calls: callsId, map: mapId, audit: auditId, links: linksId } });
const KEY = "aduan.locale";

function savedLocale(): "id" | "en" {
  try {
    const saved = localStorage.getItem(KEY);
    if (saved === "en" || saved === "id") return saved;
  } catch {
    /* storage disabled */
  }
  return "id";
}

function remember(locale: string) {
  try {
    localStorage.setItem(KEY, locale);
  } catch {
    /* storage disabled */
  }
  document.documentElement.lang = locale;
}

// Indonesian (the default) is part of the app; the English texts are a separate chunk loaded
// when someone switches to English or comes back with English chosen.
const polyglot = polyglotI18nProvider((locale) => (locale === "en" ? import("./en").then((m) => m.en) : id), "id", [
  { locale: "id", name: "Bahasa Indonesia" },
  { locale: "en", name: "English" },
], { allowMissing: true });

/** Bahasa Indonesia by default; the English switch is the button in the app bar and on the login page. */
export const i18nProvider: I18nProvider = {
  ...polyglot,
  changeLocale: (locale, options) => polyglot.changeLocale(locale, options).then(() => remember(locale)),
};

// A screen's address may ask for a language (the wall's ?lang=en): its texts are then loaded
// before the first render, instead of the whole page re-rendering when they arrive.
const asked = /[?&]lang=(en|id)(?:&|$)/.exec(location.hash)?.[1] as "en" | "id" | undefined;
const saved = asked ?? savedLocale();
remember(saved);
/**
 * Settles when the chosen language's texts are in: at once for Indonesian; for English after its
 * chunk has loaded (started here, while the app itself is still being evaluated).
 */
export const i18nReady: Promise<void> = saved === "en" ? i18nProvider.changeLocale("en").catch(() => undefined) : Promise.resolve();
