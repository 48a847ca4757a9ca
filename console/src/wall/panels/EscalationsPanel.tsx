import { useLocaleState, useTranslate } from "react-admin";
import { Box } from "@mui/material";
import { useWallData } from "../useWallData";
import { Empty } from "./Frame";

interface Item {
  id: number;
  at: string;
  ticketNumber: string;
  kind: "warning" | "breach";
  level: number;
  agency: string | null;
  category: { name: string; nameEn: string | null } | null;
}

/** The escalation ticker: the latest SLA warnings and breaches, newest first. */
export default function EscalationsPanel() {
  const translate = useTranslate();
  const [locale] = useLocaleState();
  const { data } = useWallData<{ items: Item[] }>("escalations", ["sla.warned", "sla.breached"]);
  if (!data) return <Empty>{translate("aduan.wall.loading")}</Empty>;
  if (!data.items.length) return <Empty>{translate("aduan.wall.escalations_none")}</Empty>;
  const time = (iso: string) => new Date(iso).toLocaleString(locale === "en" ? "en-GB" : "id-ID", { day: "2-digit", month: "short", hour: "2-digit", minute: "2-digit", timeZone: "Asia/Jakarta" });
  return (
    <Box component="ul" aria-live="polite" sx={{ listStyle: "none", m: 0, p: 0, display: "grid", gap: "0.6vh" }} data-testid="wall-escalations">
      {data.items.map((e) => (
        <Box component="li" key={e.id} sx={{ display: "flex", gap: "0.8vw", alignItems: "baseline", fontSize: "clamp(13px, 1.15vw, 26px)", borderBottom: "1px solid #24324a", pb: "0.3vh" }}>
          <Box component="span" sx={{ px: "0.5vw", borderRadius: 1, fontWeight: 700, bgcolor: e.kind === "breach" ? "#c62828" : "#f9a825", color: e.kind === "breach" ? "#fff" : "#111", whiteSpace: "nowrap" }}>
            {translate(`aduan.wall.${e.kind}`)}{e.kind === "breach" && e.level > 1 ? ` · ${translate("aduan.wall.level", { n: e.level })}` : ""}
          </Box>
          <strong style={{ fontVariantNumeric: "tabular-nums", whiteSpace: "nowrap" }}>{e.ticketNumber}</strong>
          <span style={{ whiteSpace: "nowrap" }}>{e.agency ?? "—"}</span>
          <Box component="span" sx={{ color: "#b8c4d6", overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap" }}>{(locale === "en" ? e.category?.nameEn ?? e.category?.name : e.category?.name) ?? ""}</Box>
          <Box component="span" sx={{ color: "#b8c4d6", ml: "auto", whiteSpace: "nowrap" }}>{time(e.at)}</Box>
        </Box>
      ))}
    </Box>
  );
}
