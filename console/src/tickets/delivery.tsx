import { useState } from "react";
import { useDataProvider, useNotify, useRefresh, useTranslate, type RaRecord } from "react-admin";
import { Box, Button, Typography } from "@mui/material";
import ReplayIcon from "@mui/icons-material/Replay";
import type { AduanDataProvider } from "../dataProvider";
import { ChannelIcon } from "./badges";

/** The delivery of a message to a citizen, as GET /api/messages presents it (server/queries/outbound-delivery.ts). */
export interface Delivery {
  state: "queued" | "sending" | "retrying" | "sent" | "delivered" | "read" | "failed";
  attempts: number;
  nextAttemptAt: string | null;
  reasonKey: string | null;
  /** The provider's own words; null for OPD users. */
  reason: string | null;
  resendable: boolean;
}

// Text/background pairs with at least 4.5:1 contrast (WCAG AA); the text says the same for those who cannot see colour.
const STATE_COLOURS: Record<Delivery["state"], [string, string]> = {
  queued: ["#eceff1", "#37474f"], sending: ["#eceff1", "#37474f"], retrying: ["#fff3e0", "#8a4b00"], sent: ["#e3f2fd", "#0d47a1"],
  delivered: ["#e8f5e9", "#1b5e20"], read: ["#e8f5e9", "#1b5e20"], failed: ["#ffebee", "#b71c1c"],
};

const time = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

/**
 * Who wrote a message and how it travelled: a citizen's message and ours name their channel; an
 * internal note and the OPD's answer as recorded name none (the citizen gets the answer as an
 * automatic message, which names its channel); automatic notices say they are automatic.
 */
export function MessageLabel({ message }: { message: RaRecord }) {
  const translate = useTranslate();
  const m = message;
  let who: string;
  if (m.direction === "outbound") {
    who = m.automated
      ? m.notice
        ? translate(`aduan.delivery.notice.${m.notice}`, { _: translate("aduan.delivery.author.automatic") })
        : translate("aduan.delivery.author.automatic")
      : translate("aduan.delivery.author.outbound");
  } else {
    who = translate(`aduan.delivery.author.${m.direction}`, { _: m.direction });
  }
  return (
    <>
      <strong data-testid="message-author">{who}</strong>
      {m.via ? (
        <Box component="span" data-testid="message-via" data-via={m.via} title={translate("aduan.delivery.via", { channel: translate(`aduan.channel.${m.via}`) })}>
          <ChannelIcon channel={m.via} />
        </Box>
      ) : null}
      {m.failover ? (
        <Box component="span" data-testid="message-failover" data-failover={m.failover} sx={{ ml: 0.5, px: 0.75, borderRadius: 1, bgcolor: "#fff3e0", color: "#8a4b00", fontSize: "0.8em", fontWeight: 600 }}>
          {translate("aduan.delivery.failover", { connector: translate(`aduan.delivery.connector.${m.failover}`, { _: m.failover }) })}
        </Box>
      ) : null}
    </>
  );
}

/** The real state of a message to a citizen; a failure with its reason in the user's language and the provider's own words. */
export function DeliveryState({ message, canResend }: { message: RaRecord; canResend: boolean }) {
  const translate = useTranslate();
  const d = message.delivery as Delivery | undefined;
  if (!d) return null;
  const [bg, fg] = STATE_COLOURS[d.state] ?? STATE_COLOURS.queued;
  const label = translate(`aduan.delivery.state.${d.state}`, { time: d.nextAttemptAt ? time(d.nextAttemptAt) : "", _: d.state });
  return (
    <Box component="span" data-delivery={d.state} sx={{ display: "inline-flex", gap: 0.5, alignItems: "center" }}>
      <Box component="span" sx={{ bgcolor: bg, color: fg, px: 0.75, borderRadius: 1, fontWeight: 600 }} title={d.attempts ? translate("aduan.delivery.attempts", { smart_count: d.attempts }) : undefined}>
        {label}
      </Box>
      {d.resendable && canResend ? <ResendButton messageId={message.id as number} /> : null}
    </Box>
  );
}

/** Shown under a failed or retrying message: why, in words an operator understands, then the provider's own. */
export function DeliveryReason({ message }: { message: RaRecord }) {
  const translate = useTranslate();
  const d = message.delivery as Delivery | undefined;
  if (!d || !d.reasonKey || (d.state !== "failed" && d.state !== "retrying")) return null;
  return (
    <Box role={d.state === "failed" ? "alert" : "status"} data-testid="delivery-reason" sx={{ mt: 1, p: 1, borderRadius: 1, bgcolor: d.state === "failed" ? "#ffebee" : "#fff3e0", color: d.state === "failed" ? "#b71c1c" : "#8a4b00" }}>
      <Typography variant="body2" sx={{ fontWeight: 600 }}>{translate(`aduan.delivery.reason.${d.reasonKey}`, { _: translate("aduan.delivery.reason.unknown") })}</Typography>
      {d.reason ? (
        <Typography variant="caption" component="p" sx={{ overflowWrap: "anywhere", color: "#37474f" }}>
          {translate("aduan.delivery.raw")}: <code>{d.reason}</code>
        </Typography>
      ) : null}
    </Box>
  );
}

/** "Kirim ulang": queues the same message again through the outbox (POST /messages/:id/resend). */
export function ResendButton({ messageId, onDone }: { messageId: number; onDone?: () => void }) {
  const translate = useTranslate();
  const dp = useDataProvider<AduanDataProvider>();
  const notify = useNotify();
  const refresh = useRefresh();
  const [busy, setBusy] = useState(false);
  return (
    <Button
      size="small"
      variant="outlined"
      color="error"
      startIcon={<ReplayIcon />}
      disabled={busy}
      sx={{ py: 0, minHeight: 0 }}
      onClick={async () => {
        setBusy(true);
        try {
          const { data } = await dp.post<{ requeued: boolean }>(`/messages/${messageId}/resend`, {});
          notify(data.requeued ? "aduan.delivery.resent" : "aduan.delivery.already", { type: data.requeued ? "success" : "info" });
          refresh();
          onDone?.();
        } catch (e) {
          notify((e as Error).message, { type: "error" });
        } finally {
          setBusy(false);
        }
      }}
    >
      {translate("aduan.delivery.resend")}
    </Button>
  );
}
