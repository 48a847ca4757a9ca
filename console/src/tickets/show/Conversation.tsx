// The ticket's conversation: messages, their delivery, attachments and the OPD's answer files.
import { useGetList, useTranslate, usePermissions, type RaRecord, Loading } from "react-admin";
import { Alert, Box, Card, CardContent, Stack, Typography } from "@mui/material";
import type { Ticket } from "../../api-types";
import { formatTime } from "../badges";
import { attachmentParams, conversationParams } from "../../boot/urls";
import { DeliveryReason, DeliveryState, MessageLabel } from "../delivery";
import { TicketLive } from "../../live/TicketLive";
import { PublicPhotoToggle, WallPhotoToggle } from "../../map/PhotoToggle";
import { CallTranscript, type TranscriptionView } from "../../calls/Transcript";

export function Conversation({ ticket }: { ticket: Ticket }) {
  const translate = useTranslate();
  const { permissions: role } = usePermissions();
  const center = role === "operator" || role === "supervisor";
  // New messages appear without reloading: TicketLive refreshes the page on the live stream's events.
  const { data, isPending, error } = useGetList(
    "messages",
    conversationParams(ticket.id),
  );
  const attachments = useTicketAttachments(ticket.id as number);
  return (
    <Card component="section" aria-labelledby="conv-heading">
      <CardContent>
        <Typography id="conv-heading" variant="h6" component="h2">{translate("aduan.ticket.conversation")}</Typography>
        <Typography variant="caption" color="text.secondary">{translate("aduan.ticket.live")}</Typography>
        {isPending ? <Loading /> : null}
        {error ? <Alert severity="error">{translate("aduan.error.load", { message: (error as Error).message })}</Alert> : null}
        {data && data.length === 0 ? <Typography color="text.secondary">{translate("aduan.ticket.no_messages")}</Typography> : null}
        <Stack component="ol" spacing={1} sx={{ listStyle: "none", p: 0, m: 0, mt: 1 }} aria-live="polite" data-testid="conversation">
          {(data ?? []).map((m) => (
            <Box
              component="li"
              key={m.id}
              data-direction={m.direction}
              sx={{
                p: 1.5,
                borderRadius: 2,
                maxWidth: "85%",
                alignSelf: m.direction === "inbound" ? "flex-start" : "flex-end",
                bgcolor: m.direction === "inbound" ? "#f1f3f4" : m.direction === "note" ? "#fff8e1" : m.direction === "answer" ? "#e8f5e9" : "#e3f2fd",
                border: m.direction === "note" ? "1px dashed #8d6e00" : "none",
              }}
            >
              <Typography variant="caption" component="div" sx={{ color: "#37474f", display: "flex", gap: 1, alignItems: "center", flexWrap: "wrap" }}>
                <MessageLabel message={m} />
                <time dateTime={m.createdAt}>{formatTime(m.createdAt)}</time>
                {m.ticketId !== ticket.id ? <span>· #{m.ticketId}</span> : null}
                <DeliveryState message={m} canResend={center} />
              </Typography>
              {m.subject && !String(m.body ?? "").startsWith(String(m.subject).replace(/…$/, "")) ? <Typography variant="subtitle2" component="p">{m.subject}</Typography> : null}
              <Typography sx={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>{m.body}</Typography>
              <Attachments items={(attachments ?? []).filter((a) => a.messageId === m.id)} ticket={center ? ticket : undefined} />
              {m.transcription ? <CallTranscript transcription={m.transcription as TranscriptionView} /> : null}
              <DeliveryReason message={m} />
            </Box>
          ))}
        </Stack>
      </CardContent>
    </Card>
  );
}

/** The ticket's files the viewer may see (an OPD: the citizen's and its own); one cached query for the whole page. */
export function useTicketAttachments(ticketId: number) {
  const { data } = useGetList(
    "attachments",
    attachmentParams(ticketId),
  );
  return data;
}

/** Photos are shown (through the authenticated API); other files are links. */
function Attachments({ items, ticket }: { items: RaRecord[]; /** The command center's: photos can be marked for the wall. */ ticket?: RaRecord }) {
  const translate = useTranslate();
  if (items.length === 0) return null;
  return (
    <Stack direction="row" spacing={1} useFlexGap sx={{ flexWrap: "wrap", mt: 1 }} data-testid="attachments">
      {items.map((a) =>
        a.state !== "fetched" ? (
          <Typography key={a.id} variant="caption">{a.fileName} ({translate("ra.page.loading")}…)</Typography>
        ) : /^image\//.test(a.mimeType) ? (
          <Box key={a.id}>
            <a href={a.url} target="_blank" rel="noopener">
              <Box component="img" src={a.url} alt={a.fileName} loading="lazy" sx={{ maxWidth: 240, maxHeight: 180, borderRadius: 1, border: "1px solid #ccc", display: "block" }} />
            </a>
            {ticket ? (
              <Stack direction="column" sx={{ alignItems: "flex-start" }}>
                <WallPhotoToggle attachment={a} ticket={ticket} />
                <PublicPhotoToggle attachment={a} ticket={ticket} />
              </Stack>
            ) : null}
          </Box>
        ) : /^audio\//.test(a.mimeType) ? (
          // A call's recording plays here (its bytes come through the access gate like any attachment).
          <Box key={a.id}>
            <audio controls preload="none" src={a.url} aria-label={`${translate("aduan.calls.recording")}: ${a.fileName}`} style={{ maxWidth: 320 }} data-testid="ticket-recording" />
            <Box><a href={a.url} download={a.fileName}>{a.fileName}</a></Box>
          </Box>
        ) : (
          <a key={a.id} href={a.url} download={a.fileName}>{a.fileName}</a>
        ),
      )}
    </Stack>
  );
}

/** The files an OPD attached to its answer on this forward, as download links (its photos also show, with their buttons, under the answer in the conversation). */
export function ForwardFiles({ items }: { items: RaRecord[] }) {
  const translate = useTranslate();
  if (items.length === 0) return null;
  return (
    <Box data-testid="forward-files">
      <Typography variant="body2" component="span"><strong>{translate("aduan.answer_files.files")}:</strong> </Typography>
      {items.map((a, i) => (
        <span key={a.id}>
          {i > 0 ? ", " : null}
          <a href={a.url} download={a.fileName}>{a.fileName}</a>
        </span>
      ))}
    </Box>
  );
}
