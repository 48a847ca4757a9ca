import type { ReactNode } from "react";
import { Link, useListContext, useTranslate, type RaRecord } from "react-admin";
import { Box, Card, CardActionArea, CardContent, GlobalStyles, Paper, Stack, Typography, useMediaQuery, type Theme } from "@mui/material";
import { ChannelIcon, SlaCountdown, StatusChip } from "./badges";
import { SearchSnippet } from "./SearchSnippet";

/** Phones (below 600 px, MUI's "sm"): the inbox becomes cards and the ticket page one column with a thumb bar. */
export const usePhone = () => useMediaQuery((theme: Theme) => theme.breakpoints.down("sm"), { noSsr: true });

/**
 * The inbox on a phone: one card per ticket (number, status, deadline, subject), the whole card a
 * link to the ticket. Texts wrap anywhere (long numbers, addresses, URLs): no sideways scrolling.
 */
export function TicketCards({ reporter, category }: { reporter: (r: RaRecord) => ReactNode; category: (r: RaRecord) => ReactNode }) {
  const { data, isPending } = useListContext();
  const translate = useTranslate();
  if (isPending) return null;
  if (!data?.length) return <Typography sx={{ p: 2, textAlign: "center" }}>{translate("aduan.empty.queue")}</Typography>;
  return (
    <Stack component="ul" spacing={1} sx={{ listStyle: "none", m: 0, p: 1 }} data-testid="ticket-cards">
      {data.map((r) => {
        const text = String(r.subject || r.description || "");
        return (
          <Box component="li" key={r.id}>
            <Card variant="outlined" data-testid="ticket-card" data-ticket-status={r.status}>
              <CardActionArea component={Link} to={`/tickets/${r.id}/show`}>
                <CardContent sx={{ p: 1.5, "&:last-child": { pb: 1.5 } }}>
                  <Stack direction="row" spacing={1} useFlexGap sx={{ alignItems: "center", flexWrap: "wrap" }}>
                    <Typography variant="subtitle2" component="span" sx={{ fontWeight: 700, overflowWrap: "anywhere" }}>{r.number}</Typography>
                    <ChannelIcon channel={r.channel} />
                    <StatusChip status={r.status} />
                  </Stack>
                  <Typography variant="body2" sx={{ mt: 0.5, overflowWrap: "anywhere" }}>{text.length > 140 ? `${text.slice(0, 140)}…` : text}</Typography>
                  {r.searchHit ? <SearchSnippet hit={r.searchHit} /> : null}
                  <Stack direction="row" spacing={1} useFlexGap sx={{ mt: 0.5, flexWrap: "wrap", alignItems: "center", color: "text.secondary" }}>
                    <Typography variant="caption" sx={{ overflowWrap: "anywhere" }}>{reporter(r)}</Typography>
                    <Typography variant="caption">{category(r)}</Typography>
                    <SlaCountdown dueAt={r.dueAt} open={r.isOpen} />
                  </Stack>
                </CardContent>
              </CardActionArea>
            </Card>
          </Box>
        );
      })}
    </Stack>
  );
}

/**
 * The main actions of a ticket. On a phone they sit in a bar fixed to the bottom of the screen,
 * where the thumb reaches them (the page gets room at its end so nothing hides under it); on
 * larger screens they stay where they are.
 */
export function ThumbBar({ children }: { children: ReactNode }) {
  const phone = usePhone();
  if (!phone) return <>{children}</>;
  return (
    <>
      <GlobalStyles styles={{ body: { paddingBottom: 72 } }} />
      <Paper
        elevation={8}
        square
        data-testid="thumb-bar"
        sx={{ position: "fixed", left: 0, right: 0, bottom: 0, zIndex: (t) => t.zIndex.appBar, p: 1, pb: "calc(8px + env(safe-area-inset-bottom))", display: "flex", gap: 1, "& > *": { flex: 1, minWidth: 0 } }}
      >
        {children}
      </Paper>
    </>
  );
}
