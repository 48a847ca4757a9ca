import { useLocaleState } from "react-admin";
import { Button } from "@mui/material";

/** The English switch (and back): one button, named in the language it switches to. */
export function LanguageSwitch({ color = "inherit" }: { color?: "inherit" | "primary" }) {
  const [locale, setLocale] = useLocaleState();
  const next = locale === "en" ? { code: "id", name: "Bahasa Indonesia" } : { code: "en", name: "English" };
  return (
    <Button color={color} size="small" lang={next.code} onClick={() => setLocale(next.code)} data-testid="language-switch">
      {next.name}
    </Button>
  );
}
