import { useEffect, useState } from "react";
import { useGetIdentity, useRefresh, useTranslate } from "react-admin";
import { Alert } from "@mui/material";
import { api } from "../api";
import { useLiveEvents, useLiveRefresh } from ".";

const TICKET_TYPES = ["ticket.changed", "sla.warned", "sla.breached"];
const BEAT_MS = 15_000;

/**
 * On the ticket page: refreshes what the page shows when the stream says this ticket changed (a
 * citizen's message, an OPD's answer, a breach), and the collision notice — who else has the
 * ticket open (a presence heartbeat every 15 s through the gate; the others come by the stream).
 */
export function TicketLive({ ticketId }: { ticketId: number }) {
  const refresh = useRefresh();
  const translate = useTranslate();
  const { data: me } = useGetIdentity();
  const [others, setOthers] = useState<{ id: number; name: string }[]>([]);
  useLiveRefresh(TICKET_TYPES, refresh, { ms: 700, when: (e) => e.ticketId === ticketId });
  useLiveEvents(["presence"], (e) => {
    if (e.ticketId !== ticketId) return;
    const users = ((e.data?.users as { id: number; name: string }[] | undefined) ?? []).filter((u) => u.id !== me?.id);
    setOthers(users);
  });
  useEffect(() => {
    let stopped = false;
    const beat = () =>
      api<{ users: { id: number; name: string }[] }>(`/tickets/${ticketId}/presence`, { method: "POST", body: {} }).then(
        (r) => !stopped && setOthers(r.json.users),
        () => undefined,
      );
    void beat();
    const t = setInterval(beat, BEAT_MS);
    return () => {
      stopped = true;
      clearInterval(t);
      void api(`/tickets/${ticketId}/presence`, { method: "DELETE" }).catch(() => undefined);
    };
  }, [ticketId]);
  if (!others.length) return null;
  return (
    <Alert severity="warning" data-testid="presence-notice" role="status">
      <strong>{translate("aduan.live.also_here", { names: others.map((u) => u.name).join(", ") })}</strong> {translate("aduan.live.also_here_hint")}
    </Alert>
  );
}

/** Inside a react-admin List: refetch it when tickets in the viewer's scope change (at most once a second). */
export function ListLive({ refetch }: { refetch: () => unknown }) {
  useLiveRefresh(["ticket.created", ...TICKET_TYPES], () => void refetch(), { ms: 1000 });
  return null;
}
