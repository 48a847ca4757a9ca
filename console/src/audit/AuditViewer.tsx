import { Fragment, useState } from "react";
import { Loading, Title, useTranslate } from "react-admin";
import { useSearchParams } from "react-router-dom";
import {
  Alert, Box, Button, Card, CardContent, Chip, IconButton, MenuItem, Table, TableBody, TableCell, TableHead, TablePagination, TableRow, TextField, Typography,
} from "@mui/material";
import ExpandMoreIcon from "@mui/icons-material/ExpandMore";
import ExpandLessIcon from "@mui/icons-material/ExpandLess";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api } from "../api";

interface Problem { eventId: number | null; chainKey: string; seq: number | null; problem: string; text?: string }
interface Verification {
  last: { id: number; ranAt: string; durationMs: number; ok: boolean; eventsChecked: number; chainsChecked: number; anchorsChecked: number; problemCount: number; problems: Problem[] } | null;
  everySeconds: number;
  overdue: boolean;
}
interface AuditRow {
  id: number; chainKey: string; seq: number; ticketId: number | null; actorUserId: number | null; actorLabel: string | null;
  type: string; entityType: string; entityId: string | null; before: unknown; after: unknown;
  withheld: { reason: string; masked: boolean } | null; createdAt: string; hash: string; broken: string[] | null;
}
interface UserRef { id: number; name: string; email?: string }

const FILTER_KEYS = ["ticketId", "actorUserId", "type", "since", "until"] as const;
type FilterKey = (typeof FILTER_KEYS)[number];
const fmt = (iso: string) => new Date(iso).toLocaleString();

/** The verifier's reasons (server/queries/verify-audit.ts, English) said in the viewer's language; unknown ones as they are. */
const REASONS: [RegExp, string][] = [
  [/^content does not match its hash/, "edited"],
  [/^sequence gap/, "gap"],
  [/^does not point at the previous event's hash/, "link"],
  [/^chain head does not match/, "head"],
  [/^anchor hash does not match/, "anchor"],
  [/^event named by anchor/, "anchored"],
  [/ changed after audit event/, "text_changed"],
  [/ deleted after audit event/, "text_deleted"],
];
function useReason() {
  const translate = useTranslate();
  return (problem: string) => {
    const key = REASONS.find(([re]) => re.test(problem))?.[1];
    return key ? translate(`aduan.audit.reasons.${key}`, { _: problem }) : problem;
  };
}
/** datetime-local value (local time) -> ISO, or undefined. */
const toIso = (local: string) => (local ? new Date(local).toISOString() : undefined);

/** The scheduled verification's last result; a broken chain in red, with each finding. */
function VerificationCard({ data, error, onShow }: { data: Verification | undefined; error: unknown; onShow: (p: Problem) => void }) {
  const translate = useTranslate();
  const reason = useReason();
  return (
    <Card component="section" aria-labelledby="audit-verification">
      <CardContent>
        <Typography id="audit-verification" variant="h6" component="h2" gutterBottom>{translate("aduan.audit.verification")}</Typography>
        {error ? <Alert severity="error">{(error as Error).message}</Alert> : null}
        {data && !data.last ? <Typography>{data.everySeconds ? translate("aduan.audit.never", { seconds: data.everySeconds }) : translate("aduan.audit.not_scheduled")}</Typography> : null}
        {data?.last?.ok ? (
          <Alert severity="success" data-testid="audit-verification-ok">
            {translate("aduan.audit.intact", { events: data.last.eventsChecked, chains: data.last.chainsChecked, anchors: data.last.anchorsChecked, at: fmt(data.last.ranAt), ms: data.last.durationMs })}
          </Alert>
        ) : null}
        {data?.last && !data.last.ok ? (
          <Alert severity="error" role="alert" data-testid="audit-verification-broken">
            <strong>{translate("aduan.audit.broken", { n: data.last.problemCount, at: fmt(data.last.ranAt) })}</strong>
            <Box component="ul" sx={{ m: 0, pl: 2 }}>
              {data.last.problems.slice(0, 20).map((p, i) => (
                <li key={i} data-testid="audit-problem">
                  {translate("aduan.audit.chain")} <code>{p.chainKey}</code> · {translate("aduan.audit.seq")} {p.seq ?? "—"} · {translate("aduan.audit.event")} {p.eventId ?? "—"}: <span title={p.problem}>{reason(p.problem)}</span>{p.text ? <> (<code>{p.text}</code>)</> : null}{" "}
                  <Button size="small" onClick={() => onShow(p)}>{translate("aduan.audit.show_chain")}</Button>
                </li>
              ))}
            </Box>
          </Alert>
        ) : null}
        {data?.overdue ? <Alert severity="warning" sx={{ mt: 1 }}>{translate("aduan.audit.overdue")}</Alert> : null}
        {data?.everySeconds ? <Typography variant="caption" color="text.secondary">{translate("aduan.audit.every", { seconds: data.everySeconds })}</Typography> : null}
      </CardContent>
    </Card>
  );
}

function Json({ label, value }: { label: string; value: unknown }) {
  if (value == null) return null;
  return (
    <Box sx={{ minWidth: 0 }}>
      <Typography variant="caption" component="h3">{label}</Typography>
      <Box component="pre" sx={{ m: 0, p: 1, bgcolor: "grey.100", borderRadius: 1, fontSize: 12, whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>{JSON.stringify(value, null, 2)}</Box>
    </Box>
  );
}

/**
 * The audit viewer (supervisors and admins): the scheduled verification's last result, and the log
 * filtered by ticket, user, event type and time, paged on the server. Payloads come through the
 * access gate (GET /api/audit-events); events the last verification found broken are marked.
 */
export default function AuditViewer() {
  const translate = useTranslate();
  const reason = useReason();
  const [params, setParams] = useSearchParams();
  const [page, setPage] = useState(0);
  const [perPage, setPerPage] = useState(25);
  const [open, setOpen] = useState<number | null>(null);
  const filter: Partial<Record<FilterKey, string>> = {};
  for (const k of FILTER_KEYS) {
    const v = params.get(k);
    if (v) filter[k] = v;
  }
  const setFilter = (k: FilterKey, v: string | undefined) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    setParams(next, { replace: true });
    setPage(0);
  };
  const apiFilter = {
    ...(filter.ticketId ? { ticketId: Number(filter.ticketId) } : {}),
    ...(filter.actorUserId ? { actorUserId: Number(filter.actorUserId) } : {}),
    ...(filter.type ? { type: filter.type } : {}),
    ...(filter.since ? { since: toIso(filter.since) } : {}),
    ...(filter.until ? { until: toIso(filter.until) } : {}),
  };
  const verification = useQuery({
    queryKey: ["aduan", "audit-verification"],
    queryFn: async () => (await api<Verification>("/audit/verification")).json,
    refetchInterval: 15_000,
  });
  const events = useQuery({
    // A new verification run re-reads the page: its marks of broken events may have changed.
    queryKey: ["aduan", "audit-events", apiFilter, page, perPage, verification.data?.last?.id ?? 0],
    queryFn: async () => {
      const qs = new URLSearchParams({ filter: JSON.stringify(apiFilter), sort: JSON.stringify(["id", "DESC"]), range: JSON.stringify([page * perPage, page * perPage + perPage - 1]) });
      const r = await api<AuditRow[]>(`/audit-events?${qs}`);
      const total = Number(/\/(\d+)$/.exec(r.headers.get("Content-Range") ?? "")?.[1] ?? r.json.length);
      return { rows: r.json, total };
    },
    placeholderData: keepPreviousData,
  });
  const types = useQuery({ queryKey: ["aduan", "audit-event-types"], queryFn: async () => (await api<string[]>("/audit/event-types")).json, staleTime: 5 * 60_000 });
  const users = useQuery({
    queryKey: ["aduan", "audit-users"],
    queryFn: async () => (await api<UserRef[]>(`/users?${new URLSearchParams({ range: "[0,499]", sort: JSON.stringify(["name", "ASC"]) })}`)).json,
    staleTime: 5 * 60_000,
    retry: false,
  });
  const showProblem = (p: Problem) => {
    const next = new URLSearchParams();
    const ticket = /^ticket:(\d+)$/.exec(p.chainKey);
    if (ticket) next.set("ticketId", ticket[1]);
    setParams(next, { replace: true });
    setPage(0);
    if (p.eventId != null) setOpen(p.eventId);
  };

  return (
    <Box sx={{ display: "grid", gap: 2, mt: 2, minWidth: 0 }}>
      <Title title="aduan.audit.title" />
      <Typography variant="h5" component="h1">{translate("aduan.audit.title")}</Typography>
      <Typography color="text.secondary">{translate("aduan.audit.intro")}</Typography>
      <VerificationCard data={verification.data} error={verification.error} onShow={showProblem} />

      <Card component="section" aria-labelledby="audit-filters">
        <CardContent>
          <Typography id="audit-filters" variant="h6" component="h2" gutterBottom>{translate("aduan.audit.filters")}</Typography>
          <Box sx={{ display: "flex", gap: 1, flexWrap: "wrap", alignItems: "center" }}>
            <TextField fullWidth={false} size="small" type="number" label={translate("aduan.audit.ticket")} value={filter.ticketId ?? ""} onChange={(e) => setFilter("ticketId", e.target.value)} sx={{ width: 130 }} slotProps={{ htmlInput: { "data-testid": "audit-filter-ticket", min: 1 } }} />
            <TextField fullWidth={false} select size="small" label={translate("aduan.audit.user")} value={filter.actorUserId ?? ""} onChange={(e) => setFilter("actorUserId", e.target.value)} sx={{ minWidth: 200 }} slotProps={{ htmlInput: { "data-testid": "audit-filter-user" } }}>
              <MenuItem value="">{translate("aduan.audit.any")}</MenuItem>
              {filter.actorUserId && !users.data?.some((u) => String(u.id) === filter.actorUserId) ? <MenuItem value={filter.actorUserId}>#{filter.actorUserId}</MenuItem> : null}
              {(users.data ?? []).map((u) => <MenuItem key={u.id} value={String(u.id)}>{u.name}</MenuItem>)}
            </TextField>
            <TextField fullWidth={false} select size="small" label={translate("aduan.audit.type")} value={filter.type ?? ""} onChange={(e) => setFilter("type", e.target.value)} sx={{ minWidth: 220 }} slotProps={{ htmlInput: { "data-testid": "audit-filter-type" } }}>
              <MenuItem value="">{translate("aduan.audit.any")}</MenuItem>
              {(types.data ?? []).map((t) => <MenuItem key={t} value={t}>{t}</MenuItem>)}
            </TextField>
            <TextField fullWidth={false} size="small" type="datetime-local" label={translate("aduan.audit.since")} value={filter.since ?? ""} onChange={(e) => setFilter("since", e.target.value)} slotProps={{ inputLabel: { shrink: true }, htmlInput: { "data-testid": "audit-filter-since" } }} />
            <TextField fullWidth={false} size="small" type="datetime-local" label={translate("aduan.audit.until")} value={filter.until ?? ""} onChange={(e) => setFilter("until", e.target.value)} slotProps={{ inputLabel: { shrink: true }, htmlInput: { "data-testid": "audit-filter-until" } }} />
            <Button onClick={() => { setParams(new URLSearchParams(), { replace: true }); setPage(0); }}>{translate("aduan.audit.clear")}</Button>
          </Box>
        </CardContent>
      </Card>

      <Card component="section" aria-label={translate("aduan.audit.title")}>
        {events.isPending ? <Loading /> : null}
        {events.error ? <Alert severity="error">{(events.error as Error).message}</Alert> : null}
        {events.data && events.data.total === 0 ? <CardContent><Typography>{translate("aduan.audit.empty")}</Typography></CardContent> : null}
        {events.data?.rows.length ? (
          <Box sx={{ overflowX: "auto" }}>
            <Table size="small">
              <TableHead>
                <TableRow>
                  <TableCell>#</TableCell>
                  <TableCell>{translate("aduan.audit.time")}</TableCell>
                  <TableCell>{translate("aduan.audit.type")}</TableCell>
                  <TableCell>{translate("aduan.audit.actor")}</TableCell>
                  <TableCell>{translate("aduan.audit.entity")}</TableCell>
                  <TableCell>{translate("aduan.audit.chain")}</TableCell>
                  <TableCell>{translate("aduan.audit.details")}</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {events.data.rows.map((e) => (
                  <Fragment key={e.id}>
                    <TableRow data-testid="audit-row" data-event-id={e.id} data-broken={e.broken ? "true" : "false"} sx={e.broken ? { bgcolor: "#fdecea", borderLeft: "4px solid #b71c1c" } : undefined}>
                      <TableCell>{e.id}</TableCell>
                      <TableCell sx={{ whiteSpace: "nowrap" }}>{fmt(e.createdAt)}</TableCell>
                      <TableCell>
                        <code>{e.type}</code>
                        {e.broken ? <Chip size="small" color="error" label={translate("aduan.audit.broken_mark")} title={e.broken.map(reason).join("; ")} data-testid="audit-broken" sx={{ ml: 1 }} /> : null}
                      </TableCell>
                      <TableCell>
                        {e.actorUserId ? (
                          <Button size="small" sx={{ textTransform: "none", p: 0, minWidth: 0 }} title={translate("aduan.audit.actions_of")} onClick={() => setFilter("actorUserId", String(e.actorUserId))}>{e.actorLabel ?? `#${e.actorUserId}`}</Button>
                        ) : (e.actorLabel ?? translate("aduan.audit.system"))}
                      </TableCell>
                      <TableCell>
                        {e.ticketId ? (
                          <Button size="small" sx={{ textTransform: "none", p: 0, minWidth: 0 }} title={translate("aduan.audit.history_of")} onClick={() => setFilter("ticketId", String(e.ticketId))}>{`${e.entityType} ${e.entityId ?? ""}`}</Button>
                        ) : `${e.entityType} ${e.entityId ?? ""}`}
                      </TableCell>
                      <TableCell sx={{ whiteSpace: "nowrap" }}><code>{e.chainKey}</code> #{e.seq}</TableCell>
                      <TableCell>
                        <IconButton size="small" aria-label={translate("aduan.audit.details")} aria-expanded={open === e.id} onClick={() => setOpen(open === e.id ? null : e.id)}>
                          {open === e.id ? <ExpandLessIcon /> : <ExpandMoreIcon />}
                        </IconButton>
                      </TableCell>
                    </TableRow>
                    {open === e.id ? (
                      <TableRow>
                        <TableCell colSpan={7} sx={{ maxWidth: 0 }}>
                          {e.broken ? <Alert severity="error" sx={{ mb: 1 }}>{e.broken.map((b) => <div key={b} title={b}>{reason(b)}</div>)}</Alert> : null}
                          {e.withheld ? <Alert severity="info" sx={{ mb: 1 }} data-testid="withheld-notice">{translate(`aduan.ticket.withheld_${e.withheld.reason}`)}</Alert> : null}
                          <Box sx={{ display: "grid", gridTemplateColumns: { xs: "1fr", md: "1fr 1fr" }, gap: 1 }}>
                            <Json label={translate("aduan.audit.before")} value={e.before} />
                            <Json label={translate("aduan.audit.after")} value={e.after} />
                          </Box>
                          <Typography variant="caption" sx={{ overflowWrap: "anywhere" }}>hash {e.hash}</Typography>
                        </TableCell>
                      </TableRow>
                    ) : null}
                  </Fragment>
                ))}
              </TableBody>
            </Table>
          </Box>
        ) : null}
        {events.data ? (
          <TablePagination
            component="div"
            count={events.data.total}
            page={page}
            rowsPerPage={perPage}
            rowsPerPageOptions={[25, 50, 100]}
            labelRowsPerPage={translate("aduan.audit.rows")}
            onPageChange={(_e, p) => setPage(p)}
            onRowsPerPageChange={(e) => { setPerPage(Number(e.target.value)); setPage(0); }}
          />
        ) : null}
      </Card>
    </Box>
  );
}
