import HubIcon from "@mui/icons-material/Hub";
import {
  BooleanField, BooleanInput, Create, Datagrid, Edit, List, NumberInput, PasswordInput, SelectInput, SimpleForm, TextField, TextInput, required,
  useDataProvider, useNotify, useRecordContext, useTranslate, Labeled, useGetList, Confirm,
} from "react-admin";
import { useState } from "react";
import { Alert, Box, Button, Typography } from "@mui/material";
import { useQuery } from "@tanstack/react-query";
import { useWatch } from "react-hook-form";
import type { AduanDataProvider } from "../dataProvider";
import { isSecretFieldName } from "../../../channels/rules/secret-fields";

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  description?: string;
  format?: string;
  default?: unknown;
}
interface ConnectorInfo {
  id: string;
  kind: string;
  title?: string;
  inbound: "webhook" | "session";
  register: boolean;
  configSchema: JsonSchema;
}

function useConnectors() {
  const dp = useDataProvider<AduanDataProvider>();
  return useQuery({ queryKey: ["aduan", "connectors"], queryFn: async () => (await dp.get<ConnectorInfo[]>("/channel-connectors")).data });
}


/** The configuration inputs, generated from the connector's JSON schema (zod's configSchema). */
function ConfigFields({ connectorId, editing }: { connectorId?: string; editing?: boolean }) {
  const { data } = useConnectors();
  const c = data?.find((x) => x.id === connectorId);
  if (!c) return null;
  const props = c.configSchema.properties ?? {};
  const req = new Set(c.configSchema.required ?? []);
  return (
    <Box sx={{ display: "flex", flexDirection: "column", width: "100%", maxWidth: 560 }} data-testid="config-fields">
      {Object.entries(props).map(([name, s]) => {
        const type = Array.isArray(s.type) ? s.type.find((t) => t !== "null") : s.type;
        const label = name;
        const validate = req.has(name) && !editing ? required() : undefined;
        const helperText = s.description ?? false;
        if (s.enum) return <SelectInput key={name} source={`config.${name}`} label={label} choices={s.enum.map((v) => ({ id: String(v), name: String(v) }))} validate={validate} helperText={helperText} />;
        if (type === "boolean") return <BooleanInput key={name} source={`config.${name}`} label={label} helperText={helperText} />;
        if (type === "number" || type === "integer") return <NumberInput key={name} source={`config.${name}`} label={label} validate={validate} helperText={helperText} />;
        if (isSecretFieldName(name)) return <PasswordInput key={name} source={`config.${name}`} label={label} validate={validate} helperText={helperText} autoComplete="new-password" />;
        return <TextInput key={name} source={`config.${name}`} label={label} validate={validate} helperText={helperText} fullWidth />;
      })}
    </Box>
  );
}

function ConnectorSelect() {
  const { data } = useConnectors();
  return <SelectInput source="connector" choices={(data ?? []).map((c) => ({ id: c.id, name: c.title ?? c.id }))} validate={required()} />;
}

function CreateConfig() {
  const connector = useWatch({ name: "connector" }) as string | undefined;
  return <ConfigFields connectorId={connector} />;
}

function WebhookPanel() {
  const r = useRecordContext();
  const translate = useTranslate();
  const dp = useDataProvider<AduanDataProvider>();
  const notify = useNotify();
  const { data } = useConnectors();
  if (!r?.webhookUrl) return null;
  const c = data?.find((x) => x.id === r.connector);
  return (
    <Box sx={{ mb: 2, width: "100%" }}>
      <Labeled label="aduan.channel_account.webhook">
        <Typography component="code" sx={{ fontFamily: "monospace", wordBreak: "break-all" }} data-testid="webhook-url">{r.webhookUrl}</Typography>
      </Labeled>
      {c?.register ? (
        <Button
          variant="outlined"
          sx={{ ml: 2 }}
          onClick={async () => {
            try {
              await dp.post(`/channel-accounts/${r.id}/register-webhook`, {});
              notify("aduan.channel_account.registered", { type: "success" });
            } catch (e) {
              notify((e as Error).message, { type: "error" });
            }
          }}
        >
          {translate("aduan.channel_account.register")}
        </Button>
      ) : null}
      {r.lastError ? <Alert severity="warning" sx={{ mt: 1 }}>{r.lastError}</Alert> : null}
    </Box>
  );
}

interface SessionView {
  state: string;
  needsLogin: boolean;
  qr: string | null;
  qrSvg: string | null;
  detail: string | null;
  downSince: string | null;
  logoutRequested: boolean;
}

/**
 * A session account's state (WhatsApp Web, IMAP), polled every few seconds: while the WhatsApp Web
 * session needs a login, its QR code (rendered by the server as SVG) follows WhatsApp's refreshes;
 * the admin can log the session out. Admin-only, like the whole screen and its route.
 */
function SessionPanel() {
  const r = useRecordContext();
  const translate = useTranslate();
  const dp = useDataProvider<AduanDataProvider>();
  const notify = useNotify();
  const [confirming, setConfirming] = useState(false);
  const session = r?.inbound === "session";
  const { data, refetch } = useQuery({
    queryKey: ["aduan", "session", r?.id],
    queryFn: async () => (await dp.get<SessionView>(`/channel-accounts/${r!.id}/session`)).data,
    enabled: !!r && session,
    refetchInterval: 3_000,
  });
  if (!r || !session || !data) return null;
  const whatsapp = r.kind === "whatsapp";
  return (
    <Box sx={{ mb: 2, width: "100%" }} data-testid="session-panel" data-state={data.state}>
      <Typography variant="subtitle1">{translate("aduan.channel_account.session.title")}</Typography>
      <Typography variant="body2" data-testid="session-state">
        {translate("aduan.channel_account.session.state", { state: translate(`aduan.channel_account.session.states.${data.state}`, { _: data.state }) })}
        {data.downSince && data.state !== "connected" ? ` · ${translate("aduan.channel_account.session.down_since", { time: new Date(data.downSince).toLocaleString() })}` : ""}
      </Typography>
      {data.detail && data.state !== "connected" ? <Typography variant="caption" component="p">{data.detail}</Typography> : null}
      {data.qrSvg ? (
        <Box sx={{ mt: 1 }}>
          <Typography variant="body2">{translate("aduan.channel_account.session.scan")}</Typography>
          <img src={`data:image/svg+xml;utf8,${encodeURIComponent(data.qrSvg)}`} alt={translate("aduan.channel_account.session.qr_alt")} width={264} height={264} data-testid="session-qr" data-qr={data.qr ?? ""} />
        </Box>
      ) : null}
      {whatsapp && (data.state === "connected" || data.state === "needs-auth" || data.state === "disconnected") ? (
        <Box sx={{ mt: 1 }}>
          <Button variant="outlined" color="warning" disabled={data.logoutRequested} onClick={() => setConfirming(true)} data-testid="session-logout">
            {translate("aduan.channel_account.session.logout")}
          </Button>
          {data.logoutRequested ? <Typography variant="caption" sx={{ ml: 1 }}>{translate("aduan.channel_account.session.logout_requested")}</Typography> : null}
          <Confirm
            isOpen={confirming}
            title="aduan.channel_account.session.logout"
            content="aduan.channel_account.session.logout_confirm"
            onClose={() => setConfirming(false)}
            onConfirm={async () => {
              setConfirming(false);
              try {
                await dp.post(`/channel-accounts/${r.id}/session/logout`, {});
                notify("aduan.channel_account.session.logout_requested", { type: "info" });
                void refetch();
              } catch (e) {
                notify((e as Error).message, { type: "error" });
              }
            }}
          />
        </Box>
      ) : null}
    </Box>
  );
}

/** The WhatsApp fail-over pairing: the other WhatsApp account (Web <-> Cloud API) and the Cloud template for closed windows. */
function FailoverFields() {
  const r = useRecordContext();
  const translate = useTranslate();
  const { data: accounts } = useGetList("channel-accounts", { pagination: { page: 1, perPage: 200 }, sort: { field: "id", order: "ASC" } });
  if (r?.kind !== "whatsapp") return null;
  const choices = (accounts ?? []).filter((a) => a.kind === "whatsapp" && a.id !== r.id && a.connector !== r.connector).map((a) => ({ id: a.id, name: `${a.name} (${a.connector})` }));
  return (
    <Box sx={{ display: "flex", flexDirection: "column", width: "100%", maxWidth: 560 }} data-testid="failover-fields">
      {r.credentialsRejectedAt ? (
        <Alert severity="error" sx={{ mb: 1 }}>{translate("aduan.channel_account.credentials_rejected", { time: new Date(r.credentialsRejectedAt as string).toLocaleString() })}</Alert>
      ) : null}
      <SelectInput source="failoverAccountId" label="aduan.channel_account.failover_account" choices={choices} emptyText="—" helperText="aduan.channel_account.failover_account_help" parse={(v: unknown) => (v === "" || v === null ? null : Number(v))} />
      <TextInput source="failoverTemplate" label="aduan.channel_account.failover_template" helperText="aduan.channel_account.failover_template_help" parse={(v: string) => (v ? v : null)} />
    </Box>
  );
}

function EditConfig() {
  const r = useRecordContext();
  return <ConfigFields connectorId={r?.connector} editing />;
}

function AccountList() {
  return (
    <List sort={{ field: "id", order: "ASC" }}>
      <Datagrid rowClick="edit" bulkActionButtons={false}>
        <TextField source="name" />
        <TextField source="connector" />
        <TextField source="webhookUrl" emptyText="—" />
        <BooleanField source="active" />
      </Datagrid>
    </List>
  );
}

export default {
  list: AccountList,
  create: () => {
    const translate = useTranslate();
    return (
      <Create redirect="edit">
        <SimpleForm>
          <Typography variant="body2">{translate("aduan.channel_account.connector_help")}</Typography>
          <ConnectorSelect />
          <TextInput source="name" validate={required()} />
          <CreateConfig />
        </SimpleForm>
      </Create>
    );
  },
  edit: () => (
    <Edit mutationMode="pessimistic">
      <SimpleForm>
        <WebhookPanel />
        <SessionPanel />
        <TextField source="connector" />
        <TextInput source="name" validate={required()} />
        <BooleanInput source="active" />
        <FailoverFields />
        <EditConfig />
      </SimpleForm>
    </Edit>
  ),
  icon: HubIcon,
};
