import { lazy, Suspense } from "react";
import { Title, useTranslate, usePermissions } from "react-admin";
import { Alert, Box, Card, CardContent, Typography } from "@mui/material";
import { useMapPoints } from "./useMapPoints";

const IncidentMap = lazy(() => import("./IncidentMap"));
const ROLES = ["operator", "supervisor", "admin"];

/** /console/#/peta: the complaints map for the command center (live; popups open the ticket). */
export default function MapPage() {
  const translate = useTranslate();
  const { permissions: role } = usePermissions();
  const { data, error } = useMapPoints();
  if (role && !ROLES.includes(role)) return <Alert severity="warning">{translate("aduan.wall.no_access")}</Alert>;
  return (
    <Card component="section" aria-labelledby="map-heading" sx={{ mt: 1 }}>
      <Title title={translate("aduan.map.title")} />
      <CardContent>
        <Typography id="map-heading" variant="h6" component="h1">{translate("aduan.map.title")}</Typography>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
          {translate("aduan.map.intro", { days: data?.days ?? 30, max: data?.limit ?? 2000 })}
          {data ? ` ${translate("aduan.map.count", { n: data.points.length })}.` : ""}
        </Typography>
        {error ? <Alert severity="error">{translate("aduan.map.failed")}</Alert> : null}
        {data && data.points.length === 0 ? <Alert severity="info" sx={{ mb: 1 }}>{translate("aduan.map.none")}</Alert> : null}
        <Box sx={{ height: "calc(100vh - 220px)", minHeight: 360 }}>
          {data ? (
            <Suspense fallback={<Typography>{translate("aduan.map.loading")}</Typography>}>
              <IncidentMap points={data.points} height="100%" linkTickets={role !== "admin"} />
            </Suspense>
          ) : (
            <Typography>{translate("aduan.map.loading")}</Typography>
          )}
        </Box>
      </CardContent>
    </Card>
  );
}
