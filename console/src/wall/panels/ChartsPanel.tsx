import { useMemo } from "react";
import { useLocaleState, useTranslate } from "react-admin";
import { Box, Typography } from "@mui/material";
import { useWallData } from "../useWallData";
import EChart from "../EChart";
import { Empty } from "./Frame";

interface Series {
  hours: { hour: number; received: number }[];
  days: { day: string; received: number; answered: number; breached: number }[];
  categories: { categoryId: number | null; name: string | null; nameEn: string | null; received: number }[];
}

const AXIS = { axisLabel: { color: "#c9d4e5", fontSize: 18 }, axisLine: { lineStyle: { color: "#50617d" } }, splitLine: { lineStyle: { color: "#24324a" } } };

/** Complaints per hour today, per day (14 days) and per category this week (Apache ECharts, loaded with the wall only). */
export default function ChartsPanel() {
  const translate = useTranslate();
  const [locale] = useLocaleState();
  const { data } = useWallData<Series>("series", ["ticket.created"]);
  const options = useMemo(() => {
    if (!data) return null;
    const grid = { left: 44, right: 12, top: 12, bottom: 28 };
    return {
      hours: { grid, tooltip: {}, xAxis: { type: "category", data: data.hours.map((h) => String(h.hour).padStart(2, "0")), ...AXIS }, yAxis: { type: "value", minInterval: 1, ...AXIS }, series: [{ type: "bar", barMaxWidth: 48, data: data.hours.map((h) => h.received), itemStyle: { color: "#64b5f6" } }] },
      days: {
        grid,
        tooltip: { trigger: "axis" },
        xAxis: { type: "category", data: data.days.map((d) => d.day.slice(5)), ...AXIS },
        yAxis: { type: "value", minInterval: 1, ...AXIS },
        series: [
          { type: "line", name: translate("aduan.wall.received"), data: data.days.map((d) => d.received), itemStyle: { color: "#64b5f6" }, lineStyle: { width: 3 } },
          { type: "line", name: translate("aduan.wall.answered"), data: data.days.map((d) => d.answered), itemStyle: { color: "#81c784" }, lineStyle: { width: 3 } },
        ],
      },
      categories: {
        grid: { ...grid, left: 8, containLabel: true },
        tooltip: {},
        xAxis: { type: "value", minInterval: 1, ...AXIS },
        yAxis: { type: "category", inverse: true, data: data.categories.slice(0, 8).map((c) => (locale === "en" ? c.nameEn ?? c.name : c.name) ?? translate("aduan.wall.uncategorised")), ...AXIS },
        series: [{ type: "bar", barMaxWidth: 56, data: data.categories.slice(0, 8).map((c) => c.received), itemStyle: { color: "#ffb74d" } }],
      },
    };
  }, [data, locale, translate]);
  if (!data || !options) return <Empty>{translate("aduan.wall.loading")}</Empty>;
  const total = data.hours.reduce((s, h) => s + h.received, 0);
  const h3 = { fontSize: "clamp(13px, 1.1vw, 24px)", color: "#8fb8ff", fontWeight: 600 };
  return (
    <Box sx={{ display: "grid", gridTemplateColumns: "1fr 1fr", gridTemplateRows: "1fr 1fr", gap: "1vh 1vw", height: "100%", minHeight: 0 }}>
      <Box sx={{ display: "flex", flexDirection: "column", minHeight: 0 }} data-testid="wall-chart-hours" data-total={total}>
        <Typography component="h3" sx={h3}>{translate("aduan.wall.per_hour")}: {total}</Typography>
        <Box sx={{ flex: 1, minHeight: 0 }}><EChart option={options.hours} label={`${translate("aduan.wall.per_hour")}: ${data.hours.map((h) => `${h.hour}:00 ${h.received}`).join(", ")}`} /></Box>
      </Box>
      <Box sx={{ display: "flex", flexDirection: "column", minHeight: 0, gridRow: "span 2" }} data-testid="wall-chart-categories">
        <Typography component="h3" sx={h3}>{translate("aduan.wall.per_category")}</Typography>
        <Box sx={{ flex: 1, minHeight: 0 }}><EChart option={options.categories} label={`${translate("aduan.wall.per_category")}: ${data.categories.map((c) => `${c.name ?? translate("aduan.wall.uncategorised")} ${c.received}`).join(", ")}`} /></Box>
      </Box>
      <Box sx={{ display: "flex", flexDirection: "column", minHeight: 0 }} data-testid="wall-chart-days">
        <Typography component="h3" sx={h3}>
          {translate("aduan.wall.per_day")}:{" "}
          <span style={{ color: "#64b5f6" }}>━ {translate("aduan.wall.received")}</span>{" "}
          <span style={{ color: "#81c784" }}>━ {translate("aduan.wall.answered")}</span>
        </Typography>
        <Box sx={{ flex: 1, minHeight: 0 }}><EChart option={options.days} label={`${translate("aduan.wall.per_day")}: ${data.days.map((d) => `${d.day} ${d.received}`).join(", ")}`} /></Box>
      </Box>
    </Box>
  );
}
