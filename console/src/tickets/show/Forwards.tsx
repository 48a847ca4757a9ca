// The ticket's forwards (disposisi) and their state.
import { useTranslate, type RaRecord, useGetMany } from "react-admin";
import { Box, Card, CardContent, Stack, Typography } from "@mui/material";
import type { Ticket } from "../../api-types";
import { SlaCountdown } from "../badges";
import { ForwardFiles, useTicketAttachments } from "./Conversation";

export function Forwards({ ticket }: { ticket: Ticket }) {
  const translate = useTranslate();
  const forwards = (ticket.forwards ?? []) as RaRecord[];
  const ids = [...new Set(forwards.map((f) => f.agencyId as number))];
  const { data: agencies } = useGetMany("agencies", { ids }, { enabled: ids.length > 0 });
  const nameOf = (id: number) => agencies?.find((a) => a.id === id)?.shortName ?? `#${id}`;
  const attachments = useTicketAttachments(ticket.id as number);
  return (
    <Card component="section" aria-labelledby="fwd-heading">
      <CardContent>
        <Typography id="fwd-heading" variant="h6" component="h2">{translate("aduan.ticket.forwards")}</Typography>
        {forwards.length === 0 ? <Typography color="text.secondary">{translate("aduan.ticket.no_forwards")}</Typography> : null}
        <Stack component="ul" spacing={1} sx={{ listStyle: "none", p: 0, m: 0 }}>
          {forwards.map((f) => (
            <Box component="li" key={f.id} sx={{ borderLeft: "3px solid #0d47a1", pl: 1 }} data-forward-status={f.status}>
              <Typography variant="subtitle2">{nameOf(f.agencyId)} — {translate(`aduan.forward_status.${f.status}`)}</Typography>
              <SlaCountdown dueAt={f.dueAt} open={f.isOpen} />
              <Typography variant="body2"><strong>{translate("aduan.ticket.instruction")}:</strong> {f.instruction}</Typography>
              {f.response ? <Typography variant="body2" sx={{ whiteSpace: "pre-wrap" }}><strong>{translate("aduan.ticket.response")}:</strong> {f.response}</Typography> : null}
              {f.returnReason ? <Typography variant="body2"><strong>{translate("aduan.ticket.return_reason")}:</strong> {f.returnReason}</Typography> : null}
              <ForwardFiles items={(attachments ?? []).filter((a) => a.forwardId === f.id)} />
            </Box>
          ))}
        </Stack>
      </CardContent>
    </Card>
  );
}
