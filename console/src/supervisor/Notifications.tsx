import { Title, useDataProvider, useGetList, useNotify, useRefresh, useTranslate, Link, Loading } from "react-admin";
import { Alert, Box, Button, Card, CardContent, List, ListItem, ListItemText, Typography } from "@mui/material";
import { useQueryClient } from "@tanstack/react-query";
import type { AduanDataProvider } from "../dataProvider";
import { useLiveRefresh } from "../live";
import { DigestSetting } from "./DigestSetting";

/** My notifications (warnings, breaches, escalations), newest first, with an unread count. */
export default function Notifications() {
  const translate = useTranslate();
  const dp = useDataProvider<AduanDataProvider>();
  const notify = useNotify();
  const refresh = useRefresh();
  const qc = useQueryClient();
  const { data, total, isPending, error, refetch } = useGetList("notifications", { pagination: { page: 1, perPage: 50 }, sort: { field: "id", order: "DESC" } });
  // A new notice for me arrives on the live stream (h-events' /api/events): the list follows at once.
  useLiveRefresh(["notification"], () => void refetch());
  const unread = (data ?? []).filter((n) => !n.readAt).length;
  return (
    <Card sx={{ mt: 2 }}>
      <Title title="aduan.notifications.title" />
      <CardContent>
        <Box sx={{ display: "flex", alignItems: "center", gap: 2 }}>
          <Typography variant="h5" component="h1">{translate("aduan.notifications.title")}</Typography>
          <Typography data-testid="unread">{translate("aduan.notifications.unread", { smart_count: unread })}</Typography>
          <Button
            variant="outlined"
            disabled={unread === 0}
            onClick={async () => {
              try {
                await dp.post("/notifications/read", { all: true });
                await qc.invalidateQueries({ queryKey: ["aduan", "unread-count"] });
                refresh();
              } catch (e) {
                notify((e as Error).message, { type: "error" });
              }
            }}
          >
            {translate("aduan.notifications.mark_all")}
          </Button>
        </Box>
        <DigestSetting />
        {isPending ? <Loading /> : null}
        {error ? <Alert severity="error">{translate("aduan.error.load", { message: (error as Error).message })}</Alert> : null}
        {data && total === 0 ? <Typography sx={{ mt: 2 }}>{translate("aduan.notifications.empty")}</Typography> : null}
        <List>
          {(data ?? []).map((n) => (
            <ListItem key={n.id} sx={{ fontWeight: n.readAt ? 400 : 700, borderLeft: n.readAt ? "none" : "4px solid #b71c1c" }}>
              <ListItemText
                primary={n.ticketId ? <Link to={`/tickets/${n.ticketId}/show`}>{n.title ?? n.body ?? n.type}</Link> : (n.title ?? n.body ?? n.type)}
                secondary={`${new Date(n.createdAt).toLocaleString()}${n.body && n.title ? ` — ${n.body}` : ""}`}
              />
            </ListItem>
          ))}
        </List>
      </CardContent>
    </Card>
  );
}
