// Writing on a ticket: the reply to the citizen and the internal note.
import { useState } from "react";
import { useDataProvider, useGetList, useNotify, useRefresh, useTranslate, useLocaleState } from "react-admin";
import { Button, Card, CardContent, FormControl, InputLabel, MenuItem, Select, Stack, TextField, Typography } from "@mui/material";
import type { AduanDataProvider } from "../../dataProvider";
import type { Ticket } from "../../api-types";

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
export function Composer({ ticket }: { ticket: Ticket }) {
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
export function NoteBox({ ticket }: { ticket: Ticket }) {
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
