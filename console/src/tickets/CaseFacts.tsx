import { useDataProvider, useGetMany, useNotify, usePermissions, useRefresh, useTranslate, useLocaleState, type RaRecord } from "react-admin";
import { Alert, Box, Card, CardContent, FormControl, InputLabel, MenuItem, Rating, Select, Stack, Typography, Button } from "@mui/material";
import { useQuery } from "@tanstack/react-query";
import { api } from "../api";
import type { AduanDataProvider } from "../dataProvider";
import { TextActionButton, useTransition } from "./actions";

/**
 * The ticket page's case facts (issue 16, points 3 and 5): an answer waiting for the operator's
 * review, the operator's priority control, the citizen's rating, comment and disputes, and each
 * running clock with its target, deadline and legal basis (as the clock started with it).
 */
export function CaseFacts({ ticket }: { ticket: RaRecord }) {
  const { permissions: role } = usePermissions();
  const center = role === "operator" || role === "supervisor";
  return (
    <>
      {center ? <ReviewPanel ticket={ticket} /> : null}
      {center && ticket.isOpen ? <PriorityControl ticket={ticket} /> : null}
      <CitizenFeedback ticketId={ticket.id as number} updatedAt={String(ticket.updatedAt ?? "")} />
      <ClockList ticketId={ticket.id as number} updatedAt={String(ticket.updatedAt ?? "")} />
    </>
  );
}

const fmt = (iso: string | null | undefined, locale: string) => (iso ? new Date(iso).toLocaleString(locale === "en" ? "en-GB" : "id-ID") : "—");
type Text = { id: string; en: string };

/** OPD answers held for review: approve (the citizen gets it now) or send back with a note. */
function ReviewPanel({ ticket }: { ticket: RaRecord }) {
  const translate = useTranslate();
  const { run, busy } = useTransition(ticket.id as number);
  const held = ((ticket.forwards ?? []) as RaRecord[]).filter((f) => f.status === "in_review");
  const ids = [...new Set(held.map((f) => f.agencyId as number))];
  const { data: agencies } = useGetMany("agencies", { ids }, { enabled: ids.length > 0 });
  if (held.length === 0) return null;
  return (
    <Card component="section" aria-labelledby="review-heading" sx={{ borderLeft: "4px solid #6d4c00" }}>
      <CardContent>
        <Typography id="review-heading" variant="h6" component="h2">{translate("aduan.notices.review_title")}</Typography>
        <Typography variant="body2" color="text.secondary">{translate("aduan.notices.review_intro")}</Typography>
        {held.map((f) => (
          <Box key={f.id} sx={{ mt: 1 }} data-review-forward={f.id}>
            <Typography variant="subtitle2">{agencies?.find((a) => a.id === f.agencyId)?.shortName ?? `#${f.agencyId}`}</Typography>
            {f.fieldCheck === "awaiting" ? (
              <Alert severity="warning" sx={{ my: 1 }} data-testid="field-check">
                <strong>{translate("aduan.field_check.title")}:</strong> {translate("aduan.field_check.intro")}
              </Alert>
            ) : null}
            <Typography variant="body2" sx={{ whiteSpace: "pre-wrap", my: 1 }} data-testid="held-answer">{f.response}</Typography>
            <Stack spacing={1}>
              <Button variant="contained" color="success" disabled={busy} onClick={() => run({ action: "approve_answer", forwardId: f.id })}>{translate(f.fieldCheck === "awaiting" ? "aduan.field_check.confirm" : "aduan.notices.approve")}</Button>
              <TextActionButton label="aduan.notices.send_back" field={`note-${f.id}`} fieldLabel="aduan.notices.send_back_note" required onSubmit={(note) => run({ action: "send_back", forwardId: f.id, note })} />
            </Stack>
          </Box>
        ))}
      </CardContent>
    </Card>
  );
}

/** The operator sets the ticket's criticality; the server picks the SLA policy for it (audited). */
function PriorityControl({ ticket }: { ticket: RaRecord }) {
  const translate = useTranslate();
  const dp = useDataProvider<AduanDataProvider>();
  const notify = useNotify();
  const refresh = useRefresh();
  return (
    <Card component="section" aria-labelledby="priority-heading">
      <CardContent>
        <Typography id="priority-heading" variant="h6" component="h2">{translate("aduan.notices.priority_title")}</Typography>
        <FormControl size="small" fullWidth sx={{ mt: 1 }}>
          <InputLabel id="priority-label">{translate("resources.tickets.fields.priority")}</InputLabel>
          <Select
            labelId="priority-label"
            label={translate("resources.tickets.fields.priority")}
            value={ticket.priority ?? "normal"}
            onChange={async (e) => {
              try {
                await dp.update("tickets", { id: ticket.id, data: { priority: e.target.value }, previousData: ticket });
                notify("aduan.ticket.done", { type: "success" });
                refresh();
              } catch (err) {
                notify((err as Error).message, { type: "error" });
              }
            }}
          >
            {["low", "normal", "high", "urgent"].map((p) => (
              <MenuItem key={p} value={p}>{translate(`aduan.priority.${p}`)}</MenuItem>
            ))}
          </Select>
        </FormControl>
        <Typography variant="caption" color="text.secondary">{translate("aduan.notices.priority_hint")}</Typography>
      </CardContent>
    </Card>
  );
}

interface Feedback {
  rating: { rating: number; comment: string | null; at: string } | null;
  disputes: { at: string; reason: string; byCitizen: boolean }[];
}

function CitizenFeedback({ ticketId, updatedAt }: { ticketId: number; updatedAt: string }) {
  const translate = useTranslate();
  const [locale] = useLocaleState();
  const { data, error } = useQuery({
    queryKey: ["aduan", "citizen-feedback", ticketId, updatedAt],
    queryFn: async () => (await api<Feedback>(`/tickets/${ticketId}/citizen-feedback`)).json,
    retry: false,
  });
  return (
    <Card component="section" aria-labelledby="feedback-heading" data-testid="citizen-feedback">
      <CardContent>
        <Typography id="feedback-heading" variant="h6" component="h2">{translate("aduan.notices.feedback_title")}</Typography>
        {error ? <Alert severity="error">{translate("aduan.error.load", { message: (error as Error).message })}</Alert> : null}
        {data ? (
          <>
            {data.rating ? (
              <Box sx={{ mt: 1 }} data-testid="citizen-rating">
                <Stack direction="row" spacing={1} sx={{ alignItems: "center" }}>
                  <Typography variant="body2"><strong>{translate("aduan.notices.rating")}:</strong></Typography>
                  <Rating value={data.rating.rating} readOnly size="small" aria-hidden />
                  <Typography variant="body2">{translate("aduan.notices.rating_value", { rating: data.rating.rating })}</Typography>
                </Stack>
                {data.rating.comment ? (
                  <Typography variant="body2" sx={{ whiteSpace: "pre-wrap" }}><strong>{translate("aduan.notices.comment")}:</strong> {data.rating.comment}</Typography>
                ) : null}
              </Box>
            ) : (
              <Typography variant="body2" color="text.secondary">{translate("aduan.notices.no_rating")}</Typography>
            )}
            <Typography variant="subtitle2" component="h3" sx={{ mt: 1 }}>{translate("aduan.notices.disputes")}</Typography>
            {data.disputes.length === 0 ? <Typography variant="body2" color="text.secondary">{translate("aduan.notices.no_disputes")}</Typography> : null}
            <Box component="ul" sx={{ m: 0, pl: 2 }}>
              {data.disputes.map((d, i) => (
                <li key={i} data-testid="citizen-dispute">
                  <Typography variant="body2" sx={{ whiteSpace: "pre-wrap" }}>
                    {fmt(d.at, locale)} ({translate(d.byCitizen ? "aduan.notices.by_citizen" : "aduan.notices.by_staff")}): {d.reason}
                  </Typography>
                </li>
              ))}
            </Box>
          </>
        ) : null}
      </CardContent>
    </Card>
  );
}

interface ClockView {
  id: number;
  kind: string;
  state: "running" | "paused" | "stopped";
  label: Text | null;
  target: { amount: number; unit: string } | null;
  legalBasis: Text | null;
  dueAt: string | null;
  forwardId: number | null;
}

function ClockList({ ticketId, updatedAt }: { ticketId: number; updatedAt: string }) {
  const translate = useTranslate();
  const [locale] = useLocaleState();
  const { data } = useQuery({
    queryKey: ["aduan", "clocks", ticketId, updatedAt],
    queryFn: async () => (await api<ClockView[]>(`/tickets/${ticketId}/clocks`)).json,
    retry: false,
  });
  const running = (data ?? []).filter((c) => c.state !== "stopped");
  const text = (t: Text | null) => (t ? (locale === "en" ? t.en : t.id) : "—");
  return (
    <Card component="section" aria-labelledby="clocks-heading" data-testid="ticket-clocks">
      <CardContent>
        <Typography id="clocks-heading" variant="h6" component="h2">{translate("aduan.notices.clocks_title")}</Typography>
        {data && running.length === 0 ? <Typography variant="body2" color="text.secondary">{translate("aduan.notices.no_clocks")}</Typography> : null}
        <Stack component="ul" spacing={1} sx={{ listStyle: "none", p: 0, m: 0, mt: 1 }}>
          {running.map((c) => (
            <Box component="li" key={c.id} data-clock-kind={c.kind} sx={{ borderLeft: "3px solid #1a237e", pl: 1 }}>
              <Typography variant="subtitle2">{translate(`aduan.sla_admin.clock.${c.kind}`, { _: text(c.label) })}</Typography>
              <Typography variant="body2">
                {translate("aduan.notices.clock_target")}: {c.target ? `${c.target.amount} ${translate(`aduan.sla_admin.unit.${c.target.unit}`)}` : "—"} · {translate("aduan.notices.clock_due")}:{" "}
                {c.state === "paused" ? translate("aduan.notices.clock_paused") : fmt(c.dueAt, locale)}
              </Typography>
              <Typography variant="body2" color="text.secondary" data-testid="clock-basis"><strong>{translate("aduan.notices.clock_basis")}:</strong> {text(c.legalBasis)}</Typography>
            </Box>
          ))}
        </Stack>
      </CardContent>
    </Card>
  );
}
