import polyglotI18nProvider from "ra-i18n-polyglot";
import englishMessages from "ra-language-english";
import { mergeTranslations } from "react-admin";
import { raIndonesian } from "./ra-id";
import { enMessages, idMessages } from "./messages";
import { dsrEn, dsrId } from "../data-subject/messages";

const id = mergeTranslations(englishMessages, raIndonesian, idMessages, { aduan: { dsr: dsrId } });
const en = mergeTranslations(englishMessages, enMessages, { aduan: { dsr: dsrEn } });
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
