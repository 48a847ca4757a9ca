// The report's charts as SVG, drawn by Apache ECharts on the server (SSR, no DOM, no browser):
// the PDF embeds them (svg-to-pdfkit); the console draws the same options in the browser.
import * as echarts from "echarts";
import type { AgencyReport } from "../../../queries/reports/agency-report.js";
import { monthShort } from "../../../queries/reports/period.js";
import { CHANNEL_LABELS, CLOCK_LABELS } from "./figures.js";

type Option = Record<string, unknown>;
const FONT = { fontFamily: "Helvetica", fontSize: 10 };

/** The chart options (shared with the console through the JSON's figures, not through this file). */
export function reportChartOptions(r: AgencyReport, color: string): Record<"trend" | "clocks" | "categories" | "ratings", Option> {
  const bucketLabel = (b: string) => (b.length === 10 ? String(Number(b.slice(8))) : monthShort(b, "id"));
  const base = { animation: false, textStyle: FONT, color: [color, "#f2a900", "#7f8c8d"], grid: { left: 48, right: 16, top: 36, bottom: 28, containLabel: true } };
  const cats = r.byCategory.slice(0, 8).reverse();
  return {
    trend: {
      ...base,
      title: { text: "Disposisi dan tindak lanjut", textStyle: { ...FONT, fontSize: 12 } },
      legend: { right: 0, top: 0, textStyle: FONT, data: ["Disposisi", "Ditindaklanjuti"] },
      xAxis: { type: "category", data: r.trend.map((t) => bucketLabel(t.bucket)), axisLabel: { ...FONT, interval: r.trend.length > 12 ? 1 : 0 } },
      yAxis: { type: "value", minInterval: 1, axisLabel: FONT },
      series: [
        { name: "Disposisi", type: "bar", data: r.trend.map((t) => t.forwarded) },
        { name: "Ditindaklanjuti", type: "bar", data: r.trend.map((t) => t.answered) },
      ],
    },
    clocks: {
      ...base,
      title: { text: "Tepat waktu per jam layanan (%)", textStyle: { ...FONT, fontSize: 12 } },
      xAxis: { type: "value", max: 100, axisLabel: FONT },
      yAxis: { type: "category", data: r.clocks.map((c) => CLOCK_LABELS[c.kind].id), axisLabel: FONT },
      series: [{ type: "bar", data: r.clocks.map((c) => (c.withinShare == null ? 0 : Math.round(c.withinShare * 100))), label: { show: true, position: "right", ...FONT } }],
    },
    categories: {
      ...base,
      title: { text: "Pengaduan per kategori", textStyle: { ...FONT, fontSize: 12 } },
      xAxis: { type: "value", minInterval: 1, axisLabel: FONT },
      yAxis: { type: "category", data: cats.map((c) => (c.name.length > 28 ? `${c.name.slice(0, 27)}…` : c.name)), axisLabel: FONT },
      series: [{ type: "bar", data: cats.map((c) => c.tickets), label: { show: true, position: "right", ...FONT } }],
    },
    ratings: {
      ...base,
      title: { text: "Penilaian warga", textStyle: { ...FONT, fontSize: 12 } },
      xAxis: { type: "category", data: ["1", "2", "3", "4", "5"].map((s) => `${s} bintang`), axisLabel: FONT },
      yAxis: { type: "value", minInterval: 1, axisLabel: FONT },
      series: [{ type: "bar", data: r.ratings.distribution, label: { show: true, position: "top", ...FONT } }],
    },
  };
}

/** One chart as an SVG string (ECharts server-side rendering). */
export function renderChartSvg(option: Option, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width, height });
  try {
    chart.setOption(option);
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

export const channelName = (k: string) => CHANNEL_LABELS[k] ?? k;
