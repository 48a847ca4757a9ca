import { lazy } from "react";
import { Admin, CustomRoutes, Resource, defaultTheme } from "react-admin";
import { Route } from "react-router-dom";
import { authProvider } from "./authProvider";
import { dataProvider } from "./dataProvider";
import { i18nProvider } from "./i18n";
import { AduanLayout, AduanLogin } from "./layout/Layout";
import tickets from "./tickets";
import contacts from "./contacts";

// Admin screens and supervisor views load on demand: operators never download them.
const admin = {
  agencies: { list: lazy(() => import("./agencies").then((m) => ({ default: m.default.list }))), edit: lazy(() => import("./agencies").then((m) => ({ default: m.default.edit }))), create: lazy(() => import("./agencies").then((m) => ({ default: m.default.create }))) },
  categories: { list: lazy(() => import("./categories").then((m) => ({ default: m.default.list }))), edit: lazy(() => import("./categories").then((m) => ({ default: m.default.edit }))), create: lazy(() => import("./categories").then((m) => ({ default: m.default.create }))) },
  users: { list: lazy(() => import("./users").then((m) => ({ default: m.default.list }))), edit: lazy(() => import("./users").then((m) => ({ default: m.default.edit }))), create: lazy(() => import("./users").then((m) => ({ default: m.default.create }))) },
  replyTemplates: { list: lazy(() => import("./reply-templates").then((m) => ({ default: m.default.list }))), edit: lazy(() => import("./reply-templates").then((m) => ({ default: m.default.edit }))) },
  calendars: { list: lazy(() => import("./sla").then((m) => ({ default: m.calendars.list }))), edit: lazy(() => import("./sla").then((m) => ({ default: m.calendars.edit }))) },
  slaPolicies: {
    list: lazy(() => import("./sla").then((m) => ({ default: m.slaPolicies.list }))),
    show: lazy(() => import("./sla").then((m) => ({ default: m.slaPolicies.show }))),
    edit: lazy(() => import("./sla").then((m) => ({ default: m.slaPolicies.edit }))),
    create: lazy(() => import("./sla").then((m) => ({ default: m.slaPolicies.create }))),
  },
  channelAccounts: { list: lazy(() => import("./channel-accounts").then((m) => ({ default: m.default.list }))), edit: lazy(() => import("./channel-accounts").then((m) => ({ default: m.default.edit }))), create: lazy(() => import("./channel-accounts").then((m) => ({ default: m.default.create }))) },
};
const Overview = lazy(() => import("./supervisor/Overview"));
const Notifications = lazy(() => import("./supervisor/Notifications"));
const DeliveryProblems = lazy(() => import("./supervisor/DeliveryProblems"));
const DataSubjects = lazy(() => import("./data-subject/DataSubjects"));
const Retention = lazy(() => import("./data-subject/Retention"));
const MyTwoFactor = lazy(() => import("./two-factor").then((m) => ({ default: m.MyTwoFactor })));
const TwoFactorRoles = lazy(() => import("./two-factor").then((m) => ({ default: m.TwoFactorRoles })));

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

export function App() {
  return (
    <Admin
      title="Aduan"
      dataProvider={dataProvider}
      authProvider={authProvider}
      i18nProvider={i18nProvider}
      layout={AduanLayout}
      loginPage={AduanLogin}
      theme={theme}
      disableTelemetry
      requireAuth
    >
      {(role: string | undefined) => (
        <>
          {role === "operator" || role === "supervisor" ? (
            <>
              <Resource name="tickets" {...tickets} />
              <Resource name="contacts" {...contacts} create={undefined} />
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
            </>
          ) : null}
          <CustomRoutes>
            <Route path="/overview" element={<Overview />} />
            <Route path="/notifications" element={<Notifications />} />
            <Route path="/delivery" element={<DeliveryProblems />} />
            <Route path="/data-subjects" element={<DataSubjects />} />
            <Route path="/retention" element={<Retention />} />
            <Route path="/two-factor" element={<MyTwoFactor />} />
            {role === "admin" ? <Route path="/security" element={<TwoFactorRoles />} /> : null}
          </CustomRoutes>
        </>
      )}
    </Admin>
  );
}
