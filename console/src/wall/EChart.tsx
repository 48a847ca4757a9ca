/**
 * A small ECharts host (tree-shaken core: bar and line charts, SVG renderer). Only the wall's lazy
 * chunks import this module, so the operator's queue never downloads ECharts.
 */
import { useEffect, useRef } from "react";
import { init, use, type EChartsType } from "echarts/core";
import { BarChart, LineChart } from "echarts/charts";
import { GridComponent, TooltipComponent, AriaComponent } from "echarts/components";
import { SVGRenderer } from "echarts/renderers";
import type { EChartsCoreOption } from "echarts/core";

use([BarChart, LineChart, GridComponent, TooltipComponent, AriaComponent, SVGRenderer]);

/** `label` names the chart for screen readers (the figures are in the panel's text too). */
export default function EChart({ option, label, height = "100%" }: { option: EChartsCoreOption; label: string; height?: string | number }) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<EChartsType | null>(null);
  useEffect(() => {
    if (!el.current) return;
    chart.current = init(el.current, undefined, { renderer: "svg" });
    const ro = new ResizeObserver(() => chart.current?.resize());
    ro.observe(el.current);
    return () => {
      ro.disconnect();
      chart.current?.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    // No animation: a wall updates often and is watched from afar.
    chart.current?.setOption({ backgroundColor: "transparent", animation: false, ...option }, { notMerge: false });
  }, [option]);
  return <div ref={el} role="img" aria-label={label} style={{ width: "100%", height, minHeight: 120 }} />;
}
