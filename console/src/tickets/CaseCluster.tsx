import { useState } from "react";
import { Link, useDataProvider, useNotify, usePermissions, useRefresh, useTranslate, type RaRecord } from "react-admin";
import { Alert, Box, Button, Card, CardContent, Checkbox, Chip, FormControlLabel, Stack, Typography } from "@mui/material";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { AduanDataProvider } from "../dataProvider";
import { api } from "../api";
import { ChannelIcon, StatusChip } from "./badges";
import type { DuplicateSuggestion } from "../api-types";

interface ClusterTicket {
  id: number;
  number: string;
  status: string;
  channel?: string;
  receivedAt?: string;
  description?: string;
  reporter?: { name: string | null } | null;
}
interface Cluster {
  primary: ClusterTicket;
  memberCount: number;
  members: ClusterTicket[];
}
type Suggestion = DuplicateSuggestion;

/** Statuses a ticket can be grouped from (the lifecycle's merge rule): only these suggestions can join a case. */
const GROUPABLE = ["received", "verified", "returned", "reopened", "waiting_on_citizen"];

/**
 * The case cluster on the ticket page (GET /api/tickets/:id/cluster): many citizens reporting one
 * problem handled as one case. The command center sees the duplicate detector's suggestions and
 * accepts them as a cluster (one disposisi, one clock, one answer that reaches every reporter on
 * their own channel), sees the members and takes a wrongly grouped one out.
 */
export function CaseCluster({ ticket }: { ticket: RaRecord }) {
  const translate = useTranslate();
  const { permissions: role } = usePermissions();
  const dp = useDataProvider<AduanDataProvider>();
  const notify = useNotify();
  const refresh = useRefresh();
  const queryClient = useQueryClient();
  const center = role === "operator" || role === "supervisor";
  const isMember = ticket.status === "merged";
  const mayGroup = center && !isMember && ticket.isOpen === true;
  const [unchecked, setUnchecked] = useState<Set<number>>(new Set());
  const [busy, setBusy] = useState(false);
  const cluster = useQuery({
    queryKey: ["aduan", "cluster", ticket.id, ticket.status],
    queryFn: async () => (await dp.get<Cluster>(`/tickets/${ticket.id}/cluster`)).data,
    retry: false,
  });
  const suggestions = useQuery({
    queryKey: ["aduan", "duplicates", ticket.id, ticket.status],
    queryFn: async () => (await dp.get<Suggestion[]>(`/tickets/${ticket.id}/duplicates`)).data,
    enabled: mayGroup,
    retry: false,
    staleTime: 30_000,
  });
  const c = cluster.data;
  const groupable = (suggestions.data ?? []).filter((s) => GROUPABLE.includes(s.status));
  const chosen = groupable.filter((s) => !unchecked.has(s.id)).map((s) => s.id);
  const hasCluster = !!c && (c.memberCount > 0 || c.primary.id !== ticket.id);
  if (!hasCluster && !(mayGroup && groupable.length > 0)) return null;

  const done = async () => {
    notify("aduan.ticket.done", { type: "success" });
    await queryClient.invalidateQueries({ queryKey: ["aduan"] });
    refresh();
  };
  const accept = async () => {
    setBusy(true);
    try {
      await dp.post(`/tickets/${ticket.id}/cluster`, { memberIds: chosen, source: "suggestion" });
      setUnchecked(new Set());
      await done();
    } catch (e) {
      notify((e as Error).message || "ra.notification.http_error", { type: "error" });
    } finally {
      setBusy(false);
    }
  };
  const remove = async (memberId: number) => {
    setBusy(true);
    try {
      await api(`/tickets/${c!.primary.id}/cluster/members/${memberId}`, { method: "DELETE" });
      await done();
    } catch (e) {
      notify((e as Error).message || "ra.notification.http_error", { type: "error" });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card component="section" aria-labelledby="cluster-heading" data-testid="case-cluster">
      <CardContent>
        <Typography id="cluster-heading" variant="h6" component="h2">{translate("aduan.cluster.title")}</Typography>
        {hasCluster && c ? (
          <>
            <Typography variant="body2" color="text.secondary">{translate("aduan.cluster.explain", { n: c.memberCount + 1 })}</Typography>
            {c.primary.id !== ticket.id ? (
              <Alert severity="info" sx={{ mt: 1 }} data-testid="cluster-primary">
                {translate("aduan.cluster.member_of")} <Link to={`/tickets/${c.primary.id}/show`}>{c.primary.number}</Link>
              </Alert>
            ) : null}
            <Typography variant="subtitle2" component="h3" sx={{ mt: 1 }}>{translate("aduan.cluster.members", { n: c.memberCount })}</Typography>
            {c.members.length < c.memberCount ? <Typography variant="body2" color="text.secondary">{translate("aduan.cluster.hidden", { n: c.memberCount - c.members.length })}</Typography> : null}
            <Stack component="ul" spacing={1} sx={{ listStyle: "none", p: 0, m: 0, mt: 0.5 }} aria-label={translate("aduan.cluster.members", { n: c.memberCount })}>
              {c.members.map((mb) => (
                <Box component="li" key={mb.id} data-member={mb.number}>
                  <Stack direction="row" spacing={1} useFlexGap sx={{ alignItems: "center", flexWrap: "wrap" }}>
                    <Link to={`/tickets/${mb.id}/show`}>{mb.number}</Link>
                    {mb.channel ? <ChannelIcon channel={mb.channel} /> : null}
                    {mb.reporter?.name ? <Typography variant="body2">{mb.reporter.name}</Typography> : null}
                    {center && c.primary.id === ticket.id ? (
                      <Button size="small" disabled={busy} onClick={() => remove(mb.id)} sx={{ ml: "auto" }} aria-label={`${translate("aduan.cluster.remove")} ${mb.number}`}>
                        {translate("aduan.cluster.remove")}
                      </Button>
                    ) : null}
                  </Stack>
                  {mb.description ? <Typography variant="body2" color="text.secondary" sx={{ overflowWrap: "anywhere" }}>{mb.description.slice(0, 140)}</Typography> : null}
                </Box>
              ))}
            </Stack>
          </>
        ) : null}
        {mayGroup && groupable.length > 0 ? (
          <Box sx={{ mt: hasCluster ? 2 : 1 }} data-testid="cluster-suggestions">
            <Typography variant="subtitle2" component="h3">{translate("aduan.cluster.suggested")}</Typography>
            <Typography variant="body2" color="text.secondary">{translate("aduan.cluster.suggested_help")}</Typography>
            <Stack spacing={0.5} sx={{ mt: 0.5 }}>
              {groupable.map((s) => (
                <Box key={s.id} data-suggestion={s.number}>
                  <FormControlLabel
                    control={
                      <Checkbox
                        checked={!unchecked.has(s.id)}
                        onChange={(e) => setUnchecked((prev) => { const next = new Set(prev); if (e.target.checked) next.delete(s.id); else next.add(s.id); return next; })}
                      />
                    }
                    label={
                      <Stack direction="row" spacing={1} useFlexGap sx={{ alignItems: "center", flexWrap: "wrap" }}>
                        <span>{s.number}</span>
                        <StatusChip status={s.status} />
                        <Chip size="small" variant="outlined" label={`${Math.round(s.score * 100)}%`} />
                        {s.reasons.map((r) => <Chip key={r} size="small" label={translate(`aduan.cluster.reason.${r}`)} />)}
                      </Stack>
                    }
                  />
                  <Typography variant="body2" color="text.secondary" sx={{ ml: 4, overflowWrap: "anywhere" }}>{s.description.slice(0, 140)}</Typography>
                </Box>
              ))}
            </Stack>
            <Button variant="contained" sx={{ mt: 1 }} disabled={busy || chosen.length === 0} onClick={accept} fullWidth>
              {translate("aduan.cluster.accept", { n: chosen.length + 1 })}
            </Button>
          </Box>
        ) : null}
      </CardContent>
    </Card>
  );
}
