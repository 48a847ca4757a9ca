// The signed-in console's frame (app bar, menu, live stream): loaded after sign-in, not with the login page.
import { lazy, Suspense, type ReactNode } from "react";
import { AppBar, type AppBarProps, Layout, LoadingIndicator, Logout, Menu, TitlePortal, UserMenu, useGetIdentity, useTranslate } from "react-admin";
import { Badge, IconButton, Tooltip, Typography } from "@mui/material";
import NotificationsIcon from "@mui/icons-material/Notifications";
import AssessmentIcon from "@mui/icons-material/Assessment";
import InboxIcon from "@mui/icons-material/Inbox";
import PhoneIcon from "@mui/icons-material/PhoneInTalk";
import DashboardIcon from "@mui/icons-material/Dashboard";
import PeopleIcon from "@mui/icons-material/People";
import CallIcon from "@mui/icons-material/Call";
import SmsFailedIcon from "@mui/icons-material/SmsFailed";
import PrivacyTipIcon from "@mui/icons-material/PrivacyTip";
import HistoryToggleOffIcon from "@mui/icons-material/HistoryToggleOff";
import { Link } from "react-router-dom";
import LockIcon from "@mui/icons-material/Lock";
import FactCheckIcon from "@mui/icons-material/FactCheck";
import { useQuery } from "@tanstack/react-query";
import { api } from "../api";
import { LiveProvider, useLiveRefresh } from "../live";
import { LanguageSwitch } from "./LanguageSwitch";
import TvIcon from "@mui/icons-material/Tv";
import MapIcon from "@mui/icons-material/Map";
import { Navigate } from "react-router-dom";

function NotificationsBell() {
  const translate = useTranslate();
  const { data, refetch } = useQuery({
    queryKey: ["aduan", "unread-count"],
    queryFn: async () => (await api<{ unread: number }>("/notifications/unread-count")).json.unread,
    retry: false,
  });
  // A new notification row for me arrives on the live stream: no polling.
  useLiveRefresh(["notification"], () => void refetch());
  const count = data ?? 0;
  const label = `${translate("aduan.notifications.title")}: ${translate("aduan.notifications.unread", { smart_count: count })}`;
  return (
    <Tooltip title={label}>
      <IconButton color="inherit" component={Link} to="/notifications" aria-label={label}>
        <Badge badgeContent={count} color="error" max={99}>
          <NotificationsIcon />
        </Badge>
      </IconButton>
    </Tooltip>
  );
}

interface BackupStatus {
  lastOkAt: string | null;
  lastError: string | null;
  everyHours: number;
  overdue: boolean;
  folder: string;
}

/** Supervisors and admins see at once when the last successful backup is older than its period. */
function BackupAlert() {
  const { data: who } = useGetIdentity();
  const translate = useTranslate();
  const allowed = who?.role === "supervisor" || who?.role === "admin";
  const { data } = useQuery({
    queryKey: ["aduan", "backup-status"],
    queryFn: async () => (await api<BackupStatus>("/operations/backup")).json,
    refetchInterval: 10 * 60_000,
    retry: false,
    enabled: allowed,
  });
  if (!allowed || !data) return null;
  const last = data.lastOkAt ? new Date(data.lastOkAt).toLocaleString() : translate("aduan.backup.never");
  if (!data.overdue) {
    // In time: the last successful backup, quietly (wide screens only).
    return data.lastOkAt ? (
      <Typography variant="caption" data-testid="backup-last" sx={{ mx: 1, opacity: 0.85, display: { xs: "none", lg: "block" } }} title={data.folder}>
        {translate("aduan.backup.last", { last })}
      </Typography>
    ) : null;
  }
  const title = `${translate("aduan.backup.overdue_detail", { last, hours: data.everyHours })}${data.lastError ? ` — ${data.lastError}` : ""}`;
  return (
    <Tooltip title={title}>
      <Typography role="alert" variant="body2" data-testid="backup-overdue" sx={{ mx: 1, px: 1, py: 0.25, borderRadius: 1, bgcolor: "error.main", color: "error.contrastText", fontWeight: 600 }}>
        {translate("aduan.backup.overdue")}
      </Typography>
    </Tooltip>
  );
}

function Who() {
  const { data } = useGetIdentity();
  const translate = useTranslate();
  if (!data) return null;
  return (
    <Typography variant="body2" sx={{ mx: 1, display: { xs: "none", md: "block" } }} data-testid="who">
      {translate(`aduan.roles.${data.role}`)}
    </Typography>
  );
}

/** The user menu's accessible name is the name it shows (axe: label-content-name-mismatch). */
function AduanUserMenu() {
  const { data } = useGetIdentity();
  const translate = useTranslate();
  return (
    <UserMenu label={data?.fullName ?? "ra.auth.user_menu"}>
      <Menu.Item to="/two-factor" primaryText={translate("aduan.two_factor.menu")} leftIcon={<LockIcon />} />
      <Logout />
    </UserMenu>
  );
}

/** Always shown (no hide-on-scroll): the bell and the language switch stay in reach, and the page skips a scroll watcher's forced layouts while it boots. */
function AduanAppBar(props: AppBarProps) {
  return (
    <AppBar {...props} alwaysOn userMenu={<AduanUserMenu />} toolbar={<><BackupAlert /><Who /><LanguageSwitch /><NotificationsBell /><LoadingIndicator /></>}>
      <TitlePortal />
    </AppBar>
  );
}

function AduanMenu() {
  const { data } = useGetIdentity();
  const translate = useTranslate();
  const role = data?.role as string | undefined;
  const center = role === "operator" || role === "supervisor";
  const opd = role === "opd_head" || role === "opd_staff";
  return (
    <Menu>
      {center ? <Menu.Item to="/tickets" primaryText={translate("aduan.menu.queue")} leftIcon={<InboxIcon />} /> : null}
      {center ? <Menu.Item to="/tickets/create" primaryText={translate("aduan.menu.phone")} leftIcon={<PhoneIcon />} /> : null}
      {center ? <Menu.Item to="/contacts" primaryText={translate("resources.contacts.name", { smart_count: 2 })} leftIcon={<PeopleIcon />} /> : null}
      {center ? <Menu.Item to="/calls" primaryText={translate("aduan.calls.menu")} leftIcon={<CallIcon />} /> : null}
      {opd ? <Menu.Item to="/tickets" primaryText={translate("aduan.menu.inbox")} leftIcon={<InboxIcon />} /> : null}
      {role === "supervisor" ? <Menu.Item to="/overview" primaryText={translate("aduan.menu.overview")} leftIcon={<DashboardIcon />} /> : null}
      {role === "supervisor" || role === "admin" ? <Menu.Item to="/pusat-kendali" primaryText={translate("aduan.wall.menu")} leftIcon={<TvIcon />} /> : null}
      {role === "supervisor" || role === "admin" || opd ? <Menu.Item to="/laporan" primaryText={translate("aduan.reports.menu")} leftIcon={<AssessmentIcon />} /> : null}
      {center || role === "admin" ? <Menu.Item to="/peta" primaryText={translate("aduan.map.menu")} leftIcon={<MapIcon />} /> : null}
      {role === "supervisor" || role === "admin" ? <Menu.Item to="/delivery" primaryText={translate("aduan.menu.delivery")} leftIcon={<SmsFailedIcon />} /> : null}
      {center ? <Menu.Item to="/data-subjects" primaryText={translate("aduan.dsr.menu")} leftIcon={<PrivacyTipIcon />} /> : null}
      {center || role === "admin" ? <Menu.Item to="/retention" primaryText={translate("aduan.dsr.menu_retention")} leftIcon={<HistoryToggleOffIcon />} /> : null}
      {role === "admin" ? <Menu.ResourceItems /> : null}
      {role === "admin" ? <Menu.Item to="/security" primaryText={translate("aduan.two_factor.menu")} leftIcon={<LockIcon />} /> : null}
      {role === "supervisor" || role === "admin" ? <Menu.Item to="/audit" primaryText={translate("aduan.audit.menu")} leftIcon={<FactCheckIcon />} /> : null}
      <Menu.Item to="/notifications" primaryText={translate("aduan.menu.notifications")} leftIcon={<NotificationsIcon />} />
    </Menu>
  );
}

const TwoFactorScreen = lazy(() => import("../two-factor"));

export function AduanLayout({ children }: { children: ReactNode }) {
  const { data, isPending } = useGetIdentity();
  // The password alone opens no screen while a second factor is due: the second step (or enrolment) instead.
  if (isPending) return null;
  if (data?.secondFactor === "code" || data?.secondFactor === "enrol") {
    return (
      <Suspense fallback={null}>
        <TwoFactorScreen mode={data.secondFactor} />
      </Suspense>
    );
  }
  // The kiosk role has the wall only (a full screen outside this layout).
  if (data?.role === "layar") return <Navigate to="/pusat-kendali" replace />;
  return (
    <LiveProvider>
      {/* On a phone long unbroken texts (NIK, URLs, addresses) wrap anywhere: nothing scrolls sideways. */}
      <Layout appBar={AduanAppBar} menu={AduanMenu} appBarAlwaysOn sx={{ overflowWrap: { xs: "anywhere", sm: "normal" } }}>
        {children}
      </Layout>
    </LiveProvider>
  );
}
