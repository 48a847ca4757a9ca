import { useLocaleState, useTranslate } from "react-admin";
import { Box } from "@mui/material";
import { useWallData } from "../useWallData";
import { Empty } from "./Frame";

/** A case cluster operators formed: many reporters, one case (the primary's number and status). */
interface Case {
  number: string;
  reporters: number;
  category: { name: string; nameEn: string | null } | null;
  status: string;
}

interface Cluster {
  size: number;
  category: { name: string; nameEn: string | null } | null;
  lastAt: string;
}

/** Clusters of similar complaints in the last 24 hours (the duplicate detector's score; sizes and categories only), then the open case clusters. */
export default function TrendingPanel() {
  const translate = useTranslate();
  const [locale] = useLocaleState();
  const { data } = useWallData<{ clusters: Cluster[]; cases?: Case[] }>("trending", ["ticket.created"]);
  if (!data) return <Empty>{translate("aduan.wall.loading")}</Empty>;
  const cases = data.cases ?? [];
  const catName = (c: { name: string; nameEn: string | null } | null) => (locale === "en" ? c?.nameEn ?? c?.name : c?.name) ?? translate("aduan.wall.uncategorised");
  const caseList = cases.length ? (
    <Box component="section" aria-label={translate("aduan.wall.cases")} sx={{ mt: "1vh" }} data-testid="wall-cases">
      <Box component="h3" sx={{ fontSize: "clamp(12px, 1vw, 22px)", color: "#b8c4d6", m: 0, mb: "0.4vh", fontWeight: 500 }}>{translate("aduan.wall.cases")}</Box>
      <Box component="ol" sx={{ listStyle: "none", m: 0, p: 0, display: "grid", gap: "0.6vh" }}>
        {cases.map((c) => (
          <Box component="li" key={c.number} data-case={c.number} sx={{ display: "flex", alignItems: "baseline", gap: "1vw", fontSize: "clamp(13px, 1.1vw, 24px)" }}>
            <Box component="strong" sx={{ minWidth: "9ch", color: "#81d4fa" }}>{translate("aduan.wall.case_reporters", { n: c.reporters })}</Box>
            <span>{catName(c.category)}</span>
            <Box component="span" sx={{ color: "#b8c4d6", ml: "auto" }}>{c.number} · {translate(`aduan.status.${c.status}`)}</Box>
          </Box>
        ))}
      </Box>
    </Box>
  ) : null;
  if (!data.clusters.length) return cases.length ? caseList : <Empty>{translate("aduan.wall.clusters_none")}</Empty>;
  const time = (iso: string) => new Date(iso).toLocaleTimeString(locale === "en" ? "en-GB" : "id-ID", { hour: "2-digit", minute: "2-digit", timeZone: "Asia/Jakarta" });
  return (
    <>
    <Box component="ol" sx={{ listStyle: "none", m: 0, p: 0, display: "grid", gap: "0.8vh" }} data-testid="wall-trending">
      {data.clusters.map((c, i) => (
        <Box component="li" key={i} sx={{ display: "flex", alignItems: "baseline", gap: "1vw", fontSize: "clamp(14px, 1.3vw, 28px)", borderBottom: "1px solid #24324a", pb: "0.4vh" }}>
          <Box component="strong" sx={{ fontSize: "clamp(20px, 2vw, 44px)", minWidth: "3ch", textAlign: "right", color: "#ffb74d" }}>{c.size}</Box>
          <span>{catName(c.category)}</span>
          <Box component="span" sx={{ color: "#b8c4d6", ml: "auto" }}>{translate("aduan.wall.last", { time: time(c.lastAt) })}</Box>
        </Box>
      ))}
    </Box>
    {caseList}
    </>
  );
}
