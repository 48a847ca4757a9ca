import { lazy, Suspense, useEffect, useMemo, useState } from "react";
import { Title, useGetList, usePermissions, useTranslate } from "react-admin";
import { Alert, Box, Button, Card, CardContent, FormControl, InputLabel, MenuItem, Select, Stack, Table, TableBody, TableCell, TableHead, TableRow, TextField, Typography } from "@mui/material";
import { api } from "../api";
import { CHANNEL_KINDS as CHANNELS } from "../../../channels/rules/channel-kinds";

const EChart = lazy(() => import("./EChart"));

/** The JSON of GET /api/reports/agency-month (server/queries/reports/agency-report.ts). */
interface Timing { decided: number; within: number; withinShare: number | null; medianHours: number | null; p90Hours: number | null; medianDays: number | null; p90Days: number | null; openBreaches: number }
interface Breakdown { key: string; name: string; tickets: number; forwarded: number; answered: number; returned: number; withinShare: number | null; medianDays: number | null }
interface Report {
  scope: { agencyId: number | null; agencyName: string };
  period: { key: string; label: { id: string; en: string } };
  volume: Record<"tickets" | "verified" | "rejected" | "forwarded" | "answered" | "returned" | "open" | "reopened", number>;
  followUp: Timing;
  clocks: (Timing & { kind: string; clocks: number })[];
  openBreaches: number;
  ratings: { count: number; average: number | null; distribution: number[]; comments: { ticketNumber: string; rating: number; comment: string; at: string }[] };
  topTopics: { name: string; tickets: number }[];
  byCategory: Breakdown[];
  byChannel: Breakdown[];
  trend: { bucket: string; forwarded: number; answered: number }[];
}

const lastMonth = () => {
  const d = new Date(Date.now() + 7 * 3600_000);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
};
const pct = (x: number | null) => (x == null ? "–" : `${Math.round(x * 1000) / 10}%`);
const num = (x: number | null) => (x == null ? "–" : String(x));

export default function ReportsPage() {
  const translate = useTranslate();
  const t = (k: string, o?: Record<string, unknown>) => translate(`aduan.reports.${k}`, o);
  const { permissions: role } = usePermissions();
  const center = role === "admin" || role === "supervisor";
  const [agencyId, setAgencyId] = useState<string>("");
  const [period, setPeriod] = useState("month");
  const [month, setMonth] = useState(lastMonth());
  const [categoryId, setCategoryId] = useState("");
  const [channel, setChannel] = useState("");
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { data: agencies } = useGetList("agencies", { pagination: { page: 1, perPage: 200 }, sort: { field: "name", order: "ASC" } }, { enabled: center });
  const { data: categories } = useGetList("categories", { pagination: { page: 1, perPage: 200 }, sort: { field: "name", order: "ASC" } });

  const query = useMemo(() => {
    const q = new URLSearchParams({ month, period });
    if (agencyId) q.set("agencyId", agencyId);
    if (categoryId) q.set("categoryId", categoryId);
    if (channel) q.set("channel", channel);
    return q.toString();
  }, [agencyId, period, month, categoryId, channel]);

  useEffect(() => {
    let live = true;
    setError(null);
    api<Report>(`/reports/agency-month?${query}`)
      .then((r) => live && setReport(r.json))
      .catch((e: Error) => live && (setReport(null), setError(e.message)));
    return () => {
      live = false;
    };
  }, [query]);

  const charts = useMemo(() => {
    if (!report) return null;
    const base = { grid: { left: 40, right: 16, top: 40, bottom: 30, containLabel: true }, tooltip: { trigger: "axis" } };
    return {
      trend: { ...base, legend: { top: 0 }, xAxis: { type: "category", data: report.trend.map((b) => (b.bucket.length === 10 ? b.bucket.slice(8) : b.bucket)) }, yAxis: { type: "value", minInterval: 1 }, series: [{ name: t("forwarded"), type: "bar", data: report.trend.map((b) => b.forwarded) }, { name: t("answered"), type: "bar", data: report.trend.map((b) => b.answered) }] },
      categories: { ...base, xAxis: { type: "value", minInterval: 1 }, yAxis: { type: "category", data: report.byCategory.slice(0, 8).reverse().map((c) => c.name) }, series: [{ type: "bar", data: report.byCategory.slice(0, 8).reverse().map((c) => c.tickets) }] },
      ratings: { ...base, xAxis: { type: "category", data: ["1", "2", "3", "4", "5"] }, yAxis: { type: "value", minInterval: 1 }, series: [{ type: "bar", data: report.ratings.distribution }] },
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [report]);

  const summary: [string, string][] = report
    ? [
        ["tickets", num(report.volume.tickets)], ["verified", num(report.volume.verified)], ["rejected", num(report.volume.rejected)], ["forwarded", num(report.volume.forwarded)],
        ["answered", num(report.volume.answered)], ["returned", num(report.volume.returned)], ["open", num(report.volume.open)], ["reopened", num(report.volume.reopened)],
        ["on_time", pct(report.followUp.withinShare)], ["median_days", num(report.followUp.medianDays)], ["p90_days", num(report.followUp.p90Days)], ["open_breaches", num(report.openBreaches)],
        ["ratings", num(report.ratings.count)], ["rating_average", num(report.ratings.average)],
      ]
    : [];
  const breakdown = (rows: Breakdown[], channelNames: boolean) => (
    <Box sx={{ overflowX: "auto" }}>
      <Table size="small">
        <TableHead><TableRow>{["name", "tickets", "forwarded", "answered", "returned", "on_time", "median_days"].map((k) => <TableCell key={k} align={k === "name" ? "left" : "right"}>{t(k)}</TableCell>)}</TableRow></TableHead>
        <TableBody>
          {rows.map((r) => (
            <TableRow key={r.key}>
              <TableCell>{channelNames ? translate(`aduan.channel.${r.name}`) : r.name}</TableCell>
              <TableCell align="right">{r.tickets}</TableCell><TableCell align="right">{r.forwarded}</TableCell><TableCell align="right">{r.answered}</TableCell>
              <TableCell align="right">{r.returned}</TableCell><TableCell align="right">{pct(r.withinShare)}</TableCell><TableCell align="right">{num(r.medianDays)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Box>
  );
  const chart = (option: Record<string, unknown> | undefined, label: string, height?: number) => (option ? <Suspense fallback={<Box sx={{ height: height ?? 260 }} />}><EChart option={option} label={label} height={height} /></Suspense> : null);

  return (
    <Box sx={{ p: 2 }}>
      <Title title={t("title")} />
      <Typography variant="h5" component="h1" gutterBottom>{t("title")}</Typography>
      <Stack direction="row" spacing={2} useFlexGap sx={{ mb: 2, flexWrap: "wrap", alignItems: "center", "& > .MuiFormControl-root": { width: "auto", m: 0 } }} role="group" aria-label={t("filters")}>
        {center ? (
          <FormControl size="small" sx={{ minWidth: 240 }}>
            <InputLabel id="r-agency">{t("agency")}</InputLabel>
            <Select labelId="r-agency" label={t("agency")} value={agencyId} onChange={(e) => setAgencyId(String(e.target.value))}>
              <MenuItem value="">{t("province")}</MenuItem>
              {(agencies ?? []).map((a) => <MenuItem key={a.id} value={String(a.id)}>{a.name}</MenuItem>)}
            </Select>
          </FormControl>
        ) : null}
        <FormControl size="small" sx={{ minWidth: 140 }}>
          <InputLabel id="r-period">{t("period")}</InputLabel>
          <Select labelId="r-period" label={t("period")} value={period} onChange={(e) => setPeriod(String(e.target.value))}>
            {["month", "quarter", "year"].map((p) => <MenuItem key={p} value={p}>{t(`period_${p}`)}</MenuItem>)}
          </Select>
        </FormControl>
        <TextField size="small" type="month" label={t("month")} value={month} onChange={(e) => /^\d{4}-\d{2}$/.test(e.target.value) && setMonth(e.target.value)} slotProps={{ inputLabel: { shrink: true } }} />
        <FormControl size="small" sx={{ minWidth: 200 }}>
          <InputLabel id="r-category">{t("category")}</InputLabel>
          <Select labelId="r-category" label={t("category")} value={categoryId} onChange={(e) => setCategoryId(String(e.target.value))}>
            <MenuItem value="">{t("all")}</MenuItem>
            {(categories ?? []).map((c) => <MenuItem key={c.id} value={String(c.id)}>{c.name}</MenuItem>)}
          </Select>
        </FormControl>
        <FormControl size="small" sx={{ minWidth: 140 }}>
          <InputLabel id="r-channel">{t("channel")}</InputLabel>
          <Select labelId="r-channel" label={t("channel")} value={channel} onChange={(e) => setChannel(String(e.target.value))}>
            <MenuItem value="">{t("all")}</MenuItem>
            {CHANNELS.map((c) => <MenuItem key={c} value={c}>{translate(`aduan.channel.${c}`)}</MenuItem>)}
          </Select>
        </FormControl>
        {(["pdf", "xlsx", "csv"] as const).map((f) => (
          <Button key={f} variant={f === "pdf" ? "contained" : "outlined"} href={`/api/reports/agency-month?${query}&format=${f}`} download>
            {t(`export_${f}`)}
          </Button>
        ))}
      </Stack>
      {error ? <Alert severity="error">{error}</Alert> : null}
      {report ? (
        <Stack spacing={2}>
          <Typography variant="h6" component="h2">{report.scope.agencyName} — {report.period.label[translate("aduan.reports.lang") === "en" ? "en" : "id"]}</Typography>
          <Box sx={{ display: "grid", gridTemplateColumns: "repeat(auto-fill, minmax(170px, 1fr))", gap: 1 }}>
            {summary.map(([k, v]) => (
              <Card key={k} variant="outlined"><CardContent sx={{ py: 1, "&:last-child": { pb: 1 } }}><Typography variant="h5" component="p">{v}</Typography><Typography variant="body2" color="text.secondary">{t(k)}</Typography></CardContent></Card>
            ))}
          </Box>
          <Card variant="outlined"><CardContent><Typography variant="subtitle1" component="h3">{t("trend")}</Typography>{chart(charts?.trend, t("trend"))}</CardContent></Card>
          <Card variant="outlined"><CardContent>
            <Typography variant="subtitle1" component="h3">{t("clocks")}</Typography>
            <Box sx={{ overflowX: "auto" }}>
              <Table size="small">
                <TableHead><TableRow>{["clock", "clocks_n", "decided", "within", "on_time", "median_hours", "p90_hours", "median_days", "p90_days", "open_breaches"].map((k) => <TableCell key={k} align={k === "clock" ? "left" : "right"}>{t(k)}</TableCell>)}</TableRow></TableHead>
                <TableBody>
                  {report.clocks.map((c) => (
                    <TableRow key={c.kind}>
                      <TableCell>{t(`clock_${c.kind}`)}</TableCell>
                      {[c.clocks, c.decided, c.within].map((x, i) => <TableCell key={i} align="right">{x}</TableCell>)}
                      <TableCell align="right">{pct(c.withinShare)}</TableCell>
                      {[c.medianHours, c.p90Hours, c.medianDays, c.p90Days, c.openBreaches].map((x, i) => <TableCell key={i} align="right">{num(x)}</TableCell>)}
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </Box>
          </CardContent></Card>
          <Card variant="outlined"><CardContent><Typography variant="subtitle1" component="h3">{t("by_category")}</Typography>{report.byCategory.length ? chart(charts?.categories, t("by_category"), 60 + Math.min(8, report.byCategory.length) * 32) : null}{breakdown(report.byCategory, false)}</CardContent></Card>
          <Card variant="outlined"><CardContent><Typography variant="subtitle1" component="h3">{t("by_channel")}</Typography>{breakdown(report.byChannel, true)}</CardContent></Card>
          <Card variant="outlined"><CardContent>
            <Typography variant="subtitle1" component="h3">{t("top_topics")}</Typography>
            {report.topTopics.length ? <ol>{report.topTopics.map((x) => <li key={x.name}>{x.name} ({x.tickets})</li>)}</ol> : <Typography color="text.secondary">–</Typography>}
          </CardContent></Card>
          <Card variant="outlined"><CardContent>
            <Typography variant="subtitle1" component="h3">{t("ratings")}</Typography>
            {chart(charts?.ratings, t("ratings"), 200)}
            {report.ratings.comments.map((c) => (
              <Typography key={`${c.ticketNumber}-${c.at}`} variant="body2" sx={{ mb: 1 }}><strong>{c.ticketNumber}</strong> · {"★".repeat(c.rating)} — {c.comment}</Typography>
            ))}
          </CardContent></Card>
        </Stack>
      ) : null}
    </Box>
  );
}
