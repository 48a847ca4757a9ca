import { useState } from "react";
import { Loading, Title, useNotify, useTranslate } from "react-admin";
import {
  Alert, Box, Button, Card, CardContent, Checkbox, Chip, Dialog, DialogActions, DialogContent, DialogTitle, FormControlLabel, MenuItem,
  Table, TableBody, TableCell, TableHead, TableRow, TextField, Typography,
} from "@mui/material";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../api";

interface Identity { id: number; channel: string; address: string; displayName: string | null }
interface ContactView { id: number; name: string | null; phone: string | null; email: string | null; identities?: Identity[] }
interface TicketRef { id: number; number: string; subject: string; status: string; privacy: string }
interface Match { contact: ContactView | null; tickets: TicketRef[]; matchedBy: string[] }
type Kind = "access" | "correction" | "erasure";
interface RequestView {
  id: number; kind: Kind; status: "open" | "completed"; contactIds: number[]; ticketIds: number[];
  receivedAt: string; dueAt: string; completedAt: string | null; overdue: boolean; hoursLeft: number | null;
}
interface RequestDetail extends RequestView { contacts: ContactView[]; tickets: TicketRef[] }

const fmt = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : "—");
const lines = (s: string) => s.split(/\n+/).map((x) => x.trim()).filter(Boolean);

/**
 * UU PDP 27/2022 data subject requests (operators and supervisors): find the citizen by any
 * identity, record the request (3×24-hour deadline), then export everything as one ZIP, correct
 * contact fields or erase. Every step is audited by the server.
 */
export default function DataSubjects() {
  const translate = useTranslate();
  const notify = useNotify();
  const qc = useQueryClient();
  const [q, setQ] = useState("");
  const [results, setResults] = useState<Match[] | null>(null);
  const [searchError, setSearchError] = useState<string | null>(null);
  const [selected, setSelected] = useState<{ contacts: number[]; tickets: number[] }>({ contacts: [], tickets: [] });
  const [kind, setKind] = useState<Kind>("access");
  const [correcting, setCorrecting] = useState<RequestView | null>(null);
  const [erasing, setErasing] = useState<RequestView | null>(null);
  const requests = useQuery({
    queryKey: ["aduan", "data-subject-requests"],
    queryFn: async () => (await api<RequestView[]>(`/data-subject-requests?${new URLSearchParams({ sort: JSON.stringify(["id", "DESC"]), range: JSON.stringify([0, 49]) })}`)).json,
    refetchInterval: 60_000,
  });

  async function search(e: React.FormEvent) {
    e.preventDefault();
    setSearchError(null);
    try {
      setResults((await api<Match[]>(`/data-subjects?${new URLSearchParams({ q })}`)).json);
      setSelected({ contacts: [], tickets: [] });
    } catch (err) {
      setSearchError((err as Error).message);
    }
  }
  const toggle = (m: Match) => {
    setSelected((s) => {
      if (m.contact) {
        const id = m.contact.id;
        return { ...s, contacts: s.contacts.includes(id) ? s.contacts.filter((x) => x !== id) : [...s.contacts, id] };
      }
      const ids = m.tickets.map((t) => t.id);
      const on = ids.every((id) => s.tickets.includes(id));
      return { ...s, tickets: on ? s.tickets.filter((x) => !ids.includes(x)) : [...new Set([...s.tickets, ...ids])] };
    });
  };
  const isSelected = (m: Match) => (m.contact ? selected.contacts.includes(m.contact.id) : m.tickets.every((t) => selected.tickets.includes(t.id)));

  async function openRequest() {
    try {
      const r = (await api<RequestView>("/data-subject-requests", { method: "POST", body: { kind, contactIds: selected.contacts, ticketIds: selected.tickets } })).json;
      notify(translate("aduan.dsr.opened", { due: fmt(r.dueAt) }), { type: "success" });
      await qc.invalidateQueries({ queryKey: ["aduan", "data-subject-requests"] });
    } catch (err) {
      notify((err as Error).message, { type: "error" });
    }
  }

  return (
    <Box sx={{ display: "grid", gap: 2, mt: 2 }}>
      <Title title="aduan.dsr.title" />
      <Typography variant="h5" component="h1">{translate("aduan.dsr.title")}</Typography>
      <Typography color="text.secondary">{translate("aduan.dsr.intro")}</Typography>

      <Card component="section" aria-labelledby="dsr-search">
        <CardContent>
          <Typography id="dsr-search" variant="h6" component="h2" gutterBottom>{translate("aduan.dsr.search")}</Typography>
          <Box component="form" onSubmit={search} sx={{ display: "flex", gap: 1, flexWrap: "wrap" }}>
            <TextField label={translate("aduan.dsr.search_label")} value={q} onChange={(e) => setQ(e.target.value)} size="small" sx={{ minWidth: 320 }} slotProps={{ htmlInput: { "data-testid": "dsr-q" } }} />
            <Button type="submit" variant="contained" data-testid="dsr-search">{translate("aduan.dsr.search_button")}</Button>
          </Box>
          {searchError ? <Alert severity="error" sx={{ mt: 1 }}>{searchError}</Alert> : null}
          {results && results.length === 0 ? <Typography sx={{ mt: 2 }}>{translate("aduan.dsr.no_match")}</Typography> : null}
          {results?.map((m, i) => (
            <Box key={m.contact?.id ?? `t${i}`} sx={{ mt: 2, p: 1.5, border: 1, borderColor: "divider", borderRadius: 1 }} data-testid="dsr-match">
              <FormControlLabel control={<Checkbox checked={isSelected(m)} onChange={() => toggle(m)} />} label={<strong>{m.contact ? (m.contact.name ?? `#${m.contact.id}`) : translate("aduan.dsr.no_contact")}</strong>} />
              {m.contact ? (
                <Typography variant="body2">
                  {[m.contact.phone, m.contact.email].filter(Boolean).join(" · ")}
                  {m.contact.identities?.length ? ` · ${m.contact.identities.map((x) => `${x.channel}: ${x.address}`).join(", ")}` : ""}
                </Typography>
              ) : null}
              <Typography variant="caption" color="text.secondary">{translate("aduan.dsr.matched_by", { how: m.matchedBy.join(", ") })}</Typography>
              <Typography variant="body2">{translate("aduan.dsr.tickets")}: {m.tickets.map((t) => t.number).join(", ") || "—"}</Typography>
            </Box>
          ))}
          {results?.length ? (
            <Box sx={{ display: "flex", gap: 1, mt: 2, alignItems: "center", flexWrap: "wrap" }}>
              <TextField select size="small" label={translate("aduan.dsr.kind")} value={kind} onChange={(e) => setKind(e.target.value as Kind)} sx={{ minWidth: 240 }}>
                {(["access", "correction", "erasure"] as const).map((k) => <MenuItem key={k} value={k}>{translate(`aduan.dsr.kinds.${k}`)}</MenuItem>)}
              </TextField>
              <Button variant="contained" onClick={openRequest} disabled={selected.contacts.length + selected.tickets.length === 0} data-testid="dsr-open">{translate("aduan.dsr.open_request")}</Button>
            </Box>
          ) : null}
        </CardContent>
      </Card>

      <Card component="section" aria-labelledby="dsr-requests">
        <CardContent>
          <Typography id="dsr-requests" variant="h6" component="h2" gutterBottom>{translate("aduan.dsr.requests")}</Typography>
          {requests.isPending ? <Loading /> : null}
          {requests.data && requests.data.length === 0 ? <Typography>{translate("aduan.dsr.none")}</Typography> : null}
          {requests.data?.length ? (
            <Box sx={{ overflowX: "auto" }}>
              <Table size="small" aria-labelledby="dsr-requests">
                <TableHead>
                  <TableRow>
                    <TableCell>#</TableCell>
                    <TableCell>{translate("aduan.dsr.kind")}</TableCell>
                    <TableCell>{translate("aduan.dsr.received")}</TableCell>
                    <TableCell>{translate("aduan.dsr.due")}</TableCell>
                    <TableCell>{translate("aduan.dsr.status")}</TableCell>
                    <TableCell>{translate("aduan.dsr.actions")}</TableCell>
                  </TableRow>
                </TableHead>
                <TableBody>
                  {requests.data.map((r) => (
                    <TableRow key={r.id} data-testid="dsr-request" data-overdue={r.overdue}>
                      <TableCell>{r.id}</TableCell>
                      <TableCell>{translate(`aduan.dsr.kinds.${r.kind}`)}</TableCell>
                      <TableCell>{fmt(r.receivedAt)}</TableCell>
                      <TableCell>
                        {fmt(r.dueAt)}{" "}
                        {r.status === "open" && r.overdue ? <Chip size="small" color="error" label={translate("aduan.dsr.overdue")} /> : null}
                        {r.status === "open" && !r.overdue && r.hoursLeft != null ? <Typography variant="caption">({translate("aduan.dsr.hours_left", { n: r.hoursLeft })})</Typography> : null}
                        {r.status === "completed" && r.overdue ? <Typography variant="caption" color="error"> ({translate("aduan.dsr.completed_late")})</Typography> : null}
                      </TableCell>
                      <TableCell>{translate(`aduan.dsr.statuses.${r.status}`)}{r.completedAt ? ` · ${fmt(r.completedAt)}` : ""}</TableCell>
                      <TableCell>
                        <Box sx={{ display: "flex", gap: 1, flexWrap: "wrap" }}>
                          <Button size="small" href={`/api/data-subject-requests/${r.id}/export`} download onClick={() => setTimeout(() => void qc.invalidateQueries({ queryKey: ["aduan", "data-subject-requests"] }), 1500)}>{translate("aduan.dsr.export")}</Button>
                          {r.kind === "correction" && r.status === "open" ? <Button size="small" onClick={() => setCorrecting(r)}>{translate("aduan.dsr.correct")}</Button> : null}
                          {r.kind === "erasure" && r.status === "open" ? <Button size="small" color="error" onClick={() => setErasing(r)}>{translate("aduan.dsr.erase")}</Button> : null}
                        </Box>
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </Box>
          ) : null}
        </CardContent>
      </Card>
      {correcting ? <CorrectDialog request={correcting} onClose={() => setCorrecting(null)} /> : null}
      {erasing ? <EraseDialog request={erasing} onClose={() => setErasing(null)} /> : null}
    </Box>
  );
}

function CorrectDialog({ request, onClose }: { request: RequestView; onClose: () => void }) {
  const translate = useTranslate();
  const notify = useNotify();
  const qc = useQueryClient();
  const detail = useQuery({ queryKey: ["aduan", "dsr", request.id], queryFn: async () => (await api<RequestDetail>(`/data-subject-requests/${request.id}`)).json });
  const [edits, setEdits] = useState<Record<number, { name: string; phone: string; email: string }>>({});
  const value = (c: ContactView) => edits[c.id] ?? { name: c.name ?? "", phone: c.phone ?? "", email: c.email ?? "" };
  async function save(c: ContactView) {
    const v = value(c);
    try {
      await api(`/data-subject-requests/${request.id}/correct`, { method: "POST", body: { contactId: c.id, name: v.name || null, phone: v.phone || null, email: v.email || null } });
      notify(translate("aduan.dsr.corrected"), { type: "success" });
      await qc.invalidateQueries({ queryKey: ["aduan", "data-subject-requests"] });
      onClose();
    } catch (err) {
      notify((err as Error).message, { type: "error" });
    }
  }
  return (
    <Dialog open onClose={onClose} fullWidth maxWidth="sm">
      <DialogTitle>{translate("aduan.dsr.correct")}</DialogTitle>
      <DialogContent>
        {detail.data?.contacts.map((c) => (
          <Box key={c.id} sx={{ display: "grid", gap: 1, my: 1 }}>
            {(["name", "phone", "email"] as const).map((f) => (
              <TextField key={f} size="small" label={translate(`aduan.dsr.${f}`)} value={value(c)[f]} onChange={(e) => setEdits((s) => ({ ...s, [c.id]: { ...value(c), [f]: e.target.value } }))} />
            ))}
            <Button variant="contained" onClick={() => void save(c)}>{translate("aduan.dsr.save")}</Button>
          </Box>
        ))}
      </DialogContent>
      <DialogActions><Button onClick={onClose}>{translate("aduan.dsr.cancel")}</Button></DialogActions>
    </Dialog>
  );
}

function EraseDialog({ request, onClose }: { request: RequestView; onClose: () => void }) {
  const translate = useTranslate();
  const notify = useNotify();
  const qc = useQueryClient();
  const [numbers, setNumbers] = useState("");
  const [names, setNames] = useState("");
  const [confirm, setConfirm] = useState(false);
  async function erase() {
    try {
      const r = (await api<{ tickets: number; contacts: number; attachmentsDeleted: number }>(`/data-subject-requests/${request.id}/erase`, { method: "POST", body: { confirm: true, numbers: lines(numbers), names: lines(names) } })).json;
      notify(translate("aduan.dsr.erased", { tickets: r.tickets, contacts: r.contacts, attachments: r.attachmentsDeleted }), { type: "success" });
      await qc.invalidateQueries({ queryKey: ["aduan", "data-subject-requests"] });
      onClose();
    } catch (err) {
      notify((err as Error).message, { type: "error" });
    }
  }
  return (
    <Dialog open onClose={onClose} fullWidth maxWidth="sm">
      <DialogTitle>{translate("aduan.dsr.erase_title")}</DialogTitle>
      <DialogContent sx={{ display: "grid", gap: 2 }}>
        <Alert severity="warning">{translate("aduan.dsr.erase_explain")}</Alert>
        <TextField multiline minRows={2} label={translate("aduan.dsr.erase_numbers")} value={numbers} onChange={(e) => setNumbers(e.target.value)} />
        <TextField multiline minRows={2} label={translate("aduan.dsr.erase_names")} value={names} onChange={(e) => setNames(e.target.value)} />
        <FormControlLabel control={<Checkbox checked={confirm} onChange={(e) => setConfirm(e.target.checked)} />} label={translate("aduan.dsr.erase_confirm")} />
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>{translate("aduan.dsr.cancel")}</Button>
        <Button color="error" variant="contained" disabled={!confirm} onClick={() => void erase()} data-testid="dsr-erase">{translate("aduan.dsr.erase_button")}</Button>
      </DialogActions>
    </Dialog>
  );
}
