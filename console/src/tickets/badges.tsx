// What every ticket screen shows the same way: the channel icon, the status chip, the SLA countdown,
// the lists of statuses and privacy levels, and times in the viewer's locale.
import { useEffect, useState } from "react";
import { useTranslate } from "react-admin";

type Translate = ReturnType<typeof useTranslate>;
import type { CSSProperties } from "react";
import SmsIcon from "@mui/icons-material/Sms";
import PhoneIcon from "@mui/icons-material/Phone";
import WhatsAppIcon from "@mui/icons-material/WhatsApp";
import TelegramIcon from "@mui/icons-material/Telegram";
import EmailIcon from "@mui/icons-material/Email";
import FacebookIcon from "@mui/icons-material/Facebook";
import InstagramIcon from "@mui/icons-material/Instagram";
import XIcon from "@mui/icons-material/X";
import LanguageIcon from "@mui/icons-material/Language";
import type { SvgIconComponent } from "@mui/icons-material";

export { CHANNEL_KINDS as CHANNELS } from "../../../channels/rules/channel-kinds";
export const STATUSES = ["received", "verified", "forwarded", "in_progress", "answered", "resolved", "closed", "rejected", "merged", "returned", "waiting_on_citizen", "reopened", "in_review"] as const;
export const PRIVACY = ["publik", "anonim", "rahasia"] as const;

const ICONS: Record<string, SvgIconComponent> = {
  sms: SmsIcon, voice: PhoneIcon, whatsapp: WhatsAppIcon, telegram: TelegramIcon, email: EmailIcon,
  facebook: FacebookIcon, instagram: InstagramIcon, x: XIcon, web: LanguageIcon,
};

export function ChannelIcon({ channel }: { channel: string }) {
  const translate = useTranslate();
  const Icon = ICONS[channel] ?? LanguageIcon;
  const label = translate(`aduan.channel.${channel}`);
  return (
    <span style={CHANNEL_STYLE} title={label}>
      <Icon fontSize="small" aria-hidden />
      <span className="channel-label">{label}</span>
    </span>
  );
}

// Background/text pairs chosen for at least 4.5:1 contrast (WCAG AA).
const STATUS_COLOURS: Record<string, [string, string]> = {
  received: ["#fff3e0", "#8a4b00"], verified: ["#e3f2fd", "#0d47a1"], forwarded: ["#0d47a1", "#ffffff"], in_progress: ["#1a237e", "#ffffff"],
  answered: ["#00695c", "#ffffff"], resolved: ["#1b5e20", "#ffffff"], closed: ["#eceff1", "#37474f"], rejected: ["#eceff1", "#37474f"],
  merged: ["#eceff1", "#37474f"], returned: ["#b71c1c", "#ffffff"], waiting_on_citizen: ["#f3e5f5", "#6a1b9a"], reopened: ["#fff3e0", "#8a4b00"],
  in_review: ["#fff8e1", "#6d4c00"],
};

// These badges are in every row of the queue: plain elements with inline styles render several times
// faster than MUI's Chip and Box (each a styled component whose styles are serialized per render).
const CHANNEL_STYLE: CSSProperties = { display: "inline-flex", alignItems: "center", gap: 4 };
/** The look of MUI's small Chip. */
const CHIP_STYLE: CSSProperties = { display: "inline-flex", alignItems: "center", height: 24, padding: "0 8px", borderRadius: 16, fontSize: "0.8125rem", fontWeight: 600, whiteSpace: "nowrap", verticalAlign: "middle" };

export function StatusChip({ status }: { status: string }) {
  const translate = useTranslate();
  const [bg, fg] = STATUS_COLOURS[status] ?? ["#eceff1", "#37474f"];
  return (
    <span style={{ ...CHIP_STYLE, background: bg, color: fg }} data-status={status}>
      {translate(`aduan.status.${status}`)}
    </span>
  );
}

/** A clock that re-renders every 30 s, so countdowns move without reloading. */
export function useNow(everyMs = 30_000) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}

export function humanDuration(ms: number, translate: Translate) {
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  const parts: string[] = [];
  if (days) parts.push(translate("aduan.sla.days", { n: days }));
  if (hours && days < 3) parts.push(translate("aduan.sla.hours", { n: hours }));
  if (!days && hours < 6) parts.push(translate("aduan.sla.minutes", { n: mins }));
  return parts.join(" ");
}

/**
 * SLA countdown: green while there is time, amber within a working day of the deadline, red once
 * breached. Colours pass WCAG AA on white; the text says the same for those who cannot see them.
 */
export function SlaCountdown({ dueAt, open = true }: { dueAt: string | null | undefined; open?: boolean }) {
  const translate = useTranslate();
  const now = useNow();
  if (!dueAt || !open) return <span>{translate("aduan.sla.none")}</span>;
  const left = new Date(dueAt).getTime() - now;
  const level = left < 0 ? "breached" : left < 24 * 3600_000 ? "warning" : "ok";
  const colour = level === "breached" ? "#b71c1c" : level === "warning" ? "#8a4b00" : "#1b5e20";
  const bg = level === "breached" ? "#ffebee" : level === "warning" ? "#fff3e0" : "#e8f5e9";
  const text = left < 0 ? translate("aduan.sla.overdue", { time: humanDuration(left, translate) }) : translate("aduan.sla.left", { time: humanDuration(left, translate) });
  return (
    <span
      data-sla={level}
      title={new Date(dueAt).toLocaleString()}
      style={{ color: colour, background: bg, padding: "2px 6px", borderRadius: 4, fontWeight: 600, whiteSpace: "nowrap", fontSize: "0.8125rem" }}
    >
      {text}
    </span>
  );
}

/** A time as the viewer's locale writes it; "—" when there is none. */
export const formatTime = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : "—");
