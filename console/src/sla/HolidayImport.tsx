import { useState, type ChangeEvent } from "react";
import { useNotify, useRecordContext, useRefresh, useTranslate } from "react-admin";
import { Alert, Box, Button, Paper, Stack, Table, TableBody, TableCell, TableHead, TableRow, Typography } from "@mui/material";
import UploadFileIcon from "@mui/icons-material/UploadFile";
import { api } from "../api";

type Holiday = { date: string; name: string; kind: "national" | "cuti_bersama" | "regional" };
type Read = { holidays: Holiday[]; problems: { at: string; message: string }[]; applied: boolean };

function HolidayTable({ rows }: { rows: Holiday[] }) {
  const t = useTranslate();
  return (
    <Box sx={{ overflowX: "auto", maxHeight: 320 }}>
      <Table size="small">
        <TableHead>
          <TableRow>
            <TableCell>{t("aduan.holidays.date")}</TableCell>
            <TableCell>{t("aduan.holidays.name")}</TableCell>
            <TableCell>{t("aduan.holidays.kind")}</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {rows.map((h) => (
            <TableRow key={h.date}>
              <TableCell sx={{ whiteSpace: "nowrap" }}>{h.date}</TableCell>
              <TableCell>{h.name}</TableCell>
              <TableCell>{t(`aduan.holidays.kinds.${h.kind}`)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Box>
  );
}

/** Next year's holidays for a calendar: a CSV/ICS file previewed then applied, or the computed national list. */
export default function HolidayImport() {
  const record = useRecordContext();
  const t = useTranslate();
  const notify = useNotify();
  const refresh = useRefresh();
  const [file, setFile] = useState<{ format: "csv" | "ics"; content: string } | null>(null);
  const [read, setRead] = useState<Read | null>(null);
  const [computed, setComputed] = useState<{ year: number; missing: Holiday[] } | null>(null);
  const [busy, setBusy] = useState(false);
  const year = new Date().getFullYear() + 1;
  if (!record?.id) return null;

  const send = async (body: { format: "csv" | "ics"; content: string; apply: boolean }) => {
    setBusy(true);
    try {
      const r = await api<Read>(`/calendars/${record.id}/holidays/import`, { method: "POST", body });
      setRead(r.json);
      if (r.json.applied) {
        notify("aduan.holidays.applied", { type: "success", messageArgs: { n: r.json.holidays.length } });
        refresh();
      }
    } catch (err) {
      notify((err as Error).message, { type: "error" });
    } finally {
      setBusy(false);
    }
  };
  const choose = async (e: ChangeEvent<HTMLInputElement>) => {
    const f = e.target.files?.[0];
    if (!f) return;
    const picked = { format: /\.ics$/i.test(f.name) || f.type === "text/calendar" ? ("ics" as const) : ("csv" as const), content: await f.text() };
    setFile(picked);
    await send({ ...picked, apply: false });
  };
  const showComputed = async () => {
    const r = await api<{ year: number; missing: Holiday[] }>(`/calendars/${record.id}/holidays/computed?year=${year}`);
    setComputed(r.json);
  };
  const addMissing = async () => {
    if (!computed?.missing.length) return;
    setBusy(true);
    try {
      await api(`/calendars/${record.id}/holidays`, { method: "POST", body: { upsert: computed.missing } });
      notify("aduan.holidays.applied", { type: "success", messageArgs: { n: computed.missing.length } });
      setComputed({ ...computed, missing: [] });
      refresh();
    } catch (err) {
      notify((err as Error).message, { type: "error" });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Paper variant="outlined" sx={{ p: 2, my: 2, maxWidth: 900 }} data-testid="holiday-import">
      <Typography variant="h6" component="h2">{t("aduan.holidays.title")}</Typography>
      <Typography variant="body2" sx={{ mb: 1 }}>{t("aduan.holidays.intro")}</Typography>
      <Stack direction={{ xs: "column", sm: "row" }} spacing={1} sx={{ mb: 1 }}>
        <Button component="label" variant="outlined" startIcon={<UploadFileIcon />} disabled={busy}>
          {t("aduan.holidays.file")}
          <input hidden type="file" accept=".csv,.ics,text/csv,text/calendar" onChange={choose} data-testid="holiday-file" />
        </Button>
        <Button variant="text" onClick={showComputed} disabled={busy}>{t("aduan.holidays.computed_button", { year })}</Button>
      </Stack>
      <Typography variant="caption" component="p">{t("aduan.holidays.csv_help")}</Typography>
      {read ? (
        <Box sx={{ mt: 2 }} data-testid="holiday-preview">
          <Typography variant="subtitle1">{t("aduan.holidays.preview", { n: read.holidays.length })}</Typography>
          <HolidayTable rows={read.holidays} />
          {read.problems.length ? (
            <Alert severity="warning" sx={{ mt: 1 }}>
              <strong>{t("aduan.holidays.problems")}</strong>
              <ul style={{ margin: 0 }}>
                {read.problems.map((p, i) => (
                  <li key={i}>{p.at}: {p.message}</li>
                ))}
              </ul>
            </Alert>
          ) : null}
          {!read.applied && file && read.holidays.length ? (
            <Button variant="contained" sx={{ mt: 1 }} disabled={busy} onClick={() => send({ ...file, apply: true })}>{t("aduan.holidays.apply")}</Button>
          ) : null}
        </Box>
      ) : null}
      {computed ? (
        <Box sx={{ mt: 2 }} data-testid="holiday-computed">
          <Typography variant="subtitle1">{t("aduan.holidays.computed_title")} {computed.year}</Typography>
          <Alert severity="info" sx={{ my: 1 }}>{t("aduan.holidays.computed_note")}</Alert>
          <Typography variant="body2">{computed.missing.length ? t("aduan.holidays.missing", { n: computed.missing.length }) : t("aduan.holidays.none_missing")}</Typography>
          {computed.missing.length ? (
            <>
              <HolidayTable rows={computed.missing} />
              <Button variant="contained" sx={{ mt: 1 }} disabled={busy} onClick={addMissing}>{t("aduan.holidays.apply_missing")}</Button>
            </>
          ) : null}
        </Box>
      ) : null}
    </Paper>
  );
}
