import { useTranslate } from "react-admin";
import { Box } from "@mui/material";
import { useWallData } from "../useWallData";
import { Empty } from "./Frame";

interface Totals {
  received: number;
  verified: number;
  answered: number;
  breached: number;
  byChannel: Record<string, number>;
}
interface Summary {
  today: Totals & { day: string };
  sameDayLastWeek: Totals;
  week: Totals;
  lastWeek: Totals;
  open: number;
}

function Trend({ current, previous }: { current: number; previous: number }) {
  const diff = current - previous;
  const pct = previous > 0 ? Math.round((diff / previous) * 100) : null;
  return (
    <Box component="span" sx={{ display: "block", fontSize: "clamp(11px, 0.85vw, 20px)", fontWeight: 400, color: diff > 0 ? "#ffb4a8" : diff < 0 ? "#9be7a8" : "#b8c4d6" }}>
      {diff > 0 ? "▲ +" : diff < 0 ? "▼ " : "= "}{diff}{pct != null && diff !== 0 ? ` (${pct > 0 ? "+" : ""}${pct}%)` : ""}
    </Box>
  );
}

/** Today and this week: complaints in, verified, answered, overdue, each against the same span last week; open now; by channel. */
export default function SummaryPanel() {
  const translate = useTranslate();
  const { data } = useWallData<Summary>("summary", ["ticket.created", "sla.breached"]);
  if (!data) return <Empty>{translate("aduan.wall.loading")}</Empty>;
  const channels = Object.entries(data.week.byChannel).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
  const rows = [
    { key: "received", label: translate("aduan.wall.received") },
    { key: "verified", label: translate("aduan.wall.verified") },
    { key: "answered", label: translate("aduan.wall.answered") },
    { key: "breached", label: translate("aduan.wall.overdue") },
  ] as const;
  const th = { fontSize: "clamp(12px, 1vw, 22px)", color: "#b8c4d6", fontWeight: 500, textAlign: "right" as const, px: "0.4vw", pb: "0.3vh" };
  const label = { fontSize: "clamp(13px, 1.1vw, 24px)", color: "#d6deea", textAlign: "left" as const, px: "0.4vw", borderTop: "1px solid #24324a" };
  const val = { fontSize: "clamp(22px, 2.3vw, 56px)", fontWeight: 700, textAlign: "right" as const, px: "0.4vw", lineHeight: 1.05, fontVariantNumeric: "tabular-nums", borderTop: "1px solid #24324a", py: "0.3vh" };
  return (
    <Box sx={{ display: "flex", flexDirection: "column", gap: "1vh", height: "100%", minHeight: 0 }}>
      <Box sx={{ display: "flex", alignItems: "baseline", gap: "1vw" }}>
        <Box sx={{ fontSize: "clamp(13px, 1.1vw, 24px)", color: "#b8c4d6" }}>{translate("aduan.wall.open")}</Box>
        <Box data-testid="wall-open" sx={{ fontSize: "clamp(28px, 3vw, 72px)", fontWeight: 800, lineHeight: 1 }}>{data.open}</Box>
        <Box sx={{ fontSize: "clamp(11px, 0.85vw, 20px)", color: "#b8c4d6", ml: "auto" }}>▲▼ {translate("aduan.wall.vs_last_week")}</Box>
      </Box>
      <Box component="table" sx={{ width: "100%", borderCollapse: "collapse" }}>
        <thead>
          <tr>
            <Box component="td" />
            <Box component="th" scope="col" sx={th}>{translate("aduan.wall.today")}</Box>
            <Box component="th" scope="col" sx={th}>{translate("aduan.wall.week")}</Box>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key}>
              <Box component="th" scope="row" sx={{ ...label, fontWeight: 400 }}>{r.label}</Box>
              <Box component="td" sx={val}><span data-testid={`wall-today-${r.key}`}>{data.today[r.key]}</span><Trend current={data.today[r.key]} previous={data.sameDayLastWeek[r.key]} /></Box>
              <Box component="td" sx={val}><span data-testid={`wall-week-${r.key}`}>{data.week[r.key]}</span><Trend current={data.week[r.key]} previous={data.lastWeek[r.key]} /></Box>
            </tr>
          ))}
        </tbody>
      </Box>
      <Box sx={{ minHeight: 0, overflow: "hidden" }}>
        <Box component="h3" sx={{ fontSize: "clamp(12px, 1vw, 22px)", color: "#8fb8ff", fontWeight: 600, m: 0, mb: "0.4vh" }}>{translate("aduan.wall.by_channel")} · {translate("aduan.wall.week")} ({translate("aduan.wall.today").toLowerCase()})</Box>
        <Box component="ul" data-testid="wall-channels" sx={{ listStyle: "none", p: 0, m: 0, display: "flex", flexWrap: "wrap", gap: "0.3vh 1.4vw" }}>
          {channels.length === 0 ? <li><Empty>{translate("aduan.wall.no_data")}</Empty></li> : null}
          {channels.map(([ch, n]) => (
            <Box component="li" key={ch} data-channel={ch} sx={{ fontSize: "clamp(13px, 1.15vw, 26px)", whiteSpace: "nowrap" }}>
              <span style={{ color: "#b8c4d6" }}>{translate(`aduan.wall.channels.${ch}`, { _: ch })}</span> <strong style={{ fontVariantNumeric: "tabular-nums" }}>{n}</strong>
              <span style={{ color: "#b8c4d6" }}> ({data.today.byChannel[ch] ?? 0})</span>
            </Box>
          ))}
        </Box>
      </Box>
    </Box>
  );
}
