import { lazy, Suspense } from "react";
import { useTranslate } from "react-admin";
import { Box } from "@mui/material";
import { useMapPoints } from "../../map/useMapPoints";
import { Empty } from "./Frame";

// Leaflet comes with the map itself, in its own chunk.
const IncidentMap = lazy(() => import("../../map/IncidentMap"));

/** The wall's map: geolocated complaints, clustered and coloured by status; live. */
export default function MapPanel() {
  const translate = useTranslate();
  const { data, error } = useMapPoints();
  if (error) return <Empty>{translate("aduan.map.failed")}</Empty>;
  if (!data) return <Empty>{translate("aduan.wall.loading")}</Empty>;
  return (
    <Box data-testid="wall-map" data-points={data.points.length} sx={{ height: "100%", minHeight: 240 }}>
      <Suspense fallback={<Empty>{translate("aduan.map.loading")}</Empty>}>
        <IncidentMap points={data.points} height="100%" live />
      </Suspense>
    </Box>
  );
}
