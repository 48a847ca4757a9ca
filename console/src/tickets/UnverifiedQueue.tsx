import { useGetList, useTranslate } from "react-admin";
import { Alert, Button } from "@mui/material";
import { UNVERIFIED_FILTER } from "../boot/urls";
import { useLiveRefresh } from "../live";

/**
 * How many new tickets wait for verification (the shortest clock: verify and forward). The
 * command center's queue shows it on its own view and, from any other view, as a banner.
 */
export function useUnverifiedCount(enabled: boolean): number | undefined {
  const { total, refetch } = useGetList("tickets", { pagination: { page: 1, perPage: 1 }, sort: { field: "dueAt", order: "ASC" }, filter: UNVERIFIED_FILTER }, { enabled });
  // New tickets and verifications arrive on the live stream: the count follows without polling.
  useLiveRefresh(enabled ? ["ticket.created", "ticket.changed"] : [], () => void refetch(), { ms: 1000 });
  return enabled ? total : undefined;
}

export function UnverifiedBanner({ count, onShow }: { count: number | undefined; onShow: () => void }) {
  const translate = useTranslate();
  if (!count) return null;
  return (
    <Alert
      severity="warning"
      sx={{ mt: 1 }}
      data-testid="unverified-banner"
      action={<Button color="inherit" size="small" onClick={onShow}>{translate("aduan.notices.unverified_show")}</Button>}
    >
      {translate("aduan.notices.unverified_count", { smart_count: count })}
    </Alert>
  );
}
