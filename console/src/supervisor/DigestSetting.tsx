import { useNotify, useTranslate } from "react-admin";
import { FormControlLabel, Switch } from "@mui/material";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../api";

/** The user's own choice: one e-mail per notice (default) or one daily digest. */
export function DigestSetting() {
  const translate = useTranslate();
  const notify = useNotify();
  const qc = useQueryClient();
  const { data } = useQuery({ queryKey: ["aduan", "notification-settings"], queryFn: async () => (await api<{ digest: boolean }>("/notifications/settings")).json, retry: false });
  if (!data) return null;
  return (
    <FormControlLabel
      sx={{ mt: 1 }}
      control={
        <Switch
          checked={data.digest}
          onChange={async (e) => {
            try {
              const next = (await api<{ digest: boolean }>("/notifications/settings", { method: "PUT", body: { digest: e.target.checked } })).json;
              qc.setQueryData(["aduan", "notification-settings"], next);
              notify("aduan.ticket.done", { type: "success" });
            } catch (err) {
              notify((err as Error).message, { type: "error" });
            }
          }}
        />
      }
      label={translate("aduan.notices.digest")}
    />
  );
}
