import { useState } from "react";
import { useDataProvider, useLocaleState, useNotify, usePermissions, useRefresh, useTranslate, type RaRecord } from "react-admin";
import { Box, Button, Card, CardContent, Chip, Dialog, DialogActions, DialogContent, DialogTitle, LinearProgress, Stack, TextField, Typography } from "@mui/material";
import { useQuery } from "@tanstack/react-query";
import type { AduanDataProvider } from "../dataProvider";
import { useTransition } from "./actions";

interface Suggestions {
  ticketId: number;
  model: { id: number | null; source: "corpus" | "tickets"; trainedAt: string | null };
  categories: { categoryId: number; code: string; name: string; nameEn: string | null; confidence: number; agencyId: number | null; autoForwardThreshold: number | null }[];
  agencies: { agencyId: number; code: string; name: string; shortName: string; confidence: number }[];
}

/** Before a disposisi: where the routing model would send the ticket (nothing is applied without a click). */
const ROUTING_STATUSES = ["received", "verified", "returned", "reopened"];
const FORWARDABLE = ["verified", "returned", "reopened"];

const pct = (x: number) => `${Math.round(x * 100)}%`;

/**
 * Routing suggestions on the ticket page (GET /api/tickets/:id/routing-suggestions): the top
 * categories and OPDs with the model's confidence. One click puts the ticket in a suggested
 * category; one click opens the disposisi with a suggested OPD already chosen.
 */
export function RoutingSuggestions({ ticket }: { ticket: RaRecord }) {
  const translate = useTranslate();
  const [locale] = useLocaleState();
  const { permissions: role } = usePermissions();
  const dp = useDataProvider<AduanDataProvider>();
  const notify = useNotify();
  const refresh = useRefresh();
  const [forwardTo, setForwardTo] = useState<Suggestions["agencies"][number] | null>(null);
  const center = role === "operator" || role === "supervisor";
  const shown = center && ROUTING_STATUSES.includes(ticket.status as string);
  const { data, isPending, isError } = useQuery({
    queryKey: ["aduan", "routing-suggestions", ticket.id],
    queryFn: async () => (await dp.get<Suggestions>(`/tickets/${ticket.id}/routing-suggestions`)).data,
    enabled: shown,
    retry: false,
    staleTime: 60_000,
  });
  if (!shown) return null;

  const applyCategory = async (categoryId: number) => {
    try {
      await dp.update("tickets", { id: ticket.id, data: { categoryId }, previousData: ticket });
      notify("aduan.ticket.done", { type: "success" });
      refresh();
    } catch (e) {
      notify((e as Error).message || "ra.notification.http_error", { type: "error" });
    }
  };

  return (
    <Card component="section" aria-labelledby="routing-heading" data-testid="routing-suggestions">
      <CardContent>
        <Typography id="routing-heading" variant="h6" component="h2">{translate("aduan.routing.title")}</Typography>
        <Typography variant="body2" color="text.secondary">
          {translate(data?.model.source === "tickets" ? "aduan.routing.learned" : "aduan.routing.bootstrap")}
        </Typography>
        {isPending ? <LinearProgress sx={{ mt: 1 }} aria-label={translate("aduan.routing.title")} /> : null}
        {isError ? <Typography color="error" sx={{ mt: 1 }}>{translate("aduan.routing.error")}</Typography> : null}
        {data && data.categories.length === 0 ? <Typography color="text.secondary" sx={{ mt: 1 }}>{translate("aduan.routing.none")}</Typography> : null}
        {data && data.categories.length > 0 ? (
          <>
            <Typography variant="subtitle2" component="h3" sx={{ mt: 1 }}>{translate("aduan.routing.categories")}</Typography>
            <Stack component="ol" spacing={1} sx={{ listStyle: "none", p: 0, m: 0, mt: 0.5 }}>
              {data.categories.map((c) => {
                const current = ticket.categoryId === c.categoryId;
                return (
                  <Box component="li" key={c.categoryId} data-category={c.code} data-confidence={c.confidence}>
                    <Stack direction="row" spacing={1} sx={{ alignItems: "center", justifyContent: "space-between" }}>
                      <Box sx={{ minWidth: 0 }}>
                        <Typography variant="body2">{locale === "en" && c.nameEn ? c.nameEn : c.name}</Typography>
                        <ConfidenceBar value={c.confidence} label={translate("aduan.routing.confidence", { value: pct(c.confidence) })} />
                        {c.autoForwardThreshold != null ? <Typography variant="caption" color="text.secondary">{translate("aduan.routing.auto_threshold", { value: pct(c.autoForwardThreshold) })}</Typography> : null}
                      </Box>
                      {current ? (
                        <Chip size="small" color="success" label={translate("aduan.routing.applied")} />
                      ) : (
                        <Button size="small" variant="outlined" onClick={() => applyCategory(c.categoryId)} aria-label={`${translate("aduan.routing.apply")}: ${c.name}`}>
                          {translate("aduan.routing.apply")}
                        </Button>
                      )}
                    </Stack>
                  </Box>
                );
              })}
            </Stack>
            {data.agencies.length > 0 ? (
              <>
                <Typography variant="subtitle2" component="h3" sx={{ mt: 2 }}>{translate("aduan.routing.agencies")}</Typography>
                <Stack component="ol" spacing={1} sx={{ listStyle: "none", p: 0, m: 0, mt: 0.5 }}>
                  {data.agencies.map((a) => (
                    <Box component="li" key={a.agencyId} data-agency={a.code} data-confidence={a.confidence}>
                      <Stack direction="row" spacing={1} sx={{ alignItems: "center", justifyContent: "space-between" }}>
                        <Box sx={{ minWidth: 0 }}>
                          <Typography variant="body2">{a.name}</Typography>
                          <ConfidenceBar value={a.confidence} label={translate("aduan.routing.confidence", { value: pct(a.confidence) })} />
                        </Box>
                        {FORWARDABLE.includes(ticket.status as string) ? (
                          <Button size="small" variant="outlined" onClick={() => setForwardTo(a)} aria-label={`${translate("aduan.routing.forward")}: ${a.name}`}>
                            {translate("aduan.routing.forward")}
                          </Button>
                        ) : null}
                      </Stack>
                    </Box>
                  ))}
                </Stack>
                {!FORWARDABLE.includes(ticket.status as string) ? <Typography variant="caption" color="text.secondary">{translate("aduan.routing.verify_first")}</Typography> : null}
              </>
            ) : null}
          </>
        ) : null}
      </CardContent>
      {forwardTo ? <ForwardToSuggested ticket={ticket} agency={forwardTo} onClose={() => setForwardTo(null)} /> : null}
    </Card>
  );
}

function ConfidenceBar({ value, label }: { value: number; label: string }) {
  return (
    <Stack direction="row" spacing={1} sx={{ alignItems: "center" }}>
      <LinearProgress variant="determinate" value={Math.round(value * 100)} sx={{ width: 96, height: 6, borderRadius: 3 }} aria-label={label} />
      <Typography variant="caption">{label}</Typography>
    </Stack>
  );
}

/** The disposisi with the suggested OPD chosen: the operator writes (or keeps) the instruction and confirms. */
function ForwardToSuggested({ ticket, agency, onClose }: { ticket: RaRecord; agency: Suggestions["agencies"][number]; onClose: () => void }) {
  const translate = useTranslate();
  const { run, busy } = useTransition(ticket.id as number);
  const [instruction, setInstruction] = useState(translate("aduan.routing.default_instruction"));
  return (
    <Dialog open onClose={onClose} fullWidth maxWidth="sm" aria-labelledby="routing-fwd-title">
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          if (await run({ action: "forward", agencyIds: [agency.agencyId], instruction: instruction.trim() })) onClose();
        }}
      >
        <DialogTitle id="routing-fwd-title">{translate("aduan.ticket.forward")}</DialogTitle>
        <DialogContent>
          <Typography>{translate("aduan.ticket.agencies")}: <strong data-testid="routing-forward-agency">{agency.name}</strong></Typography>
          <TextField id="routing-fwd-instruction" label={translate("aduan.ticket.instruction")} value={instruction} onChange={(e) => setInstruction(e.target.value)} required multiline minRows={2} fullWidth margin="dense" />
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose}>{translate("ra.action.cancel")}</Button>
          <Button type="submit" variant="contained" disabled={busy || instruction.trim().length < 3}>{translate("ra.action.confirm")}</Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
