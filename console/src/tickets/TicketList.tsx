import {
  Link, List, SearchInput, SelectInput, TopToolbar, CreateButton,
  useGetIdentity, useGetList, useListContext, usePermissions, useTranslate, type RaRecord, FilterButton,
} from "react-admin";
import { useEffect, useMemo } from "react";
import { prefetchWhenIdle } from "../lazy";
import { loadTicketShow } from ".";
import { Box, Button, ButtonGroup, Typography } from "@mui/material";
import { NAME_LISTS, QUEUE, queueDefaultFilter, queueStoreKey } from "../boot/urls";
import { UnverifiedBanner, useUnverifiedCount } from "./UnverifiedQueue";
import { CHANNELS, ChannelIcon, PRIVACY, STATUSES, SlaCountdown, StatusChip } from "./badges";
import { ListLive } from "../live/TicketLive";
import { TicketCards, usePhone } from "./mobile";
import { SearchSnippet } from "./SearchSnippet";
import { QueueTable, type QueueColumn } from "./QueueTable";

function endOfToday() {
  const d = new Date();
  d.setHours(23, 59, 59, 999);
  return d.toISOString();
}

/** Saved views: one click sets the filters (and the URL, so a view can be bookmarked). */
function SavedViews() {
  const { filterValues, setFilters } = useListContext();
  const { data: me } = useGetIdentity();
  const { permissions: role } = usePermissions();
  const translate = useTranslate();
  const center = role === "operator" || role === "supervisor";
  const unverified = useUnverifiedCount(center);
  const views: { key: string; filter: Record<string, unknown> }[] = [
    { key: "all", filter: { isOpen: true } },
    ...(center && me ? [{ key: "mine", filter: { isOpen: true, assigneeUserId: me.id } }] : []),
    ...(center ? [{ key: "unverified", filter: { isOpen: true, status: "received" } }] : []),
    { key: "due_today", filter: { isOpen: true, dueBefore: endOfToday() } },
    { key: "breached", filter: { isOpen: true, dueBefore: new Date().toISOString() } },
    ...(center ? [{ key: "waiting", filter: { isOpen: true, status: "waiting_on_citizen" } }] : []),
    ...(center ? [{ key: "review", filter: { isOpen: true, status: "in_review" } }] : []),
  ];
  const activeKey = views.find((v) => {
    const a = { ...filterValues } as Record<string, unknown>;
    delete a.q;
    const keys = Object.keys(v.filter);
    return keys.length === Object.keys(a).length && keys.every((k) => k === "dueBefore" ? a.dueBefore !== undefined && (v.key === "breached" ? new Date(String(a.dueBefore)).getTime() <= Date.now() + 60_000 : new Date(String(a.dueBefore)).getTime() > Date.now() + 60_000) : a[k] === v.filter[k]);
  })?.key;
  return (
    <Box sx={{ px: 2, pt: 1 }} role="group" aria-label={translate("aduan.views.label")}>
      <ButtonGroup size="small" variant="outlined" sx={{ flexWrap: "wrap" }}>
        {views.map((v) => (
          <Button
            key={v.key}
            variant={activeKey === v.key ? "contained" : "outlined"}
            aria-pressed={activeKey === v.key}
            onClick={() => setFilters({ ...v.filter, ...(filterValues.q ? { q: filterValues.q } : {}) }, {})}
          >
            {translate(`aduan.views.${v.key}`)}
            {v.key === "unverified" && unverified ? <Box component="span" data-testid="unverified-count" sx={{ ml: 1, px: 0.75, borderRadius: 8, bgcolor: "#b71c1c", color: "#fff", fontWeight: 700 }}>{unverified}</Box> : null}
          </Button>
        ))}
      </ButtonGroup>
      {center && activeKey !== "unverified" ? <UnverifiedBanner count={unverified} onShow={() => setFilters({ isOpen: true, status: "received" }, {})} /> : null}
    </Box>
  );
}

function ListActions() {
  const { permissions: role } = usePermissions();
  return (
    <TopToolbar>
      <FilterButton />
      {role === "operator" || role === "supervisor" ? <CreateButton label="aduan.menu.phone" /> : null}
    </TopToolbar>
  );
}

function Empty() {
  const translate = useTranslate();
  return (
    <Box sx={{ p: 4, textAlign: "center" }}>
      <Typography>{translate("aduan.empty.queue")}</Typography>
    </Box>
  );
}

function reporterText(r: RaRecord, translate: (k: string) => string) {
  if (r.reporter?.name) return r.reporter.name;
  if (r.reporter?.phone) return r.reporter.phone;
  if (r.reporter?.email) return r.reporter.email;
  return r.reporter === null && r.contactId === undefined ? translate("aduan.ticket.reporter_hidden") : "—";
}

export function TicketList() {
  const translate = useTranslate();
  const { permissions: role } = usePermissions();
  const center = role === "operator" || role === "supervisor";
  // The category and OPD filters choose from the name lists the rows already use (no second
  // request, and no reference input with its autocomplete in the queue's code).
  const categoryChoices = useNameChoices("categories");
  const agencyChoices = useNameChoices("agencies");
  // Stable columns: the rows (an optimized Datagrid body) render once per page of data, not again
  // whenever the list's parent re-renders (permissions, identity, the name lists arriving).
  const filters = useMemo(() => [
    <SearchInput key="q" source="q" alwaysOn placeholder={translate("resources.tickets.fields.q")} />,
    <SelectInput key="status" source="status" choices={STATUSES.map((s) => ({ id: s, name: `aduan.status.${s}` }))} />,
    <SelectInput key="channel" source="channel" choices={CHANNELS.map((s) => ({ id: s, name: `aduan.channel.${s}` }))} />,
    <SelectInput key="cat" source="categoryId" choices={categoryChoices} translateChoice={false} />,
    ...(center ? [<SelectInput key="opd" source="agencyId" choices={agencyChoices} translateChoice={false} />] : []),
    <SelectInput key="privacy" source="privacy" choices={PRIVACY.map((s) => ({ id: s, name: `aduan.privacy.${s}` }))} />,
  ], [center, translate, categoryChoices, agencyChoices]);
  const columns = useMemo(() => queueColumns(center, translate), [center, translate]);
  // Below 600 px (an OPD head on a phone): cards instead of the table.
  const phone = usePhone();
  // The next screen is most likely a ticket: fetch its code while the operator reads the queue.
  useEffect(() => prefetchWhenIdle(loadTicketShow), []);
  return (
    <List
      title={center ? "aduan.menu.queue" : "aduan.menu.inbox"}
      filters={filters}
      filterDefaultValues={queueDefaultFilter(role)}
      sort={QUEUE.sort}
      perPage={QUEUE.perPage}
      actions={<ListActions />}
      empty={false}
      disableSyncWithLocation={false}
      storeKey={queueStoreKey(role)}
    >
      <SavedViews />
      <QueueLive />
      {phone ? (
        <TicketCards reporter={(r) => reporterText(r, translate)} category={(r) => (r.categoryId ? <CategoryName id={r.categoryId} /> : null)} />
      ) : (
        <QueueTable columns={columns} empty={<Empty />} label={translate(center ? "aduan.menu.queue" : "aduan.menu.inbox")} />
      )}
    </List>
  );
}

/** The queue's columns, built once per role and language. */
function queueColumns(center: boolean, translate: (k: string) => string): QueueColumn[] {
  const columns: QueueColumn[] = [
    // A real link, so that keyboard users can Tab to each ticket (row clicks are mouse-only).
    { key: "number", sortBy: "number", render: (r) => <Link to={`/tickets/${r.id}/show`} onClick={(e: React.MouseEvent) => e.stopPropagation()}>{r.number}</Link> },
    { key: "channel", render: (r) => <ChannelIcon channel={r.channel} /> },
    { key: "reporter", render: (r) => reporterText(r, translate) },
    {
      key: "subject",
      render: (r) => {
        const text = r.subject || r.description || "";
        const short = <span title={text}>{text.length > 80 ? `${text.slice(0, 80)}…` : text}</span>;
        return r.searchHit ? <>{short}<SearchSnippet hit={r.searchHit} /></> : short;
      },
    },
    { key: "categoryId", render: (r) => (r.categoryId ? <CategoryName id={r.categoryId} /> : "—") },
  ];
  if (center) columns.push({ key: "agencyId", render: (r) => (r.agencyIds?.length ? <AgencyNames ids={r.agencyIds as number[]} /> : "—") });
  columns.push(
    { key: "status", sortBy: "status", render: (r) => <StatusChip status={r.status} /> },
    { key: "dueAt", sortBy: "dueAt", render: (r) => <SlaCountdown dueAt={r.dueAt} open={r.isOpen} /> },
  );
  return columns;
}

function CategoryName({ id }: { id: number }) {
  return <>{useNameMap("categories").get(id) ?? "…"}</>;
}

function AgencyNames({ ids }: { ids: number[] }) {
  const names = useNameMap("agencies");
  return <>{ids.map((id) => names.get(id) ?? "…").join(", ")}</>;
}

/**
 * Category and OPD names for the rows, from two small lists fetched once and cached: cheaper to
 * render than a reference component in every cell (the queue is the screen that must be fast).
 */
function useNameMap(resource: "categories" | "agencies"): Map<number, string> {
  const { data } = useGetList(resource, NAME_LISTS[resource], { staleTime: 5 * 60_000 });
  return useMemo(() => new Map((data ?? []).map((r) => [r.id as number, String(resource === "agencies" ? r.shortName : r.name)])), [data, resource]);
}

/** The same name lists as choices for the filters, in alphabetical order. */
function useNameChoices(resource: "categories" | "agencies"): { id: number; name: string }[] {
  const names = useNameMap(resource);
  return useMemo(() => [...names].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name)), [names]);
}

/** The queue and the OPD inbox follow the live stream instead of polling. */
function QueueLive() {
  const { refetch } = useListContext();
  return <ListLive refetch={refetch} />;
}
