/**
 * The command center's wall (/console/#/pusat-kendali): full screen, dark, large type, no
 * interaction needed. Panels tile (default) or rotate; the URL configures the screen:
 *   ?mode=tile|rotate   ?panels=summary,agencies,charts   ?interval=20 (s, rotate)   ?lang=id|en
 * Every panel refreshes from the one live stream (LiveProvider): no polling.
 */
import { Suspense, useEffect, useMemo, useState } from "react";
import { useAuthenticated, useGetIdentity, useLocaleState, useTranslate } from "react-admin";
import { useSearchParams } from "react-router-dom";
import { Box, CssBaseline, ThemeProvider, Typography, createTheme } from "@mui/material";
import { LiveProvider, useLiveConnected } from "../live";
import { WALL_PANELS, type WallPanel } from "./panels";

const WALL_ROLES = ["admin", "supervisor", "layar"];

const dark = createTheme({
  palette: { mode: "dark", background: { default: "#0b1220", paper: "#111a2b" }, text: { primary: "#eef3fb", secondary: "#b8c4d6" }, primary: { main: "#8fb8ff" } },
  typography: { fontFamily: "'Roboto', 'Segoe UI', system-ui, sans-serif" },
});

function Clock() {
  const [locale] = useLocaleState();
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const t = setInterval(() => setNow(new Date()), 15_000);
    return () => clearInterval(t);
  }, []);
  return (
    <Typography component="div" sx={{ fontSize: "clamp(16px, 1.6vw, 36px)", fontVariantNumeric: "tabular-nums" }}>
      {now.toLocaleString(locale === "en" ? "en-GB" : "id-ID", { weekday: "long", day: "numeric", month: "long", hour: "2-digit", minute: "2-digit", timeZone: "Asia/Jakarta" })} WIB
    </Typography>
  );
}

function LiveDot() {
  const translate = useTranslate();
  const on = useLiveConnected();
  return (
    <Box data-testid="wall-live" data-connected={on ? "1" : "0"} sx={{ display: "flex", alignItems: "center", gap: 1, fontSize: "clamp(14px, 1.2vw, 26px)" }}>
      <Box aria-hidden="true" sx={{ width: "1em", height: "1em", borderRadius: "50%", bgcolor: on ? "#43a047" : "#f9a825" }} />
      {translate(on ? "aduan.wall.live" : "aduan.wall.offline")}
    </Box>
  );
}

function PanelFrame({ panel, locale, tiled }: { panel: WallPanel; locale: string; tiled: boolean }) {
  const Panel = panel.component;
  const headingId = `wall-panel-${panel.id}`;
  return (
    <Box component="section" aria-labelledby={headingId} data-testid={`wall-panel-${panel.id}`} sx={{ bgcolor: "background.paper", borderRadius: 2, p: "1.2vh 1vw", display: "flex", flexDirection: "column", minHeight: 0, minWidth: 0, overflow: "hidden", gridRow: tiled && panel.rows ? `span ${panel.rows}` : undefined }}>
      <Typography component="h2" id={headingId} sx={{ fontSize: "clamp(16px, 1.5vw, 34px)", fontWeight: 700, mb: "0.8vh", lineHeight: 1.15 }}>
        {locale === "en" ? panel.title.en : panel.title.id}
        {locale === "en" ? null : (
          <Box component="span" lang="en" sx={{ ml: 1.5, fontSize: "0.65em", fontWeight: 400, color: "text.secondary" }}>{panel.title.en}</Box>
        )}
      </Typography>
      <Box sx={{ flex: 1, minHeight: 0, overflow: "hidden" }}>
        <Suspense fallback={null}>
          <Panel />
        </Suspense>
      </Box>
    </Box>
  );
}

export default function WallPage() {
  useAuthenticated();
  const { data: who, isPending } = useGetIdentity();
  const translate = useTranslate();
  const [locale, setLocale] = useLocaleState();
  const [params] = useSearchParams();
  const mode = params.get("mode") === "rotate" ? "rotate" : "tile";
  const interval = Math.min(600, Math.max(5, Number(params.get("interval")) || 20));
  const per = Math.min(4, Math.max(1, Number(params.get("per")) || 1));
  const panels = useMemo(() => {
    const wanted = params.get("panels")?.split(",").map((s) => s.trim()).filter(Boolean);
    if (!wanted?.length) return WALL_PANELS;
    return wanted.map((id) => WALL_PANELS.find((p) => p.id === id)).filter((p): p is WallPanel => !!p);
  }, [params]);
  const lang = params.get("lang");
  useEffect(() => {
    if ((lang === "en" || lang === "id") && lang !== locale) setLocale(lang);
  }, [lang, locale, setLocale]);
  useEffect(() => {
    document.title = `${translate("aduan.wall.title")} · Aduan`;
  }, [translate]);

  const [page, setPage] = useState(0);
  const pages = Math.max(1, Math.ceil(panels.length / per));
  useEffect(() => {
    if (mode !== "rotate" || pages <= 1) return;
    const t = setInterval(() => setPage((p) => (p + 1) % pages), interval * 1000);
    return () => clearInterval(t);
  }, [mode, pages, interval]);

  const allowed = !!who && WALL_ROLES.includes(String(who.role));
  const shown = mode === "rotate" ? panels.slice((page % pages) * per, (page % pages) * per + per) : panels;
  // Tiled: cells = panels + the extra rows tall panels span; 3 columns from 5 cells on.
  const cells = mode === "rotate" ? shown.length : shown.reduce((n, p) => n + (p.rows ?? 1), 0);
  const cols = mode === "rotate" ? Math.min(shown.length, 2) : cells <= 2 ? cells : cells <= 4 ? 2 : 3;
  const rows = Math.max(1, Math.ceil(cells / Math.max(1, cols)));

  return (
    <ThemeProvider theme={dark}>
      <CssBaseline />
      <LiveProvider>
        <Box component="main" data-testid="wall" data-mode={mode} sx={{ height: "100vh", width: "100vw", overflow: "hidden", display: "flex", flexDirection: "column", p: "1.2vh 1vw", gap: "1.2vh", bgcolor: "background.default", color: "text.primary" }}>
          <Box component="header" sx={{ display: "flex", alignItems: "center", gap: "2vw" }}>
            <Typography component="h1" sx={{ fontSize: "clamp(22px, 2.2vw, 52px)", fontWeight: 800, letterSpacing: 0.3 }}>
              {translate("aduan.wall.title")}
            </Typography>
            <Box sx={{ flex: 1 }} />
            <LiveDot />
            <Clock />
          </Box>
          {isPending ? null : !allowed ? (
            <Typography role="alert" sx={{ fontSize: 28 }}>{translate("aduan.wall.no_access")}</Typography>
          ) : (
            <Box sx={{ flex: 1, minHeight: 0, display: "grid", gridTemplateColumns: `repeat(${Math.max(1, cols)}, minmax(0, 1fr))`, gridTemplateRows: `repeat(${rows}, minmax(0, 1fr))`, gridAutoFlow: "dense", gap: "1.2vh 1vw" }}>
              {shown.map((p) => <PanelFrame key={p.id} panel={p} locale={locale} tiled={mode === "tile"} />)}
            </Box>
          )}
          {mode === "rotate" && pages > 1 ? (
            <Box aria-hidden="true" sx={{ display: "flex", gap: 1, justifyContent: "center" }}>
              {Array.from({ length: pages }, (_, i) => <Box key={i} sx={{ width: 14, height: 14, borderRadius: "50%", bgcolor: i === page % pages ? "#8fb8ff" : "#33415c" }} />)}
            </Box>
          ) : null}
        </Box>
      </LiveProvider>
    </ThemeProvider>
  );
}
