import { lazy, Suspense, type ComponentType, type ReactNode } from "react";
import type { QueryClient } from "@tanstack/react-query";
import { lazyComponent, lazyResource, loadOnce } from "./lazy";
import { AdminContext, CoreAdminUI, CustomRoutes, LoadingPage, Notification, Resource, defaultTheme, localStorageStore } from "react-admin";
import { CssBaseline } from "@mui/material";
import { Navigate, Route } from "react-router-dom";
import { authProvider } from "./authProvider";
import { dataProvider } from "./dataProvider";
import { i18nProvider } from "./i18n";
import { AduanLogin } from "./layout/Login";
import { hasBootHint } from "./boot/prefetch";
import tickets, { loadTicketList } from "./tickets";
import PeopleIcon from "@mui/icons-material/People";
import WebhookIcon from "@mui/icons-material/Webhook";
import ReceiptLongIcon from "@mui/icons-material/ReceiptLong";

// The signed-in frame (app bar, menu, live stream) and the queue are not part of the login page:
// a fresh browser fetches them while the user types, a browser with a session at once (alongside
// the app's own code and the boot script's API reads).
const loadLayout = loadOnce(() => import("./layout/Layout"));
const loadFirstScreen = () => Promise.all([loadLayout(), loadTicketList()]);
if (hasBootHint()) void loadFirstScreen().catch(() => undefined);
const LazyLayout = lazyComponent(loadLayout, (m) => m.AduanLayout);
function AduanLayout({ children }: { children: ReactNode }) {
  return (
    <Suspense fallback={<LoadingPage />}>
      <LazyLayout>{children}</LazyLayout>
    </Suspense>
  );
}
const LoginPage = () => <AduanLogin prefetch={loadFirstScreen} />;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function rarePage(pick: (m: typeof import("./layout/rare-pages")) => ComponentType<any>) {
  const Page = lazyComponent(() => import("./layout/rare-pages"), pick);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return (props: any) => (
    <Suspense fallback={null}>
      <Page {...props} />
    </Suspense>
  );
}
const rare = {
  error: rarePage((m) => m.Error),
  catchAll: rarePage((m) => m.NotFound),
  accessDenied: rarePage((m) => m.AccessDenied),
  authenticationError: rarePage((m) => m.AuthenticationError),
  authCallbackPage: rarePage((m) => m.AuthCallback),
};
// What <Admin> does (react-admin's AdminContext + AdminUI), without AdminUI's static imports of
// the default layout and pages: the login page's JavaScript stays small.
const store = localStorageStore();

// Admin screens and supervisor views load on demand: operators never download them.
const admin = {
  agencies: lazyResource(() => import("./agencies"), (m) => m.default, ["list", "edit", "create"]),
  categories: lazyResource(() => import("./categories"), (m) => m.default, ["list", "edit", "create"]),
  users: lazyResource(() => import("./users"), (m) => m.default, ["list", "edit", "create"]),
  replyTemplates: lazyResource(() => import("./reply-templates"), (m) => m.default, ["list", "edit"]),
  calendars: lazyResource(() => import("./sla"), (m) => m.calendars, ["list", "edit"]),
  slaPolicies: lazyResource(() => import("./sla"), (m) => m.slaPolicies, ["list", "show", "edit", "create"]),
  webhookEndpoints: lazyResource(() => import("./webhooks"), (m) => m.webhookEndpoints, ["list", "edit", "create"]),
  webhookDeliveries: lazyResource(() => import("./webhooks"), (m) => m.webhookDeliveries, ["list", "show"]),
  channelAccounts: lazyResource(() => import("./channel-accounts"), (m) => m.default, ["list", "edit", "create"]),
};
// The citizen pages (contact links, their tickets) are a click away from a ticket, never the first screen.
const contacts = lazyResource(() => import("./contacts"), (m) => m.default, ["list", "show"]);
const Overview = lazy(() => import("./supervisor/Overview"));
const Notifications = lazy(() => import("./supervisor/Notifications"));
const DeliveryProblems = lazy(() => import("./supervisor/DeliveryProblems"));
const DataSubjects = lazy(() => import("./data-subject/DataSubjects"));
const Retention = lazy(() => import("./data-subject/Retention"));
const MyTwoFactor = lazyComponent(() => import("./two-factor"), (m) => m.MyTwoFactor);
const ReportsPage = lazy(() => import("./reports/ReportsPage"));
const TwoFactorRoles = lazyComponent(() => import("./two-factor"), (m) => m.TwoFactorRoles);
// The command center's wall (and ECharts with it) loads only when opened.
const WallPage = lazy(() => import("./wall/WallPage"));
const calls = lazyResource(() => import("./calls"), (m) => m.default, ["list"]);
const MapPage = lazy(() => import("./map/MapPage"));
const AuditViewer = lazyComponent(() => import("./audit"), (m) => m.AuditViewer);

const theme = {
  ...defaultTheme,
  palette: { ...defaultTheme.palette, primary: { main: "#0d47a1" }, secondary: { main: "#00695c" }, error: { main: "#b71c1c" }, warning: { main: "#8a4b00" }, success: { main: "#1b5e20" } },
  components: {
    ...defaultTheme.components,
    // react-admin's loading spinners are ARIA progressbars: screen readers need a name for them
    // (axe: aria-progressbar-name). The theme is built before the locale is known, so both languages.
    MuiCircularProgress: { defaultProps: { "aria-label": "Memuat… / Loading…" } },
  },
};

export function App({ queryClient }: { queryClient?: QueryClient }) {
  return (
    <AdminContext dataProvider={dataProvider} authProvider={authProvider} i18nProvider={i18nProvider} store={store} theme={theme} queryClient={queryClient}>
      <CssBaseline enableColorScheme>
      <CoreAdminUI
        title="Aduan"
        layout={AduanLayout}
        loginPage={LoginPage}
        loading={LoadingPage}
        {...rare}
        disableTelemetry
        requireAuth
      >
      {(role: string | undefined) => (
        <>
          {role === "operator" || role === "supervisor" ? (
            <>
              <Resource name="tickets" {...tickets} />
              <Resource name="contacts" {...contacts} icon={PeopleIcon} />
              <Resource name="calls" {...calls} />
              <Resource name="agencies" />
              <Resource name="categories" />
              <Resource name="users" />
              <Resource name="messages" />
              <Resource name="forwards" />
            </>
          ) : null}
          {role === "opd_head" || role === "opd_staff" ? (
            <>
              <Resource name="tickets" list={tickets.list} show={tickets.show} icon={tickets.icon} />
              <Resource name="agencies" />
              <Resource name="categories" />
              <Resource name="users" />
              <Resource name="messages" />
              <Resource name="forwards" />
            </>
          ) : null}
          {role === "admin" ? (
            <>
              <Resource name="agencies" {...admin.agencies} />
              <Resource name="users" {...admin.users} />
              <Resource name="categories" {...admin.categories} />
              <Resource name="reply-templates" {...admin.replyTemplates} />
              <Resource name="channel-accounts" {...admin.channelAccounts} />
              <Resource name="calendars" {...admin.calendars} />
              <Resource name="sla-policies" {...admin.slaPolicies} />
              <Resource name="webhook-endpoints" {...admin.webhookEndpoints} icon={WebhookIcon} />
              <Resource name="webhook-deliveries" {...admin.webhookDeliveries} icon={ReceiptLongIcon} />
            </>
          ) : null}
          <CustomRoutes noLayout>
            {/* The kiosk role "layar" has the wall only: it lands there after login. */}
            {role === "layar" ? <Route path="/" element={<Navigate to="/pusat-kendali" replace />} /> : null}
            <Route path="/pusat-kendali" element={<Suspense fallback={null}><WallPage /></Suspense>} />
            {role === "operator" || role === "supervisor" || role === "admin" ? <Route path="/peta" element={<Suspense fallback={null}><MapPage /></Suspense>} /> : null}
          </CustomRoutes>
          <CustomRoutes>
            <Route path="/overview" element={<Overview />} />
            <Route path="/notifications" element={<Notifications />} />
            <Route path="/delivery" element={<DeliveryProblems />} />
            <Route path="/data-subjects" element={<DataSubjects />} />
            <Route path="/retention" element={<Retention />} />
            <Route path="/two-factor" element={<MyTwoFactor />} />
            {role === "admin" ? <Route path="/security" element={<TwoFactorRoles />} /> : null}
            {role === "admin" || role === "supervisor" || role === "opd_head" || role === "opd_staff" ? <Route path="/laporan" element={<ReportsPage />} /> : null}
            {role === "admin" || role === "supervisor" ? <Route path="/audit" element={<AuditViewer />} /> : null}
          </CustomRoutes>
        </>
      )}
      </CoreAdminUI>
      <Notification />
      </CssBaseline>
    </AdminContext>
  );
}
