// The ticket page: title, layout and the parts below it (one file each in this folder).
import { Show, useRecordContext, useTranslate, usePermissions, Link, Loading } from "react-admin";
import { Alert, Box, Card, CardContent, Chip, Stack, Typography } from "@mui/material";
import type { Ticket } from "../../api-types";
import { ChannelIcon, formatTime, SlaCountdown, StatusChip } from "../badges";
import { PublicationPreview } from "../PublicationPreview";
import { RoutingSuggestions } from "../RoutingSuggestions";
import { CaseCluster } from "../CaseCluster";
import { CaseFacts } from "../CaseFacts";
import { TicketLive } from "../../live/TicketLive";
import { AuditHistoryLink } from "../../audit/HistoryLink";
import { CenterActions, OpdActions } from "./Actions";
import { Composer, NoteBox } from "./Composer";
import { Conversation } from "./Conversation";
import { Forwards } from "./Forwards";
import { ReporterCard } from "./Reporter";


function TicketTitle() {
  const r = useRecordContext();
  const translate = useTranslate();
  return <span>{r ? `${translate("resources.tickets.name", { smart_count: 1 })} ${r.number}` : ""}</span>;
}

export function TicketShow() {
  return (
    <Show title={<TicketTitle />} actions={false} emptyWhileLoading>
      <TicketDetail />
    </Show>
  );
}

function TicketDetail() {
  const r = useRecordContext<Ticket>();
  const { permissions: role } = usePermissions();
  const translate = useTranslate();
  if (!r) return <Loading />;
  const center = role === "operator" || role === "supervisor";
  return (
    <Box sx={{ display: "grid", gridTemplateColumns: { xs: "1fr", lg: "minmax(0,2fr) minmax(300px,1fr)" }, gap: 2, p: 2 }}>
      <Stack spacing={2} sx={{ minWidth: 0 }}>
        <TicketLive ticketId={r.id as number} />
        <Card component="section" aria-labelledby="ticket-heading">
          <CardContent>
            <Stack direction="row" spacing={1} useFlexGap sx={{ alignItems: "center", flexWrap: "wrap" }}>
              <Typography id="ticket-heading" variant="h5" component="h1">{r.number}</Typography>
              <StatusChip status={r.status} />
              <ChannelIcon channel={r.channel} />
              <Chip size="small" variant="outlined" label={`${translate("resources.tickets.fields.privacy")}: ${translate(`aduan.privacy.${r.privacy}`)}`} data-privacy={r.privacy} />
              <SlaCountdown dueAt={r.dueAt} open={r.isOpen} />
            </Stack>
            {r.subject && !String(r.description ?? "").startsWith(String(r.subject).replace(/…$/, "")) ? <Typography variant="subtitle1" sx={{ mt: 1, fontWeight: 600 }}>{r.subject}</Typography> : null}
            <Typography sx={{ mt: 1, whiteSpace: "pre-wrap" }} data-testid="ticket-description">{r.description}</Typography>
            <WithheldNotice withheld={r.withheld} />
            <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
              {translate("resources.tickets.fields.receivedAt")}: {formatTime(r.receivedAt)}
              {r.locationText ? ` · ${translate("resources.tickets.fields.locationText")}: ${r.locationText}` : ""}
            </Typography>
            {r.mergedIntoId ? (
              <Alert severity="info" sx={{ mt: 1 }}>
                <Link to={`/tickets/${r.mergedIntoId}/show`}>{translate("aduan.ticket.merged_into", { number: `#${r.mergedIntoId}` })}</Link>
              </Alert>
            ) : null}
          </CardContent>
        </Card>
        <Conversation ticket={r} />
        {center ? <Composer ticket={r} /> : <NoteBox ticket={r} />}
        {center && r.privacy !== "rahasia" ? <PublicationPreview ticketId={r.id as number} /> : null}
      </Stack>
      <Stack spacing={2} sx={{ minWidth: 0 }}>
        <ReporterCard ticket={r} />
        {center ? <CenterActions ticket={r} /> : <OpdActions ticket={r} />}
        <RoutingSuggestions ticket={r} />
        <CaseCluster ticket={r} />
        <Forwards ticket={r} />
        <CaseFacts ticket={r} />
        <AuditHistoryLink ticketId={r.id as number} />
      </Stack>
    </Box>
  );
}

/** What the server's access gate hid from this viewer and why, next to the masked text. */
export function WithheldNotice({ withheld }: { withheld?: { reason: string; masked: boolean } | null }) {
  const translate = useTranslate();
  if (!withheld) return null;
  return (
    <Alert severity="info" sx={{ mt: 1 }} data-testid="withheld-notice" data-reason={withheld.reason}>
      {translate(`aduan.ticket.withheld_${withheld.reason}`)}
    </Alert>
  );
}
