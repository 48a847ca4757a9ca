import { useState } from "react";
import { useDataProvider, useNotify, useRedirect, useTranslate, type RaRecord } from "react-admin";
import { Alert, Button, Dialog, DialogActions, DialogContent, DialogTitle, List, ListItemButton, ListItemText, TextField, Typography } from "@mui/material";
import { useQuery } from "@tanstack/react-query";
import type { AduanDataProvider } from "../dataProvider";
import type { DuplicateSuggestion } from "../api-types";

type Suggestion = DuplicateSuggestion;

/** Merge this ticket into another (digabung): suggestions first, or a number typed in. */
export function MergeButton({ ticket }: { ticket: RaRecord }) {
  const translate = useTranslate();
  const dp = useDataProvider<AduanDataProvider>();
  const notify = useNotify();
  const redirect = useRedirect();
  const [open, setOpen] = useState(false);
  const [target, setTarget] = useState("");
  const [busy, setBusy] = useState(false);
  const { data: suggestions, isPending } = useQuery({
    queryKey: ["aduan", "duplicates", ticket.id],
    queryFn: async () => (await dp.get<Suggestion[]>(`/tickets/${ticket.id}/duplicates`)).data,
    enabled: open,
    retry: false,
  });
  const merge = async (intoTicketId: number) => {
    setBusy(true);
    try {
      await dp.transition(ticket.id, { action: "merge", intoTicketId });
      notify("aduan.ticket.done", { type: "success" });
      setOpen(false);
      redirect("show", "tickets", intoTicketId);
    } catch (e) {
      notify((e as Error).message, { type: "error" });
    } finally {
      setBusy(false);
    }
  };
  const resolveTarget = async () => {
    const t = target.trim();
    if (/^\d+$/.test(t)) return merge(Number(t));
    try {
      const { data } = await dp.getList("tickets", { filter: { number: t.toUpperCase() }, pagination: { page: 1, perPage: 1 }, sort: { field: "id", order: "ASC" } });
      if (data[0]) return merge(data[0].id as number);
      notify("ra.notification.item_doesnt_exist", { type: "error" });
    } catch (e) {
      notify((e as Error).message, { type: "error" });
    }
  };
  return (
    <>
      <Button variant="outlined" onClick={() => setOpen(true)} fullWidth>{translate("aduan.ticket.merge")}</Button>
      {/* Mounted only while open: a closed dialog still costs a render on every update of the page. */}
      {open ? (
        <Dialog open={open} onClose={() => setOpen(false)} fullWidth maxWidth="sm" aria-labelledby="merge-title">
          <DialogTitle id="merge-title">{translate("aduan.ticket.merge")}</DialogTitle>
          <DialogContent>
            <Typography variant="subtitle2" component="h3">{translate("aduan.ticket.duplicates")}</Typography>
            {isPending && open ? <Typography>{translate("ra.page.loading")}…</Typography> : null}
            {suggestions && suggestions.length === 0 ? <Typography color="text.secondary">{translate("aduan.ticket.no_duplicates")}</Typography> : null}
            <List dense aria-label={translate("aduan.ticket.duplicates")}>
              {(suggestions ?? []).map((s) => (
                <ListItemButton key={s.id} disabled={busy} onClick={() => merge(s.id)} data-duplicate={s.number}>
                  <ListItemText
                    primary={`${s.number} · ${translate(`aduan.status.${s.status}`)} · ${Math.round(s.score * 100)}%`}
                    secondary={`${s.description.slice(0, 120)} — ${translate("aduan.ticket.merge_into")}`}
                  />
                </ListItemButton>
              ))}
            </List>
            <Alert severity="info" sx={{ my: 1 }}>{ticket.number} → ?</Alert>
            <TextField id="merge-target" label={translate("aduan.ticket.merge_target")} value={target} onChange={(e) => setTarget(e.target.value)} fullWidth margin="dense" />
          </DialogContent>
          <DialogActions>
            <Button onClick={() => setOpen(false)}>{translate("ra.action.cancel")}</Button>
            <Button variant="contained" disabled={!target.trim() || busy} onClick={resolveTarget}>{translate("ra.action.confirm")}</Button>
          </DialogActions>
        </Dialog>
      ) : null}
    </>
  );
}
