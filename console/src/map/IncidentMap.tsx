// The complaints map (Leaflet + leaflet.markercluster; SVG and DOM, no WebGL). Loaded lazily: the
// operator's queue never downloads Leaflet. The basemap is the offline province boundaries served
// by our own server (/publik/peta/provinsi.json); raster tiles are drawn on top only when the
// deployment configured a tile server (MAP_TILE_URL). Nothing is fetched from anywhere else.
import { useEffect, useRef, useState } from "react";
import { useTranslate } from "react-admin";
import L from "leaflet";
import "leaflet.markercluster";
import "leaflet/dist/leaflet.css";
import "leaflet.markercluster/dist/MarkerCluster.css";

export interface MapPoint {
  ticketId: number;
  number: string;
  status: string;
  lat: number;
  lng: number;
  categoryName: string | null;
  receivedAt: string;
  approximate?: boolean;
}

export interface IncidentMapProps {
  points: MapPoint[];
  /** CSS height of the map (default 480px). */
  height?: number | string;
  /** Drawn for the wall: dark colours, no popups needed. */
  live?: boolean;
  /** Dark theme (default: the same as `live`). */
  dark?: boolean;
  /** Popups link to the ticket page (the console's own map; not on the kiosk). */
  linkTickets?: boolean;
}

/** Status groups, their colour (readable on the light and the dark basemap) and the statuses in each. */
export const STATUS_GROUPS = [
  { key: "new", color: "#ff5252", statuses: ["received", "reopened"] },
  { key: "verified", color: "#ffb300", statuses: ["verified"] },
  { key: "at_opd", color: "#42a5f5", statuses: ["forwarded", "in_progress"] },
  { key: "waiting", color: "#ce93d8", statuses: ["waiting_on_citizen", "returned"] },
  { key: "answered", color: "#66bb6a", statuses: ["answered", "resolved"] },
  { key: "done", color: "#9e9e9e", statuses: ["closed", "rejected", "merged"] },
] as const;
const groupOf = (status: string) => STATUS_GROUPS.find((g) => (g.statuses as readonly string[]).includes(status)) ?? STATUS_GROUPS[0];

interface MapConfig {
  tileUrl: string | null;
  attribution: string | null;
  basemap: string;
}
/** The basemap and the tile setting, fetched once per page from our own origin. */
let assets: Promise<{ config: MapConfig; provinces: GeoJSON.FeatureCollection }> | null = null;
function loadAssets() {
  assets ??= (async () => {
    const get = async <T,>(url: string) => {
      const res = await fetch(url, { credentials: "same-origin" });
      if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
      return (await res.json()) as T;
    };
    const config = await get<MapConfig>("/publik/peta/config.json");
    return { config, provinces: await get<GeoJSON.FeatureCollection>(config.basemap) };
  })();
  assets.catch(() => (assets = null));
  return assets;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A cluster's icon: its count on a ring whose segments are the share of each status group. */
function clusterIcon(cluster: L.MarkerCluster): L.DivIcon {
  const markers = cluster.getAllChildMarkers();
  const counts = new Map<string, number>();
  for (const m of markers) {
    const g = (m.options as { group?: string }).group ?? "new";
    counts.set(g, (counts.get(g) ?? 0) + 1);
  }
  let at = 0;
  const stops: string[] = [];
  for (const g of STATUS_GROUPS) {
    const n = counts.get(g.key) ?? 0;
    if (!n) continue;
    const from = (at / markers.length) * 360;
    at += n;
    stops.push(`${g.color} ${from}deg ${(at / markers.length) * 360}deg`);
  }
  const size = markers.length < 10 ? 34 : markers.length < 100 ? 42 : 52;
  return L.divIcon({
    className: "aduan-cluster",
    iconSize: [size, size],
    html: `<div data-count="${markers.length}" style="width:${size}px;height:${size}px;border-radius:50%;background:conic-gradient(${stops.join(",")});display:flex;align-items:center;justify-content:center"><span style="width:${size - 12}px;height:${size - 12}px;border-radius:50%;background:#10202e;color:#fff;font:700 ${size < 40 ? 12 : 14}px/1 system-ui,sans-serif;display:flex;align-items:center;justify-content:center">${markers.length}</span></div>`,
  });
}

/** One complaint: a dot of its status group's colour (a dashed ring when the point is approximate). */
function pointIcon(p: MapPoint): L.DivIcon {
  const g = groupOf(p.status);
  return L.divIcon({
    className: "aduan-point",
    iconSize: [16, 16],
    html: `<div data-status="${esc(p.status)}" style="width:16px;height:16px;border-radius:50%;background:${g.color};border:2px ${p.approximate ? "dashed" : "solid"} #fff;box-shadow:0 0 2px #000"></div>`,
  });
}

/** The clustered marker layer (chunked: a long list does not freeze the page while it is added). */
const newClusterGroup = () => L.markerClusterGroup({ iconCreateFunction: clusterIcon, showCoverageOnHover: false, maxClusterRadius: 50, chunkedLoading: true });

export default function IncidentMap({ points, height = 480, live = false, dark = live, linkTickets = false }: IncidentMapProps) {
  const translate = useTranslate();
  const holder = useRef<HTMLDivElement | null>(null);
  const map = useRef<L.Map | null>(null);
  const cluster = useRef<L.MarkerClusterGroup | null>(null);
  const basemapBounds = useRef<L.LatLngBounds | null>(null);
  const fitted = useRef(false);
  const [state, setState] = useState<"loading" | "ready" | "failed">("loading");

  // The map, its basemap and the legend: once.
  useEffect(() => {
    let cancelled = false;
    const el = holder.current;
    if (!el) return;
    const m = L.map(el, { minZoom: 3, maxZoom: 18, zoomSnap: 0.25, attributionControl: true, zoomControl: !live, preferCanvas: false });
    m.attributionControl.setPrefix(false);
    map.current = m;
    const group = newClusterGroup();
    cluster.current = group;
    const legend = new L.Control({ position: "bottomright" });
    legend.onAdd = () => {
      const div = L.DomUtil.create("div", "aduan-map-legend");
      div.setAttribute("data-testid", "map-legend");
      // On the wall the legend is two compact columns: the panel may be a third of a screen.
      div.style.cssText = `background:${dark ? "rgba(16,32,46,.9)" : "rgba(255,255,255,.92)"};color:${dark ? "#e8eef5" : "#1a1a1a"};padding:4px 8px;border-radius:6px;font:${live ? "clamp(10px,0.62vw,16px)" : "13px"}/1.4 system-ui,sans-serif;${live ? "display:grid;grid-template-columns:auto auto;column-gap:10px" : ""}`;
      div.innerHTML =
        `<strong${live ? ' style="grid-column:1/-1"' : ""}>${esc(translate("aduan.map.legend"))}</strong>` +
        STATUS_GROUPS.map((g) => `<div><span style="display:inline-block;width:.8em;height:.8em;border-radius:50%;background:${g.color};margin-right:5px;vertical-align:-1px"></span>${esc(translate(`aduan.map.status.${g.key}`))}</div>`).join("");
      return div;
    };
    legend.addTo(m);
    m.setView([-2.5, 118], 4.5);
    loadAssets()
      .then(({ config, provinces }) => {
        if (cancelled) return;
        if (config.tileUrl) L.tileLayer(config.tileUrl, { maxZoom: 18, attribution: config.attribution ? esc(config.attribution) : "" }).addTo(m);
        const layer = L.geoJSON(provinces, {
          style: { color: dark ? "#5d7a96" : "#6f8496", weight: 1, fillColor: dark ? "#1b2a38" : "#eef1e6", fillOpacity: config.tileUrl ? 0.15 : 1 },
          interactive: false,
        }).addTo(m);
        m.attributionControl.addAttribution(esc(translate("aduan.map.basemap")));
        basemapBounds.current = layer.getBounds();
        group.addTo(m);
        setState("ready");
      })
      .catch((err: unknown) => {
        console.error("aduan map:", err);
        if (!cancelled) setState("failed");
      });
    return () => {
      cancelled = true;
      m.remove();
      map.current = null;
      cluster.current = null;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // The points: replaced on every new list; the view fits them the first time.
  useEffect(() => {
    const m = map.current;
    const previous = cluster.current;
    if (!m || !previous || state !== "ready") return;
    // A new group for every list: a chunked addLayers of the previous list may still be running
    // (it goes on in timers after clearLayers), and would add its markers to the new ones.
    m.removeLayer(previous);
    const group = newClusterGroup();
    cluster.current = group;
    group.addTo(m);
    const markers = points.map((p) => {
      const g = groupOf(p.status);
      const marker = L.marker([p.lat, p.lng], { icon: pointIcon(p), group: g.key, keyboard: false, title: p.number } as L.MarkerOptions & { group: string });
      const lines = [
        `<strong>${esc(p.number)}</strong>`,
        esc(translate(`aduan.map.status.${g.key}`)),
        p.categoryName ? esc(p.categoryName) : "",
        esc(new Date(p.receivedAt).toLocaleString()),
        p.approximate ? `<em>${esc(translate("aduan.map.approximate"))}</em>` : "",
        linkTickets ? `<a href="#/tickets/${encodeURIComponent(String(p.ticketId))}/show">${esc(translate("aduan.map.open_ticket"))}</a>` : "",
      ].filter(Boolean);
      marker.bindPopup(lines.join("<br>"));
      return marker;
    });
    group.addLayers(markers);
    if (!fitted.current) {
      fitted.current = true;
      if (markers.length) m.fitBounds(L.latLngBounds(points.map((p) => [p.lat, p.lng] as [number, number])).pad(0.2), { maxZoom: 8 });
      else if (basemapBounds.current) m.fitBounds(basemapBounds.current);
    }
  }, [points, state, linkTickets, translate]);

  return (
    <div style={{ position: "relative", height, width: "100%" }}>
      <div
        ref={holder}
        data-testid="incident-map"
        data-state={state}
        data-points={points.length}
        role="region"
        aria-label={`${translate("aduan.map.title")} — ${translate("aduan.map.count", { n: points.length })}`}
        style={{ position: "absolute", inset: 0, background: dark ? "#0b1620" : "#cfe2ef", borderRadius: 6 }}
      />
      {state !== "ready" ? (
        <div style={{ position: "absolute", top: 8, left: 8, zIndex: 500, color: dark ? "#e8eef5" : "#1a1a1a", background: dark ? "#10202e" : "#fff", padding: "4px 8px", borderRadius: 4 }}>
          {translate(state === "failed" ? "aduan.map.failed" : "aduan.map.loading")}
        </div>
      ) : null}
    </div>
  );
}
