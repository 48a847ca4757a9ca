import HubIcon from "@mui/icons-material/Hub";
import {
  BooleanField, BooleanInput, Create, Datagrid, Edit, List, NumberInput, PasswordInput, SelectInput, SimpleForm, TextField, TextInput, required,
  useDataProvider, useNotify, useRecordContext, useTranslate, Labeled,
} from "react-admin";
import { Alert, Box, Button, Typography } from "@mui/material";
import { useQuery } from "@tanstack/react-query";
import { useWatch } from "react-hook-form";
import type { AduanDataProvider } from "../dataProvider";

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

const SECRET = /token|secret|password|pass$|apikey|api_key|key$/i;

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
        if (SECRET.test(name)) return <PasswordInput key={name} source={`config.${name}`} label={label} validate={validate} helperText={helperText} autoComplete="new-password" />;
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
        <TextField source="connector" />
        <TextInput source="name" validate={required()} />
        <BooleanInput source="active" />
        <EditConfig />
      </SimpleForm>
    </Edit>
  ),
  icon: HubIcon,
};
