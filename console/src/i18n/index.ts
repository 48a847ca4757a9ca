import polyglotI18nProvider from "ra-i18n-polyglot";
import englishMessages from "ra-language-english";
import { mergeTranslations } from "react-admin";
import { raIndonesian } from "./ra-id";
import { enMessages, idMessages } from "./messages";
import { dsrEn, dsrId } from "../data-subject/messages";
import { wallEn, wallId } from "../wall/messages";
import { liveEn, liveId } from "../live/messages";
import { holidaysEn, holidaysId } from "../sla/holiday-messages";
import { callsEn, callsId } from "../calls/messages";
import { mapEn, mapId } from "../map/messages";
import { auditEn, auditId } from "../audit/messages";
import { linksEn, linksId } from "../contacts/messages";

const id = mergeTranslations(englishMessages, raIndonesian, idMessages, { aduan: { dsr: dsrId, wall: wallId, live: liveId, holidays: holidaysId, calls: callsId, map: mapId, audit: auditId, links: linksId } });
const en = mergeTranslations(englishMessages, enMessages, { aduan: { dsr: dsrEn, wall: wallEn, live: liveEn, holidays: holidaysEn, calls: callsEn, map: mapEn, audit: auditEn, links: linksEn } });
const KEY = "aduan.locale";

function initialLocale(): "id" | "en" {
  try {
    const saved = localStorage.getItem(KEY);
    if (saved === "en" || saved === "id") return saved;
  } catch {
    /* storage disabled */
  }
  return "id";
}

/** Bahasa Indonesia by default; the English switch is react-admin's locale menu in the app bar. */
export const i18nProvider = polyglotI18nProvider((locale) => {
  try {
    localStorage.setItem(KEY, locale);
  } catch {
    /* storage disabled */
  }
  document.documentElement.lang = locale;
  return locale === "en" ? en : id;
}, initialLocale(), [
  { locale: "id", name: "Bahasa Indonesia" },
  { locale: "en", name: "English" },
], { allowMissing: true });
