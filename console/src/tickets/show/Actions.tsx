// The ticket page's actions: the command center's (verify, forward, assign…) and the OPD's.
import { useState } from "react";
import { useDataProvider, useGetList, useNotify, useRefresh, useTranslate, usePermissions, type RaRecord } from "react-admin";
import { Box, Button, Card, CardContent, Checkbox, Dialog, DialogActions, DialogContent, DialogTitle, Divider, FormControl, FormControlLabel, FormGroup, FormLabel, InputLabel, MenuItem, Select, Stack, TextField, Typography } from "@mui/material";
import type { AduanDataProvider } from "../../dataProvider";
import type { Ticket } from "../../api-types";
import { SlaCountdown } from "../badges";
import { TextActionButton, useTransition } from "../actions";
import { MergeButton } from "../MergeDialog";
import { AnswerButton } from "../AnswerDialog";
import { ThumbBar } from "../mobile";
import { Classification } from "./Classification";

function ForwardButton({ ticket, run }: { ticket: Ticket; run: (b: { action: string } & Record<string, unknown>) => Promise<boolean> }) {
  const translate = useTranslate();
  const [open, setOpen] = useState(false);
  const { data: agencies } = useGetList("agencies", { pagination: { page: 1, perPage: 200 }, sort: { field: "name", order: "ASC" }, filter: { active: true } });
  const { data: category } = useGetList("categories", { filter: { id: ticket.categoryId ? [ticket.categoryId] : [] }, pagination: { page: 1, perPage: 1 } }, { enabled: !!ticket.categoryId });
  const suggested = category?.[0]?.defaultAgencyId as number | undefined;
  const [chosen, setChosen] = useState<number[]>([]);
  const [instruction, setInstruction] = useState("");
  const openDialog = () => {
    setChosen(suggested ? [suggested] : []);
    setOpen(true);
  };
  return (
    <>
      <Button variant="contained" onClick={openDialog} fullWidth>{translate("aduan.ticket.forward")}</Button>
      {/* Mounted only while open: a closed dialog still costs a render on every update of the page. */}
      {open ? (
        <Dialog open={open} onClose={() => setOpen(false)} fullWidth maxWidth="sm" aria-labelledby="fwd-title">
          <form onSubmit={async (e) => {
            e.preventDefault();
            if (await run({ action: "forward", agencyIds: chosen, instruction: instruction.trim() })) setOpen(false);
          }}>
            <DialogTitle id="fwd-title">{translate("aduan.ticket.forward")}</DialogTitle>
            <DialogContent>
              <FormControl component="fieldset" fullWidth>
                <FormLabel component="legend">{translate("aduan.ticket.agencies")}</FormLabel>
                <FormGroup>
                  {(agencies ?? []).map((a) => (
                    <FormControlLabel
                      key={a.id}
                      control={<Checkbox checked={chosen.includes(a.id as number)} onChange={(e) => setChosen((c) => (e.target.checked ? [...c, a.id as number] : c.filter((x) => x !== a.id)))} />}
                      label={a.name}
                    />
                  ))}
                </FormGroup>
              </FormControl>
              <TextField id="fwd-instruction" label={translate("aduan.ticket.instruction")} value={instruction} onChange={(e) => setInstruction(e.target.value)} required multiline minRows={2} fullWidth margin="dense" />
            </DialogContent>
            <DialogActions>
              <Button onClick={() => setOpen(false)}>{translate("ra.action.cancel")}</Button>
              <Button type="submit" variant="contained" disabled={chosen.length === 0 || instruction.trim().length < 3}>{translate("ra.action.confirm")}</Button>
            </DialogActions>
          </form>
        </Dialog>
      ) : null}
    </>
  );
}

/**
 * Who a ticket or forward is assigned to: active users, picked from a list; the server decides
 * who may be chosen. Supervisors reassign tickets to operators ("Tugas saya" in the queue follows
 * it); OPD heads assign forwards to their staff.
 */
function AssigneeSelect({ resource, record, id, label, sx }: { resource: "tickets" | "forwards"; record: RaRecord; id: string; label: string; sx?: object }) {
  const translate = useTranslate();
  const dp = useDataProvider<AduanDataProvider>();
  const notify = useNotify();
  const refresh = useRefresh();
  const { data: staff } = useGetList("users", { pagination: { page: 1, perPage: 200 }, sort: { field: "name", order: "ASC" }, filter: { active: true } });
  return (
    <FormControl size="small" fullWidth sx={sx}>
      <InputLabel id={id}>{translate(label)}</InputLabel>
      <Select
        labelId={id}
        label={translate(label)}
        value={record.assigneeUserId ?? ""}
        onChange={async (e) => {
          try {
            await dp.update(resource, { id: record.id, data: { assigneeUserId: e.target.value === "" ? null : Number(e.target.value) }, previousData: record });
            notify("aduan.ticket.done", { type: "success" });
            refresh();
          } catch (err) {
            notify((err as Error).message, { type: "error" });
          }
        }}
      >
        <MenuItem value="">—</MenuItem>
        {(staff ?? []).map((u) => (
          <MenuItem key={u.id} value={u.id}>{u.name}</MenuItem>
        ))}
      </Select>
    </FormControl>
  );
}

export function CenterActions({ ticket }: { ticket: Ticket }) {
  const translate = useTranslate();
  const { permissions: role } = usePermissions();
  const { run, busy } = useTransition(ticket.id as number);
  const s = ticket.status as string;
  const can = (...statuses: string[]) => statuses.includes(s);
  return (
    <Card component="section" aria-labelledby="actions-heading">
      <CardContent>
        <Typography id="actions-heading" variant="h6" component="h2">{translate("aduan.ticket.actions")}</Typography>
        <Stack spacing={1} sx={{ mt: 1 }}>
          {can("received") ? <Button variant="contained" color="secondary" disabled={busy} onClick={() => run({ action: "verify" })}>{translate("aduan.ticket.verify")}</Button> : null}
          {can("verified", "returned", "reopened", "forwarded", "in_progress", "answered") ? <ForwardButton ticket={ticket} run={run} /> : null}
          {can("answered") ? (
            <TextActionButton label="aduan.ticket.resolve" field="note" fieldLabel="aduan.ticket.note_optional" variant="contained" color="success" onSubmit={(note) => run(note ? { action: "resolve", note } : { action: "resolve" })} />
          ) : null}
          {can("resolved") ? <Button variant="outlined" disabled={busy} onClick={() => run({ action: "close" })}>{translate("aduan.ticket.close")}</Button> : null}
          {can("received", "verified", "forwarded", "in_progress", "answered", "reopened") ? (
            <TextActionButton label="aduan.ticket.request_info" field="message" fieldLabel="aduan.ticket.info_message" onSubmit={(message) => run(message ? { action: "request_info", message } : { action: "request_info" })} />
          ) : null}
          {can("waiting_on_citizen") ? <Button variant="outlined" disabled={busy} onClick={() => run({ action: "citizen_replied" })}>{translate("aduan.ticket.citizen_replied")}</Button> : null}
          {can("received", "verified", "returned", "reopened", "waiting_on_citizen") ? <MergeButton ticket={ticket} /> : null}
          {can("received", "verified", "returned") ? (
            <TextActionButton label="aduan.ticket.reject" field="reason" fieldLabel="aduan.ticket.reason" required color="error" onSubmit={(reason) => run({ action: "reject", reason })} />
          ) : null}
          {can("answered", "resolved", "closed") ? (
            <TextActionButton label="aduan.ticket.reopen" field="reason" fieldLabel="aduan.ticket.reason" required onSubmit={(reason) => run({ action: "reopen", reason })} />
          ) : null}
        </Stack>
        {ticket.isOpen ? (
          <>
            <Divider sx={{ my: 2 }} />
            <Classification ticket={ticket} />
            {role === "supervisor" ? <AssigneeSelect resource="tickets" record={ticket} id="assignee-label" label="resources.tickets.fields.assigneeUserId" sx={{ mt: 2 }} /> : null}
          </>
        ) : null}
      </CardContent>
    </Card>
  );
}

export function OpdActions({ ticket }: { ticket: Ticket }) {
  const translate = useTranslate();
  const { permissions: role } = usePermissions();
  const { run, busy } = useTransition(ticket.id as number);
  const f = ticket.forward as RaRecord | undefined;
  const open = f && (f.status === "pending" || f.status === "acknowledged");
  return (
    <Card component="section" aria-labelledby="opd-actions-heading">
      <CardContent>
        <Typography id="opd-actions-heading" variant="h6" component="h2">{translate("aduan.ticket.actions")}</Typography>
        {f ? (
          <Box sx={{ my: 1 }}>
            <Typography variant="body2">{translate("aduan.ticket.opd_clock")}: <SlaCountdown dueAt={f.dueAt} open={open} /></Typography>
            <Typography variant="body2" sx={{ mt: 1 }}><strong>{translate("aduan.ticket.instruction")}:</strong> {f.instruction}</Typography>
            <Typography variant="body2">{translate("resources.tickets.fields.status")}: {translate(`aduan.forward_status.${f.status}`)}</Typography>
          </Box>
        ) : null}
        {open ? (
          <Stack spacing={1}>
            <ThumbBar>
              {f.status === "pending" ? <Button variant="contained" color="secondary" disabled={busy} onClick={() => run({ action: "acknowledge" })}>{translate("aduan.ticket.acknowledge")}</Button> : null}
              <AnswerButton forwardId={f.id} run={run} categoryId={ticket.categoryId ?? null} />
            </ThumbBar>
            <TextActionButton label="aduan.ticket.request_info" field="message" fieldLabel="aduan.ticket.info_message" onSubmit={(message) => run(message ? { action: "request_info", message } : { action: "request_info" })} />
            <TextActionButton label="aduan.ticket.return" field="reason" fieldLabel="aduan.ticket.return_reason" required color="error" onSubmit={(reason) => run({ action: "return", reason })} />
            {role === "opd_head" ? <AssigneeSelect resource="forwards" record={f} id="assign-label" label="aduan.ticket.assign" /> : null}
          </Stack>
        ) : null}
      </CardContent>
    </Card>
  );
}
