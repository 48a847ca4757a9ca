import { lazy, type ComponentType, type LazyExoticComponent } from "react";

/**
 * The wall's panels, in their default order. Each is a default-export component with no required
 * props that fetches its own data and refreshes on live events (useWallData / useLiveEvents).
 * `?panels=summary,agencies` in the wall's URL picks and orders them.
 */
export interface WallPanel {
  id: string;
  title: { id: string; en: string };
  component: LazyExoticComponent<ComponentType>;
  /** Grid rows it spans in the tiled layout (default 1): the OPD list is long. */
  rows?: number;
}

export const WALL_PANELS: WallPanel[] = [
  { id: "summary", title: { id: "Ringkasan hari ini dan minggu ini", en: "Today and this week" }, component: lazy(() => import("./SummaryPanel")) },
  { id: "agencies", title: { id: "Status SLA per OPD", en: "SLA status per agency" }, component: lazy(() => import("./AgenciesPanel")), rows: 2 },
  { id: "charts", title: { id: "Grafik aduan", en: "Complaint charts" }, component: lazy(() => import("./ChartsPanel")) },
  { id: "trending", title: { id: "Aduan serupa yang sedang naik", en: "Similar complaints trending" }, component: lazy(() => import("./TrendingPanel")) },
  { id: "escalations", title: { id: "Eskalasi terbaru", en: "Latest escalations" }, component: lazy(() => import("./EscalationsPanel")) },
  { id: "map", title: { id: "Peta aduan", en: "Complaints map" }, component: lazy(() => import("./MapPanel")) },
  { id: "photos", title: { id: "Foto terbaru dari lapangan", en: "Latest photos from the field" }, component: lazy(() => import("./PhotosPanel")) },
];
