import { Title, useDataProvider, useTranslate, usePermissions, Link, Loading } from "react-admin";
import { Alert, Box, Card, CardContent, Table, TableBody, TableCell, TableHead, TableRow, Typography } from "@mui/material";
import { useQuery } from "@tanstack/react-query";
import type { AduanDataProvider } from "../dataProvider";
import { ChannelIcon } from "../tickets/badges";
import { ResendButton } from "../tickets/delivery";

interface AccountHealth {
  channelAccountId: number; name: string; kind: string; connector: string; active: boolean;
  failed: number; retrying: number; stuck: number; oldestAt: string | null; lastReason: string | null; lastReasonKey: string | null;
}
interface Problem {
  outboxId: number; messageId: number | null; ticketId: number | null; ticketNumber: string | null; channelAccountId: number;
  problem: "failed" | "retrying" | "stuck"; attempts: number; nextAttemptAt: string | null; reason: string | null; reasonKey: string | null; automated: boolean; createdAt: string;
}
interface Answer { totals: { failed: number; retrying: number; stuck: number }; accounts: AccountHealth[]; problems: Problem[] }

const fmt = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : "—");

/**
 * Messages to citizens that do not get through, per channel account (GET /api/delivery-problems),
 * refreshed every 30 s: a broken account (expired token, a number the provider blocked) shows up
 * here within minutes instead of citizens silently never hearing back. Supervisors and admins.
 */
export default function DeliveryProblems() {
  const translate = useTranslate();
  const dp = useDataProvider<AduanDataProvider>();
  const { permissions: role } = usePermissions();
  const { data, isPending, error } = useQuery({
    queryKey: ["aduan", "delivery-problems"],
    queryFn: async () => (await dp.get<Answer>("/delivery-problems")).data,
    refetchInterval: 30_000,
  });
  const accountName = (id: number) => data?.accounts.find((a) => a.channelAccountId === id)?.name ?? `#${id}`;
  const count = (n: number, testid: string, label: string) => (
    <TableCell align="right" data-testid={testid} sx={n > 0 ? { color: "#b71c1c", fontWeight: 700 } : undefined} aria-label={`${label}: ${n}`}>{n}</TableCell>
  );
  return (
    <Box sx={{ display: "grid", gap: 2, mt: 2 }}>
      <Title title="aduan.delivery.problems.title" />
      <Typography variant="h5" component="h1">{translate("aduan.delivery.problems.title")}</Typography>
      <Typography color="text.secondary">{translate("aduan.delivery.problems.intro")}</Typography>
      {isPending ? <Loading /> : null}
      {error ? <Alert severity="error">{translate("aduan.error.load", { message: (error as Error).message })}</Alert> : null}
      {data ? (
        <>
          <Card component="section" aria-labelledby="delivery-accounts">
            <CardContent>
              <Typography id="delivery-accounts" variant="h6" component="h2" gutterBottom>{translate("aduan.delivery.problems.accounts")}</Typography>
              <Box sx={{ overflowX: "auto" }}>
                <Table size="small" aria-labelledby="delivery-accounts">
                  <TableHead>
                    <TableRow>
                      <TableCell>{translate("aduan.delivery.problems.account")}</TableCell>
                      <TableCell align="right">{translate("aduan.delivery.problems.failed")}</TableCell>
                      <TableCell align="right">{translate("aduan.delivery.problems.retrying")}</TableCell>
                      <TableCell align="right">{translate("aduan.delivery.problems.stuck")}</TableCell>
                      <TableCell>{translate("aduan.delivery.problems.last_reason")}</TableCell>
                    </TableRow>
                  </TableHead>
                  <TableBody>
                    {data.accounts.map((a) => (
                      <TableRow key={a.channelAccountId} data-account={a.name} data-problems={a.failed + a.retrying + a.stuck}>
                        <TableCell>
                          <Box sx={{ display: "flex", gap: 1, alignItems: "center", flexWrap: "wrap" }}>
                            <ChannelIcon channel={a.kind} />
                            <strong>{a.name}</strong>
                            {a.active ? null : <Typography variant="caption">({translate("aduan.delivery.problems.inactive")})</Typography>}
                          </Box>
                        </TableCell>
                        {count(a.failed, "count-failed", translate("aduan.delivery.problems.failed"))}
                        {count(a.retrying, "count-retrying", translate("aduan.delivery.problems.retrying"))}
                        {count(a.stuck, "count-stuck", translate("aduan.delivery.problems.stuck"))}
                        <TableCell>
                          {a.lastReasonKey ? (
                            <>
                              {translate(`aduan.delivery.reason.${a.lastReasonKey}`, { _: translate("aduan.delivery.reason.unknown") })}
                              {a.lastReason ? <Typography variant="caption" component="div" sx={{ overflowWrap: "anywhere" }}><code>{a.lastReason}</code></Typography> : null}
                            </>
                          ) : (
                            <Typography variant="body2" sx={{ color: "#1b5e20" }}>{translate("aduan.delivery.problems.ok")}</Typography>
                          )}
                        </TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              </Box>
            </CardContent>
          </Card>
          <Card component="section" aria-labelledby="delivery-list">
            <CardContent>
              <Typography id="delivery-list" variant="h6" component="h2" gutterBottom>{translate("aduan.delivery.problems.list")}</Typography>
              {data.problems.length === 0 ? (
                <Typography color="text.secondary">{translate("aduan.delivery.problems.none")}</Typography>
              ) : (
                <Box sx={{ overflowX: "auto" }}>
                  <Table size="small" aria-labelledby="delivery-list">
                    <TableHead>
                      <TableRow>
                        <TableCell>{translate("aduan.delivery.problems.ticket")}</TableCell>
                        <TableCell>{translate("aduan.delivery.problems.account")}</TableCell>
                        <TableCell>{translate("aduan.delivery.problems.problem")}</TableCell>
                        <TableCell>{translate("aduan.delivery.problems.since")}</TableCell>
                        <TableCell />
                      </TableRow>
                    </TableHead>
                    <TableBody>
                      {data.problems.map((p) => (
                        <TableRow key={p.outboxId} data-problem={p.problem}>
                          <TableCell>
                            {p.ticketId && role === "supervisor" ? <Link to={`/tickets/${p.ticketId}/show`}>{p.ticketNumber ?? `#${p.ticketId}`}</Link> : (p.ticketNumber ?? "—")}
                            {p.automated ? <Typography variant="caption" component="div">{translate("aduan.delivery.problems.automatic")}</Typography> : null}
                          </TableCell>
                          <TableCell>{accountName(p.channelAccountId)}</TableCell>
                          <TableCell>
                            <strong>{p.problem === "stuck" ? translate("aduan.delivery.problems.stuck") : translate(`aduan.delivery.state.${p.problem}`, { time: p.nextAttemptAt ? new Date(p.nextAttemptAt).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) : "" })}</strong>
                            {p.reasonKey ? <div>{translate(`aduan.delivery.reason.${p.reasonKey}`, { _: translate("aduan.delivery.reason.unknown") })}</div> : null}
                            {p.reason ? <Typography variant="caption" component="div" sx={{ overflowWrap: "anywhere" }}><code>{p.reason}</code></Typography> : null}
                          </TableCell>
                          <TableCell>{fmt(p.createdAt)}</TableCell>
                          <TableCell>{p.problem === "failed" && p.messageId && role === "supervisor" ? <ResendButton messageId={p.messageId} /> : null}</TableCell>
                        </TableRow>
                      ))}
                    </TableBody>
                  </Table>
                </Box>
              )}
            </CardContent>
          </Card>
        </>
      ) : null}
    </Box>
  );
}
