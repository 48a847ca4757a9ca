import { useState, type ReactNode } from "react";
import { useNotify, useRefresh, useTranslate, type RaRecord } from "react-admin";
import { Button, Tooltip } from "@mui/material";
import PublicIcon from "@mui/icons-material/Public";
import TvIcon from "@mui/icons-material/Tv";
import { api } from "../api";

/**
 * A switch under a photo on the ticket page (command center only): PUT turns it on, DELETE off.
 * The server keeps resized copies without EXIF and refuses tickets whose privacy forbids it; the
 * button says so before anyone tries.
 */
interface Labels {
  /** The button while off and while on, the notices after switching, the tooltip when not allowed. */
  turnOn: string;
  isOn: string;
  done: string;
  removed: string;
  forbidden: string;
}

function PhotoToggle(p: { attachment: RaRecord; on: boolean; allowed: boolean; path: string; testId: string; icon: ReactNode; labels: Labels }) {
  const translate = useTranslate();
  const notify = useNotify();
  const refresh = useRefresh();
  const [busy, setBusy] = useState(false);
  const toggle = async () => {
    setBusy(true);
    try {
      await api(`/attachments/${p.attachment.id}/${p.path}`, { method: p.on ? "DELETE" : "PUT", body: p.on ? undefined : {} });
      notify(p.on ? p.labels.removed : p.labels.done, { type: "success" });
      refresh();
    } catch (err) {
      notify((err as Error).message, { type: "error" });
    } finally {
      setBusy(false);
    }
  };
  const button = (
    <span>
      <Button size="small" variant={p.on ? "contained" : "outlined"} startIcon={p.icon} disabled={busy || (!p.allowed && !p.on)} onClick={toggle} aria-pressed={p.on} data-testid={`${p.testId}-${p.attachment.id}`} sx={{ mt: 0.5 }}>
        {translate(p.on ? p.labels.isOn : p.labels.turnOn)}
      </Button>
    </span>
  );
  return !p.allowed && !p.on ? <Tooltip title={translate(p.labels.forbidden)}>{button}</Tooltip> : button;
}

const labels = (base: string, turnOn: string, isOn: string, forbidden: string): Labels => ({
  turnOn: `${base}.${turnOn}`,
  isOn: `${base}.${isOn}`,
  done: `${base}.done`,
  removed: `${base}.removed`,
  forbidden: `${base}.${forbidden}`,
});

/** "Boleh tampil" on the wall: publik tickets only (anonim and rahasia are refused). */
export const WallPhotoToggle = ({ attachment, ticket }: { attachment: RaRecord; ticket: RaRecord }) => (
  <PhotoToggle attachment={attachment} on={attachment.shownOnWall === true} allowed={ticket.privacy === "publik"} path="wall" testId="wall-toggle" icon={<TvIcon />} labels={labels("aduan.map.photos", "show", "shown", "not_public")} />
);

/** Approved, file by file, for the public report page and Open311 media_url: never from rahasia tickets. */
export const PublicPhotoToggle = ({ attachment, ticket }: { attachment: RaRecord; ticket: RaRecord }) => (
  <PhotoToggle attachment={attachment} on={attachment.publicPhoto === true} allowed={ticket.privacy !== "rahasia"} path="public" testId="public-toggle" icon={<PublicIcon />} labels={labels("aduan.public_photos", "approve", "approved", "not_allowed")} />
);
