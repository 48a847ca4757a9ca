import { Title, useGetList, useTranslate, Link, type RaRecord } from "react-admin";
import { Box, Card, CardContent, Table, TableBody, TableCell, TableHead, TableRow, Typography } from "@mui/material";
import { useMemo } from "react";
import { SlaCountdown, StatusChip, STATUSES } from "../tickets/badges";
import { useLiveRefresh } from "../live";

/** The overview follows the live stream (a breach appears without a reload), at most every 2 s. */
const LIVE_TYPES = ["ticket.created", "ticket.changed", "sla.warned", "sla.breached"];

const OPEN_STATUSES = STATUSES.filter((s) => !["closed", "rejected", "merged"].includes(s));

function useTotal(filter: Record<string, unknown>) {
  const { total, isPending, refetch } = useGetList("tickets", { filter, pagination: { page: 1, perPage: 1 }, sort: { field: "id", order: "DESC" } });
  useLiveRefresh(LIVE_TYPES, () => void refetch(), { ms: 2000 });
  return isPending ? "…" : String(total ?? 0);
}

function StatusRow({ status }: { status: string }) {
  const n = useTotal({ status, isOpen: true });
  return (
    <TableRow>
      <TableCell><Link to={`/tickets?filter=${encodeURIComponent(JSON.stringify({ isOpen: true, status }))}`}><StatusChip status={status} /></Link></TableCell>
      <TableCell align="right">{n}</TableCell>
    </TableRow>
  );
}

function AgencyRow({ agency }: { agency: RaRecord }) {
  const n = useTotal({ agencyId: agency.id, isOpen: true });
  return (
    <TableRow>
      <TableCell><Link to={`/tickets?filter=${encodeURIComponent(JSON.stringify({ isOpen: true, agencyId: agency.id }))}`}>{agency.shortName}</Link></TableCell>
      <TableCell align="right">{n}</TableCell>
    </TableRow>
  );
}

function TicketTable({ filter, caption }: { filter: Record<string, unknown>; caption: string }) {
  const translate = useTranslate();
  const { data, isPending, refetch } = useGetList("tickets", { filter, pagination: { page: 1, perPage: 10 }, sort: { field: "dueAt", order: "ASC" } });
  useLiveRefresh(LIVE_TYPES, () => void refetch(), { ms: 2000 });
  if (!isPending && (data ?? []).length === 0) return <Typography color="text.secondary">{translate("aduan.overview.none")}</Typography>;
  return (
    <Table size="small" aria-label={caption}>
      <TableHead>
        <TableRow>
          <TableCell>{translate("resources.tickets.fields.number")}</TableCell>
          <TableCell>{translate("resources.tickets.fields.description")}</TableCell>
          <TableCell>{translate("resources.tickets.fields.status")}</TableCell>
          <TableCell>{translate("resources.tickets.fields.dueAt")}</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {(data ?? []).map((t) => (
          <TableRow key={t.id}>
            <TableCell><Link to={`/tickets/${t.id}/show`}>{t.number}</Link></TableCell>
            <TableCell>{String(t.description ?? "").slice(0, 70)}</TableCell>
            <TableCell><StatusChip status={t.status} /></TableCell>
            <TableCell><SlaCountdown dueAt={t.dueAt} open={t.isOpen} /></TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/** The supervisor's (kepala pelaksana harian) view: queues by status and OPD, breaches, returns. */
export default function Overview() {
  const translate = useTranslate();
  const { data: agencies } = useGetList("agencies", { pagination: { page: 1, perPage: 100 }, sort: { field: "name", order: "ASC" }, filter: { active: true } });
  // Fixed for the life of the page, so the queries keep their keys.
  const [now, soon] = useMemo(() => [new Date().toISOString(), new Date(Date.now() + 24 * 3600_000).toISOString()], []);
  const section = (title: string, body: React.ReactNode) => (
    <Card component="section" aria-label={title}>
      <CardContent>
        <Typography variant="h6" component="h2" gutterBottom>{title}</Typography>
        {body}
      </CardContent>
    </Card>
  );
  return (
    <Box sx={{ display: "grid", gridTemplateColumns: { xs: "1fr", md: "1fr 1fr" }, gap: 2, mt: 2 }}>
      <Title title="aduan.overview.title" />
      {section(translate("aduan.overview.breached"), <TicketTable filter={{ isOpen: true, dueBefore: now }} caption={translate("aduan.overview.breached")} />)}
      {section(translate("aduan.overview.soon"), <TicketTable filter={{ isOpen: true, dueBefore: soon }} caption={translate("aduan.overview.soon")} />)}
      {section(
        translate("aduan.overview.by_status"),
        <Table size="small" aria-label={translate("aduan.overview.by_status")}>
          <TableBody>{OPEN_STATUSES.map((s) => <StatusRow key={s} status={s} />)}</TableBody>
        </Table>,
      )}
      {section(
        translate("aduan.overview.by_agency"),
        <Table size="small" aria-label={translate("aduan.overview.by_agency")}>
          <TableBody>{(agencies ?? []).map((a) => <AgencyRow key={a.id} agency={a} />)}</TableBody>
        </Table>,
      )}
      {section(translate("aduan.overview.returns"), <TicketTable filter={{ isOpen: true, status: "returned" }} caption={translate("aduan.overview.returns")} />)}
    </Box>
  );
}
