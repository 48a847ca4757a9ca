import WebhookIcon from "@mui/icons-material/Webhook";
import ReceiptLongIcon from "@mui/icons-material/ReceiptLong";
import { useState } from "react";
import {
  BooleanField, BooleanInput, Create, Datagrid, DateField, Edit, FunctionField, List, NumberField, ReferenceField, ReferenceInput, SelectArrayInput, SelectInput,
  Show, SimpleForm, SimpleShowLayout, TextField, TextInput, required, useDataProvider, useNotify, useRecordContext, useRefresh, useTranslate, ArrayField,
} from "react-admin";
import { Alert, Box, Button, LinearProgress, Typography } from "@mui/material";
import { Link } from "react-router-dom";
import { useWatch } from "react-hook-form";
import type { AduanDataProvider } from "../dataProvider";
import { WEBHOOK_EVENTS, WEBHOOK_SCOPES } from "../../../channels/rules/webhook-events";

const DELIVERY_STATES = ["pending", "sending", "delivered", "failed"] as const;

function useChoices() {
  const translate = useTranslate();
  return {
    events: WEBHOOK_EVENTS.map((e) => ({ id: e, name: translate(`aduan.webhooks.event.${e.replace(".", "_")}`) })),
    scopes: WEBHOOK_SCOPES.map((s) => ({ id: s, name: translate(`aduan.webhooks.scope.${s}`) })),
    states: DELIVERY_STATES.map((s) => ({ id: s, name: translate(`aduan.webhooks.state.${s}`) })),
  };
}

/** The OPD input matters only for scope "opd". */
function AgencyForScope() {
  const scope = useWatch({ name: "scope" }) as string | undefined;
  if (scope !== "opd") return null;
  return (
    <ReferenceInput source="agencyId" reference="agencies">
      <SelectInput optionText="name" validate={required()} />
    </ReferenceInput>
  );
}

function EndpointFields() {
  const c = useChoices();
  const translate = useTranslate();
  return (
    <>
      <TextInput source="name" validate={required()} />
      <TextInput source="url" validate={required()} fullWidth helperText={translate("aduan.webhooks.url_help")} />
      <SelectArrayInput source="events" choices={c.events} validate={required()} />
      <SelectInput source="scope" choices={c.scopes} validate={required()} helperText={translate("aduan.webhooks.scope_help")} />
      <AgencyForScope />
    </>
  );
}

function EndpointList() {
  return (
    <List sort={{ field: "id", order: "ASC" }}>
      <Datagrid rowClick="edit" bulkActionButtons={false}>
        <TextField source="name" />
        <TextField source="url" />
        <TextField source="scope" />
        <TextField source="secretPrefix" />
        <BooleanField source="active" />
      </Datagrid>
    </List>
  );
}

/** After creation: the signing secret, once. Leaving this screen loses it (it is never shown again). */
function EndpointCreate() {
  const translate = useTranslate();
  const [created, setCreated] = useState<{ id: number; secret: string } | null>(null);
  if (created) {
    return (
      <Box sx={{ p: 2, maxWidth: 720 }}>
        <Alert severity="warning" sx={{ mb: 2 }}>{translate("aduan.webhooks.secret_once")}</Alert>
        <Typography component="code" data-testid="webhook-secret" sx={{ display: "block", fontFamily: "monospace", wordBreak: "break-all", fontSize: "1.05rem", mb: 2 }}>
          {created.secret}
        </Typography>
        <Button component={Link} to={`/webhook-endpoints/${created.id}`} variant="contained">{translate("aduan.webhooks.secret_saved")}</Button>
      </Box>
    );
  }
  return (
    <Create redirect={false} mutationOptions={{ onSuccess: (data: { id: number; secret: string }) => setCreated({ id: data.id, secret: data.secret }) }}>
      <SimpleForm defaultValues={{ scope: "public", events: [...WEBHOOK_EVENTS] }}>
        <EndpointFields />
      </SimpleForm>
    </Create>
  );
}

function EndpointEdit() {
  const translate = useTranslate();
  return (
    <Edit mutationMode="pessimistic">
      <SimpleForm>
        <TextField source="secretPrefix" />
        <EndpointFields />
        <BooleanInput source="active" />
        <DeliveriesLink />
        <Typography variant="caption">{translate("aduan.webhooks.signature_help")}</Typography>
      </SimpleForm>
    </Edit>
  );
}

function DeliveriesLink() {
  const r = useRecordContext();
  const translate = useTranslate();
  if (!r) return null;
  return (
    <Button component={Link} to={`/webhook-deliveries?filter=${encodeURIComponent(JSON.stringify({ endpointId: r.id }))}`} sx={{ mb: 1 }}>
      {translate("aduan.webhooks.deliveries")}
    </Button>
  );
}

function deliveryFilters(c: ReturnType<typeof useChoices>) {
  return [
    <ReferenceInput key="endpointId" source="endpointId" reference="webhook-endpoints" alwaysOn><SelectInput optionText="name" /></ReferenceInput>,
    <SelectInput key="state" source="state" choices={c.states} alwaysOn />,
    <SelectInput key="eventType" source="eventType" choices={c.events} />,
  ];
}

function DeliveryList() {
  const c = useChoices();
  return (
    <List sort={{ field: "id", order: "DESC" }} filters={deliveryFilters(c)}>
      <Datagrid rowClick="show" bulkActionButtons={false}>
        <DateField source="occurredAt" showTime />
        <ReferenceField source="endpointId" reference="webhook-endpoints" link={false}><TextField source="name" /></ReferenceField>
        <TextField source="eventType" />
        <StateField />
        <NumberField source="attempts" />
        <TextField source="lastStatus" emptyText="—" />
        <RedeliverButton />
      </Datagrid>
    </List>
  );
}

/** Manual redelivery: the same event id, sent again at once. */
function RedeliverButton() {
  const r = useRecordContext();
  const dp = useDataProvider<AduanDataProvider>();
  const notify = useNotify();
  const refresh = useRefresh();
  const translate = useTranslate();
  if (!r || r.state === "sending") return null;
  return (
    <Button
      size="small"
      onClick={async (e) => {
        e.stopPropagation();
        try {
          await dp.post(`/webhook-deliveries/${r.id}/redeliver`, {});
          notify("aduan.webhooks.redelivery_queued", { type: "success" });
          refresh();
        } catch (err) {
          notify((err as Error).message, { type: "error" });
        }
      }}
    >
      {translate("aduan.webhooks.redeliver")}
    </Button>
  );
}

/** Labels of the attempts' columns (react-admin does not prefix an ArrayField's columns with its source). */
const F = "resources.webhook-deliveries.fields";

function StateField() {
  const c = useChoices();
  return <FunctionField source="state" render={(r: { state: string }) => c.states.find((s) => s.id === r.state)?.name ?? r.state} />;
}

/**
 * The attempts. The page first shows the list's copy of the delivery, which has no log: show that
 * it is loading rather than "no attempts" until the delivery itself has arrived.
 */
function AttemptLog(_: { source: "log" }) {
  const record = useRecordContext<{ log?: unknown[] }>();
  const translate = useTranslate();
  if (!Array.isArray(record?.log)) return <LinearProgress sx={{ my: 1, maxWidth: 320 }} aria-label={translate("ra.page.loading")} />;
  return (
    <ArrayField source="log">
      <Datagrid bulkActionButtons={false} rowClick={false}>
        <NumberField source="attempt" label={`${F}.log.attempt`} />
        <DateField source="at" showTime label={`${F}.log.at`} />
        <TextField source="statusCode" emptyText="—" label={`${F}.log.statusCode`} />
        <TextField source="error" emptyText="—" label={`${F}.log.error`} />
        <NumberField source="durationMs" label={`${F}.log.durationMs`} />
      </Datagrid>
    </ArrayField>
  );
}

function DeliveryShow() {
  return (
    <Show>
      <SimpleShowLayout>
        <TextField source="eventId" />
        <TextField source="eventType" />
        <ReferenceField source="endpointId" reference="webhook-endpoints"><TextField source="name" /></ReferenceField>
        <DateField source="occurredAt" showTime />
        <StateField />
        <DateField source="nextAttemptAt" showTime emptyText="—" />
        <DateField source="giveUpAt" showTime />
        <TextField source="lastError" emptyText="—" />
        <AttemptLog source="log" />
        <RedeliverButton />
      </SimpleShowLayout>
    </Show>
  );
}

export const webhookEndpoints = { list: EndpointList, create: EndpointCreate, edit: EndpointEdit, icon: WebhookIcon };
export const webhookDeliveries = { list: DeliveryList, show: DeliveryShow, icon: ReceiptLongIcon };
