import { useState, type ReactNode } from "react";
import { useDataProvider, useNotify, useRefresh, useTranslate } from "react-admin";
import { Button, Dialog, DialogActions, DialogContent, DialogTitle, TextField } from "@mui/material";
import type { AduanDataProvider, TransitionBody } from "../dataProvider";

/** Runs a lifecycle action; the server decides (409 with its reason when not allowed now). */
export function useTransition(ticketId: number) {
  const dp = useDataProvider<AduanDataProvider>();
  const notify = useNotify();
  const refresh = useRefresh();
  const [busy, setBusy] = useState(false);
  const run = async (body: TransitionBody) => {
    setBusy(true);
    try {
      await dp.transition(ticketId, body);
      notify("aduan.ticket.done", { type: "success" });
      refresh();
      return true;
    } catch (e) {
      notify((e as Error).message || "ra.notification.http_error", { type: "error" });
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { run, busy };
}

/** A button that opens a dialog asking for one text (a reason, an answer), then acts. */
export function TextActionButton(props: {
  label: string;
  field: string;
  fieldLabel: string;
  required?: boolean;
  minLength?: number;
  multiline?: boolean;
  onSubmit: (text: string) => Promise<boolean>;
  color?: "primary" | "secondary" | "error" | "inherit" | "success" | "warning" | "info";
  variant?: "contained" | "outlined" | "text";
  children?: ReactNode;
}) {
  const translate = useTranslate();
  const [open, setOpen] = useState(false);
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);
  const min = props.required ? props.minLength ?? 3 : 0;
  const ok = text.trim().length >= min;
  const id = `dlg-${props.field}`;
  return (
    <>
      <Button variant={props.variant ?? "outlined"} color={props.color ?? "primary"} onClick={() => setOpen(true)} fullWidth>
        {translate(props.label)}
      </Button>
      {/* Mounted only while open: a closed dialog still costs a render on every update of the page. */}
      {open ? (
        <Dialog open={open} onClose={() => setOpen(false)} fullWidth maxWidth="sm" aria-labelledby={`${id}-title`}>
          <form
            onSubmit={async (e) => {
              e.preventDefault();
              if (!ok) return;
              setBusy(true);
              const done = await props.onSubmit(text.trim());
              setBusy(false);
              if (done) {
                setOpen(false);
                setText("");
              }
            }}
          >
            <DialogTitle id={`${id}-title`}>{translate(props.label)}</DialogTitle>
            <DialogContent>
              {props.children}
              <TextField
                id={id}
                name={props.field}
                label={translate(props.fieldLabel)}
                value={text}
                onChange={(e) => setText(e.target.value)}
                required={props.required}
                multiline={props.multiline ?? true}
                minRows={props.multiline === false ? undefined : 3}
                fullWidth
                autoFocus
                margin="dense"
              />
            </DialogContent>
            <DialogActions>
              <Button onClick={() => setOpen(false)}>{translate("ra.action.cancel")}</Button>
              <Button type="submit" variant="contained" disabled={!ok || busy}>
                {translate("ra.action.confirm")}
              </Button>
            </DialogActions>
          </form>
        </Dialog>
      ) : null}
    </>
  );
}
