import { useState } from "react";
import {
  Show, useDataProvider, useGetList, useNotify, useRecordContext, useRefresh, useTranslate, usePermissions,
  Link, type RaRecord, useGetMany, Loading, useLocaleState,
} from "react-admin";
import {
  Alert, Box, Button, Card, CardContent, Checkbox, Chip, Dialog, DialogActions, DialogContent, DialogTitle, Divider, FormControl,
  FormControlLabel, FormGroup, FormLabel, InputLabel, MenuItem, Select, Stack, TextField, Typography,
} from "@mui/material";
import type { AduanDataProvider } from "../dataProvider";
import { attachmentParams, conversationParams } from "../boot/urls";
import { ChannelIcon, PRIVACY, SlaCountdown, StatusChip } from "./bits";
import { TextActionButton, useTransition } from "./actions";
import { MergeButton } from "./MergeDialog";
import { AnswerButton } from "./AnswerDialog";
import { PublicationPreview } from "./PublicationPreview";
import { DeliveryReason, DeliveryState, MessageLabel } from "./delivery";

const fmt = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : "—");

function TicketTitle() {
  const r = useRecordContext();
  const translate = useTranslate();
  return <span>{r ? `${translate("resources.tickets.name", { smart_count: 1 })} ${r.number}` : ""}</span>;
}

export function TicketShow() {
  return (
    <Show title={<TicketTitle />} actions={false} queryOptions={{ refetchInterval: 10_000 }} emptyWhileLoading>
      <TicketDetail />
    </Show>
  );
}

function TicketDetail() {
  const r = useRecordContext();
  const { permissions: role } = usePermissions();
  const translate = useTranslate();
  if (!r) return <Loading />;
  const center = role === "operator" || role === "supervisor";
  return (
    <Box sx={{ display: "grid", gridTemplateColumns: { xs: "1fr", lg: "minmax(0,2fr) minmax(300px,1fr)" }, gap: 2, p: 2 }}>
      <Stack spacing={2} sx={{ minWidth: 0 }}>
        <Card component="section" aria-labelledby="ticket-heading">
          <CardContent>
            <Stack direction="row" spacing={1} useFlexGap sx={{ alignItems: "center", flexWrap: "wrap" }}>
              <Typography id="ticket-heading" variant="h5" component="h1">{r.number}</Typography>
              <StatusChip status={r.status} />
              <ChannelIcon channel={r.channel} />
              <Chip size="small" variant="outlined" label={`${translate("resources.tickets.fields.privacy")}: ${translate(`aduan.privacy.${r.privacy}`)}`} data-privacy={r.privacy} />
              <SlaCountdown dueAt={r.dueAt} open={r.isOpen} />
            </Stack>
            {r.subject && !String(r.description ?? "").startsWith(String(r.subject).replace(/…$/, "")) ? <Typography variant="subtitle1" sx={{ mt: 1, fontWeight: 600 }}>{r.subject}</Typography> : null}
            <Typography sx={{ mt: 1, whiteSpace: "pre-wrap" }} data-testid="ticket-description">{r.description}</Typography>
            <WithheldNotice withheld={r.withheld} />
            <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
              {translate("resources.tickets.fields.receivedAt")}: {fmt(r.receivedAt)}
              {r.locationText ? ` · ${translate("resources.tickets.fields.locationText")}: ${r.locationText}` : ""}
            </Typography>
            {r.mergedIntoId ? (
              <Alert severity="info" sx={{ mt: 1 }}>
                <Link to={`/tickets/${r.mergedIntoId}/show`}>{translate("aduan.ticket.merged_into", { number: `#${r.mergedIntoId}` })}</Link>
              </Alert>
            ) : null}
          </CardContent>
        </Card>
        <Conversation ticket={r} />
        {center ? <Composer ticket={r} /> : <NoteBox ticket={r} />}
        {center && r.privacy !== "rahasia" ? <PublicationPreview ticketId={r.id as number} /> : null}
      </Stack>
      <Stack spacing={2} sx={{ minWidth: 0 }}>
        <ReporterCard ticket={r} />
        {center ? <CenterActions ticket={r} /> : <OpdActions ticket={r} />}
        <Forwards ticket={r} />
      </Stack>
    </Box>
  );
}

/** What the server's access gate hid from this viewer and why, next to the masked text. */
export function WithheldNotice({ withheld }: { withheld?: { reason: string; masked: boolean } | null }) {
  const translate = useTranslate();
  if (!withheld) return null;
  return (
    <Alert severity="info" sx={{ mt: 1 }} data-testid="withheld-notice" data-reason={withheld.reason}>
      {translate(`aduan.ticket.withheld_${withheld.reason}`)}
    </Alert>
  );
}

function ReporterCard({ ticket }: { ticket: RaRecord }) {
  const translate = useTranslate();
  const rep = ticket.reporter as { contactId?: number; name?: string | null; phone?: string | null; email?: string | null } | null | undefined;
  return (
    <Card component="section" aria-labelledby="reporter-heading">
      <CardContent>
        <Typography id="reporter-heading" variant="h6" component="h2">{translate("aduan.ticket.reporter")}</Typography>
        {rep ? (
          <Box data-testid="reporter">
            {rep.name ? <Typography>{rep.name}</Typography> : null}
            {rep.phone ? <Typography variant="body2">{rep.phone}</Typography> : null}
            {rep.email ? <Typography variant="body2">{rep.email}</Typography> : null}
            {rep.contactId ? <Link to={`/contacts/${rep.contactId}/show`}>{translate("aduan.contact.tickets")}</Link> : null}
          </Box>
        ) : (
          <Typography color="text.secondary" data-testid="reporter-hidden">
            {translate("aduan.ticket.reporter_hidden")}
            {ticket.withheld ? ` (${translate(`aduan.privacy.${ticket.privacy}`)})` : ""}
          </Typography>
        )}
      </CardContent>
    </Card>
  );
}

function Conversation({ ticket }: { ticket: RaRecord }) {
  const translate = useTranslate();
  const { permissions: role } = usePermissions();
  const center = role === "operator" || role === "supervisor";
  // New messages appear without reloading: the conversation polls every 5 s.
  const { data, isPending, error } = useGetList(
    "messages",
    conversationParams(ticket.id),
    { refetchInterval: 5_000 },
  );
  const attachments = useTicketAttachments(ticket.id as number);
  return (
    <Card component="section" aria-labelledby="conv-heading">
      <CardContent>
        <Typography id="conv-heading" variant="h6" component="h2">{translate("aduan.ticket.conversation")}</Typography>
        <Typography variant="caption" color="text.secondary">{translate("aduan.ticket.live")}</Typography>
        {isPending ? <Loading /> : null}
        {error ? <Alert severity="error">{translate("aduan.error.load", { message: (error as Error).message })}</Alert> : null}
        {data && data.length === 0 ? <Typography color="text.secondary">{translate("aduan.ticket.no_messages")}</Typography> : null}
        <Stack component="ol" spacing={1} sx={{ listStyle: "none", p: 0, m: 0, mt: 1 }} aria-live="polite" data-testid="conversation">
          {(data ?? []).map((m) => (
            <Box
              component="li"
              key={m.id}
              data-direction={m.direction}
              sx={{
                p: 1.5,
                borderRadius: 2,
                maxWidth: "85%",
                alignSelf: m.direction === "inbound" ? "flex-start" : "flex-end",
                bgcolor: m.direction === "inbound" ? "#f1f3f4" : m.direction === "note" ? "#fff8e1" : m.direction === "answer" ? "#e8f5e9" : "#e3f2fd",
                border: m.direction === "note" ? "1px dashed #8d6e00" : "none",
              }}
            >
              <Typography variant="caption" component="div" sx={{ color: "#37474f", display: "flex", gap: 1, alignItems: "center", flexWrap: "wrap" }}>
                <MessageLabel message={m} />
                <time dateTime={m.createdAt}>{fmt(m.createdAt)}</time>
                {m.ticketId !== ticket.id ? <span>· #{m.ticketId}</span> : null}
                <DeliveryState message={m} canResend={center} />
              </Typography>
              {m.subject && !String(m.body ?? "").startsWith(String(m.subject).replace(/…$/, "")) ? <Typography variant="subtitle2" component="p">{m.subject}</Typography> : null}
              <Typography sx={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>{m.body}</Typography>
              <Attachments items={(attachments ?? []).filter((a) => a.messageId === m.id)} />
              <DeliveryReason message={m} />
            </Box>
          ))}
        </Stack>
      </CardContent>
    </Card>
  );
}

/** The ticket's files the viewer may see (an OPD: the citizen's and its own); one cached query for the whole page. */
function useTicketAttachments(ticketId: number) {
  const { data } = useGetList(
    "attachments",
    attachmentParams(ticketId),
    { refetchInterval: 10_000 },
  );
  return data;
}

/** Photos are shown (through the authenticated API); other files are links. */
function Attachments({ items }: { items: RaRecord[] }) {
  const translate = useTranslate();
  if (items.length === 0) return null;
  return (
    <Stack direction="row" spacing={1} useFlexGap sx={{ flexWrap: "wrap", mt: 1 }} data-testid="attachments">
      {items.map((a) =>
        a.state !== "fetched" ? (
          <Typography key={a.id} variant="caption">{a.fileName} ({translate("ra.page.loading")}…)</Typography>
        ) : /^image\//.test(a.mimeType) ? (
          <a key={a.id} href={a.url} target="_blank" rel="noopener">
            <Box component="img" src={a.url} alt={a.fileName} loading="lazy" sx={{ maxWidth: 240, maxHeight: 180, borderRadius: 1, border: "1px solid #ccc", display: "block" }} />
          </a>
        ) : (
          <a key={a.id} href={a.url} download={a.fileName}>{a.fileName}</a>
        ),
      )}
    </Stack>
  );
}

/** The files an OPD attached to its answer on this forward, as download links. */
function ForwardFiles({ items }: { items: RaRecord[] }) {
  const translate = useTranslate();
  if (items.length === 0) return null;
  return (
    <Box data-testid="forward-files">
      <Typography variant="body2" component="span"><strong>{translate("aduan.answer_files.files")}:</strong> </Typography>
      {items.map((a, i) => (
        <span key={a.id}>
          {i > 0 ? ", " : null}
          <a href={a.url} download={a.fileName}>{a.fileName}</a>
        </span>
      ))}
    </Box>
  );
}

function useAddMessage(ticketId: number) {
  const dp = useDataProvider<AduanDataProvider>();
  const notify = useNotify();
  const refresh = useRefresh();
  return async (direction: "note" | "outbound", body: string) => {
    try {
      await dp.create("messages", { data: { ticketId, direction, body } });
      notify(direction === "note" ? "aduan.ticket.noted" : "aduan.ticket.sent", { type: "success" });
      refresh();
      return true;
    } catch (e) {
      notify((e as Error).message, { type: "error" });
      return false;
    }
  };
}

/** The command center's reply box: sends on the citizen's channel, with canned replies. */
function Composer({ ticket }: { ticket: RaRecord }) {
  const translate = useTranslate();
  const add = useAddMessage(ticket.id as number);
  const [mode, setMode] = useState<"outbound" | "note">("outbound");
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);
  const [locale] = useLocaleState();
  const { data: canned } = useGetList("canned-replies", { pagination: { page: 1, perPage: 100 }, sort: { field: "title", order: "ASC" }, filter: { locale } }, { retry: false });
  const submit = async () => {
    if (!text.trim()) return;
    setBusy(true);
    if (await add(mode, text.trim())) setText("");
    setBusy(false);
  };
  return (
    <Card component="section" aria-labelledby="composer-heading">
      <CardContent>
        <Typography id="composer-heading" variant="h6" component="h2">
          {translate(mode === "outbound" ? "aduan.ticket.reply" : "aduan.ticket.note")}
        </Typography>
        <Stack direction="row" spacing={1} sx={{ my: 1 }} role="group">
          <Button size="small" variant={mode === "outbound" ? "contained" : "outlined"} aria-pressed={mode === "outbound"} onClick={() => setMode("outbound")}>
            {translate("aduan.ticket.reply")}
          </Button>
          <Button size="small" variant={mode === "note" ? "contained" : "outlined"} aria-pressed={mode === "note"} onClick={() => setMode("note")}>
            {translate("aduan.ticket.note")}
          </Button>
          {mode === "outbound" && canned && canned.length > 0 ? (
            <FormControl size="small" sx={{ minWidth: 200 }}>
              <InputLabel id="canned-label">{translate("aduan.ticket.canned")}</InputLabel>
              <Select labelId="canned-label" label={translate("aduan.ticket.canned")} value="" onChange={(e) => setText(String(canned.find((c) => c.id === e.target.value)?.body ?? ""))}>
                {canned.map((c) => (
                  <MenuItem key={c.id} value={c.id}>{c.title}</MenuItem>
                ))}
              </Select>
            </FormControl>
          ) : null}
        </Stack>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <TextField
            id="composer-text"
            label={translate(mode === "outbound" ? "aduan.ticket.reply" : "aduan.ticket.note")}
            helperText={mode === "outbound" ? translate("aduan.ticket.reply_hint", { channel: translate(`aduan.channel.${ticket.channel}`) }) : translate("aduan.ticket.note_hint")}
            value={text}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) void submit();
            }}
            multiline
            minRows={3}
            fullWidth
          />
          <Button type="submit" variant="contained" sx={{ mt: 1 }} disabled={busy || !text.trim()}>
            {translate(mode === "outbound" ? "aduan.ticket.send" : "aduan.ticket.add_note")}
          </Button>
        </form>
      </CardContent>
    </Card>
  );
}

/** OPD users write internal notes only; their official answer goes through "answer". */
function NoteBox({ ticket }: { ticket: RaRecord }) {
  const translate = useTranslate();
  const add = useAddMessage(ticket.id as number);
  const [text, setText] = useState("");
  return (
    <Card component="section">
      <CardContent>
        <form
          onSubmit={async (e) => {
            e.preventDefault();
            if (text.trim() && (await add("note", text.trim()))) setText("");
          }}
        >
          <TextField id="note-text" label={translate("aduan.ticket.note")} helperText={translate("aduan.ticket.note_hint")} value={text} onChange={(e) => setText(e.target.value)} multiline minRows={2} fullWidth />
          <Button type="submit" variant="outlined" sx={{ mt: 1 }} disabled={!text.trim()}>{translate("aduan.ticket.add_note")}</Button>
        </form>
      </CardContent>
    </Card>
  );
}

function Classification({ ticket }: { ticket: RaRecord }) {
  const translate = useTranslate();
  const dp = useDataProvider<AduanDataProvider>();
  const notify = useNotify();
  const refresh = useRefresh();
  const { data: categories } = useGetList("categories", { pagination: { page: 1, perPage: 200 }, sort: { field: "name", order: "ASC" }, filter: { active: true } });
  const [categoryId, setCategoryId] = useState<number | "">(ticket.categoryId ?? "");
  const [privacy, setPrivacy] = useState<string>(ticket.privacy);
  const dirty = (categoryId || null) !== (ticket.categoryId ?? null) || privacy !== ticket.privacy;
  return (
    <Stack spacing={1.5} component="form" onSubmit={async (e) => {
      e.preventDefault();
      try {
        await dp.update("tickets", { id: ticket.id, data: { categoryId: categoryId || null, privacy }, previousData: ticket });
        notify("aduan.ticket.done", { type: "success" });
        refresh();
      } catch (err) {
        notify((err as Error).message, { type: "error" });
      }
    }}>
      <Typography variant="subtitle2" component="h3">{translate("aduan.ticket.classify")}</Typography>
      <FormControl size="small" fullWidth>
        <InputLabel id="cat-label">{translate("resources.tickets.fields.categoryId")}</InputLabel>
        <Select labelId="cat-label" id="cat-select" label={translate("resources.tickets.fields.categoryId")} value={categoryId} onChange={(e) => setCategoryId(e.target.value as number)}>
          {(categories ?? []).map((c) => (
            <MenuItem key={c.id} value={c.id}>{c.name}</MenuItem>
          ))}
        </Select>
      </FormControl>
      <FormControl size="small" fullWidth>
        <InputLabel id="privacy-label">{translate("resources.tickets.fields.privacy")}</InputLabel>
        <Select labelId="privacy-label" id="privacy-select" label={translate("resources.tickets.fields.privacy")} value={privacy} onChange={(e) => setPrivacy(String(e.target.value))}>
          {PRIVACY.map((p) => (
            <MenuItem key={p} value={p}>{translate(`aduan.privacy.${p}`)}</MenuItem>
          ))}
        </Select>
      </FormControl>
      <Button type="submit" variant="outlined" disabled={!dirty}>{translate("aduan.ticket.save")}</Button>
    </Stack>
  );
}

function ForwardButton({ ticket, run }: { ticket: RaRecord; run: (b: { action: string } & Record<string, unknown>) => Promise<boolean> }) {
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

function CenterActions({ ticket }: { ticket: RaRecord }) {
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

function OpdActions({ ticket }: { ticket: RaRecord }) {
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
            {f.status === "pending" ? <Button variant="contained" color="secondary" disabled={busy} onClick={() => run({ action: "acknowledge" })}>{translate("aduan.ticket.acknowledge")}</Button> : null}
            <AnswerButton forwardId={f.id} run={run} />
            <TextActionButton label="aduan.ticket.request_info" field="message" fieldLabel="aduan.ticket.info_message" onSubmit={(message) => run(message ? { action: "request_info", message } : { action: "request_info" })} />
            <TextActionButton label="aduan.ticket.return" field="reason" fieldLabel="aduan.ticket.return_reason" required color="error" onSubmit={(reason) => run({ action: "return", reason })} />
            {role === "opd_head" ? <AssigneeSelect resource="forwards" record={f} id="assign-label" label="aduan.ticket.assign" /> : null}
          </Stack>
        ) : null}
      </CardContent>
    </Card>
  );
}

function Forwards({ ticket }: { ticket: RaRecord }) {
  const translate = useTranslate();
  const forwards = (ticket.forwards ?? []) as RaRecord[];
  const ids = [...new Set(forwards.map((f) => f.agencyId as number))];
  const { data: agencies } = useGetMany("agencies", { ids }, { enabled: ids.length > 0 });
  const nameOf = (id: number) => agencies?.find((a) => a.id === id)?.shortName ?? `#${id}`;
  const attachments = useTicketAttachments(ticket.id as number);
  return (
    <Card component="section" aria-labelledby="fwd-heading">
      <CardContent>
        <Typography id="fwd-heading" variant="h6" component="h2">{translate("aduan.ticket.forwards")}</Typography>
        {forwards.length === 0 ? <Typography color="text.secondary">{translate("aduan.ticket.no_forwards")}</Typography> : null}
        <Stack component="ul" spacing={1} sx={{ listStyle: "none", p: 0, m: 0 }}>
          {forwards.map((f) => (
            <Box component="li" key={f.id} sx={{ borderLeft: "3px solid #0d47a1", pl: 1 }} data-forward-status={f.status}>
              <Typography variant="subtitle2">{nameOf(f.agencyId)} — {translate(`aduan.forward_status.${f.status}`)}</Typography>
              <SlaCountdown dueAt={f.dueAt} open={f.isOpen} />
              <Typography variant="body2"><strong>{translate("aduan.ticket.instruction")}:</strong> {f.instruction}</Typography>
              {f.response ? <Typography variant="body2" sx={{ whiteSpace: "pre-wrap" }}><strong>{translate("aduan.ticket.response")}:</strong> {f.response}</Typography> : null}
              {f.returnReason ? <Typography variant="body2"><strong>{translate("aduan.ticket.return_reason")}:</strong> {f.returnReason}</Typography> : null}
              <ForwardFiles items={(attachments ?? []).filter((a) => a.forwardId === f.id)} />
            </Box>
          ))}
        </Stack>
      </CardContent>
    </Card>
  );
}

