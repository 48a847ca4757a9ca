import { useState, type ReactElement } from "react";
import HolidayImport from "./HolidayImport";
import EventIcon from "@mui/icons-material/Event";
import TimerIcon from "@mui/icons-material/Timer";
import AddIcon from "@mui/icons-material/Add";
import BlockIcon from "@mui/icons-material/Block";
import DeleteIcon from "@mui/icons-material/Delete";
import {
  ArrayInput, BooleanField, BooleanInput, Confirm, Create, Datagrid, DateInput, Edit, FunctionField, List, Loading, NumberInput, ReferenceField,
  ReferenceInput, SaveButton, SelectInput, Show, SimpleForm, SimpleFormIterator, SimpleShowLayout, TextField, TextInput, Toolbar, maxLength,
  minLength, required, useDelete, useGetList, useInput, useNotify, useRecordContext, useRedirect, useTranslate, type RaRecord, type Validator,
} from "react-admin";
import { Box, Button, FormHelperText, IconButton, Stack, TextField as MuiTextField, Typography } from "@mui/material";

const HOLIDAY_KINDS = ["national", "cuti_bersama", "regional"].map((k) => ({ id: k, name: k }));
const DAYS = ["1", "2", "3", "4", "5", "6", "7"] as const;
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;
type Span = { start: string; end: string };
type Hours = Record<string, Span[]>;

/** What is wrong with one day's spans (same rules as the server's businessCalendarSchema), or null. */
function spanProblem(spans: Span[], i: number): string | null {
  const sp = spans[i]!;
  if (!HHMM.test(sp.start) || !HHMM.test(sp.end) || sp.start === "24:00") return "aduan.sla_admin.hours_format";
  if (sp.end <= sp.start) return "aduan.sla_admin.hours_order";
  if (i > 0 && sp.start < spans[i - 1]!.end) return "aduan.sla_admin.hours_overlap";
  return null;
}

const validateHours: Validator = (value: Hours | undefined) => {
  if (!value) return undefined;
  for (const d of DAYS) {
    const spans = value[d] ?? [];
    for (let i = 0; i < spans.length; i++) {
      const p = spanProblem(spans, i);
      if (p) return p;
    }
  }
  return DAYS.some((d) => (value[d] ?? []).length > 0) ? undefined : "aduan.sla_admin.hours_none";
};

/**
 * Office hours per ISO weekday (1 = Monday): zero or more [start, end) spans a day, e.g. a Friday
 * prayer break as two spans. One input for the whole object, so numeric weekday keys stay keys.
 */
function OfficeHoursInput({ source }: { source: string }) {
  const translate = useTranslate();
  const { field, fieldState } = useInput({ source, validate: validateHours });
  const value: Hours = field.value ?? {};
  const setDay = (d: string, spans: Span[]) => field.onChange({ ...value, [d]: spans });
  return (
    <Box component="fieldset" sx={{ border: "1px solid #bdbdbd", borderRadius: 1, p: 2, mb: 2, width: "100%", maxWidth: 720 }} data-testid="office-hours">
      <Typography component="legend" variant="subtitle1" sx={{ px: 0.5 }}>{translate("aduan.sla_admin.office_hours")}</Typography>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>{translate("aduan.sla_admin.office_hours_hint")}</Typography>
      {DAYS.map((d) => {
        const spans = value[d] ?? [];
        const day = translate(`aduan.sla_admin.weekday.${d}`);
        return (
          <Box component="fieldset" key={d} sx={{ border: 0, borderTop: "1px solid #e0e0e0", p: 0, pt: 1, m: 0, mb: 1 }}>
            <Typography component="legend" variant="body2" sx={{ fontWeight: 600 }}>{day}</Typography>
            <Stack direction="row" spacing={1} useFlexGap sx={{ flexWrap: "wrap", alignItems: "flex-start" }}>
              {spans.length === 0 ? <Typography variant="body2" color="text.secondary" sx={{ py: 1 }}>{translate("aduan.sla_admin.day_off")}</Typography> : null}
              {spans.map((sp, i) => {
                const problem = spanProblem(spans, i);
                const put = (patch: Partial<Span>) => setDay(d, spans.map((x, j) => (j === i ? { ...x, ...patch } : x)));
                return (
                  <Stack key={i} direction="row" spacing={1} sx={{ alignItems: "flex-start" }}>
                    <MuiTextField
                      id={`wh-${d}-${i}-start`}
                      type="time"
                      size="small"
                      label={translate("aduan.sla_admin.start", { n: i + 1 })}
                      value={sp.start}
                      onChange={(e) => put({ start: e.target.value })}
                      onBlur={field.onBlur}
                      error={!!problem}
                      slotProps={{ inputLabel: { shrink: true }, htmlInput: { step: 60 } }}
                    />
                    <MuiTextField
                      id={`wh-${d}-${i}-end`}
                      type="time"
                      size="small"
                      label={translate("aduan.sla_admin.end", { n: i + 1 })}
                      value={sp.end}
                      onChange={(e) => put({ end: e.target.value })}
                      onBlur={field.onBlur}
                      error={!!problem}
                      helperText={problem ? translate(problem) : undefined}
                      slotProps={{ inputLabel: { shrink: true }, htmlInput: { step: 60 } }}
                    />
                    <IconButton aria-label={translate("aduan.sla_admin.remove_span", { day, n: i + 1 })} onClick={() => setDay(d, spans.filter((_, j) => j !== i))}>
                      <DeleteIcon fontSize="small" />
                    </IconButton>
                  </Stack>
                );
              })}
              <Button
                size="small"
                startIcon={<AddIcon />}
                aria-label={`${translate("aduan.sla_admin.add_span")} (${day})`}
                onClick={() => setDay(d, [...spans, spans.length ? { start: spans[spans.length - 1]!.end, end: "" } : { start: "07:30", end: "16:00" }])}
                sx={{ mt: 0.5 }}
              >
                {translate("aduan.sla_admin.add_span")}
              </Button>
            </Stack>
          </Box>
        );
      })}
      {fieldState.error?.message ? <FormHelperText error role="alert">{translate(fieldState.error.message)}</FormHelperText> : null}
    </Box>
  );
}

function CalendarList() {
  return (
    <List sort={{ field: "name", order: "ASC" }}>
      <Datagrid rowClick="edit" bulkActionButtons={false}>
        <TextField source="name" />
        <TextField source="timeZone" />
        <BooleanField source="isDefault" />
        <FunctionField label="aduan.sla_admin.holidays" render={(r: RaRecord) => String((r.holidays ?? []).length)} />
      </Datagrid>
    </List>
  );
}

/** A business calendar: office hours per weekday and holidays (national, cuti bersama, regional). */
/** Calendars are kept (policies refer to them): the form saves, it has no delete button. */
const CalendarToolbar = () => (
  <Toolbar>
    <SaveButton />
  </Toolbar>
);

function CalendarEdit() {
  return (
    <Edit mutationMode="pessimistic">
      <SimpleForm toolbar={<CalendarToolbar />}>
        <TextInput source="name" validate={[required(), minLength(2), maxLength(100)]} />
        <SelectInput source="timeZone" choices={["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"].map((z) => ({ id: z, name: z }))} validate={required()} />
        <OfficeHoursInput source="workingHours" />
        <ArrayInput source="holidays" label="aduan.sla_admin.holidays">
          <SimpleFormIterator inline disableReordering>
            <DateInput source="date" label="aduan.sla_admin.date" validate={required()} />
            <TextInput source="name" label="aduan.sla_admin.holiday_name" validate={required()} />
            <SelectInput source="kind" label="aduan.sla_admin.kind" choices={HOLIDAY_KINDS} validate={required()} defaultValue="regional" />
          </SimpleFormIterator>
        </ArrayInput>
        <HolidayImport />
      </SimpleForm>
    </Edit>
  );
}

// --- SLA policies

const CLOCKS = ["verify_forward", "opd_followup", "respond_citizen", "resolve_investigation", "auto_close", "review_answer"] as const;
const UNITS = ["working_days", "working_hours", "calendar_days"] as const;
const CLASSES = ["general", "investigation"];

type Duration = { amount: number; unit: string };
type Clock = { target: Duration; warningFraction: number; escalation?: { level: number; after: Duration; notify: string[] }[] };
type Definition = { clocks: Record<string, Clock> };

function amountValidator(kind: string): Validator {
  return (value: unknown, all: { definition?: Definition }) => {
    if (value === null || value === undefined || value === "") return "ra.validation.required";
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) return "aduan.sla_admin.amount_positive";
    const unit = all.definition?.clocks?.[kind]?.target?.unit;
    if (unit !== "working_hours" && !Number.isInteger(n)) return "aduan.sla_admin.amount_whole";
    if (n > (unit === "working_hours" ? 20000 : 3650)) return "aduan.sla_admin.amount_max";
    return undefined;
  };
}
const warningValidator: Validator = (value: unknown) => {
  const n = Number(value);
  return value === null || value === undefined || value === "" ? "ra.validation.required" : n > 0 && n < 1 ? undefined : "aduan.sla_admin.warning_range";
};
const emptyToNull = (v: unknown) => (v === "" || v === undefined ? null : v);
/** On the class input: react-admin ignores input validators once a form-level validate is given. */
const scopeValidator: Validator = (value: unknown, all: Record<string, unknown>) =>
  value != null && value !== "" && all.categoryId != null && all.categoryId !== "" ? "aduan.errors.sla_policy_scope" : undefined;

/** The escalation ladder of one clock, read-only (see docs/sla.md to change it through the API). */
function Ladder({ clock }: { clock?: Clock }) {
  const translate = useTranslate();
  if (!clock?.escalation?.length) return null;
  return (
    <Typography variant="body2" color="text.secondary" sx={{ mt: 0.5 }}>
      {translate("aduan.sla_admin.escalation")}:{" "}
      {clock.escalation
        .map((l) => `${l.level}: ${l.after.amount === 0 ? translate("aduan.sla_admin.at_breach") : `+${l.after.amount} ${translate(`aduan.sla_admin.unit.${l.after.unit}`)}`} → ${l.notify.map((r) => translate(`aduan.sla_admin.recipient.${r}`)).join(", ")}`)
        .join(" · ")}
    </Typography>
  );
}

function ClockFields({ kind }: { kind: (typeof CLOCKS)[number] }) {
  const translate = useTranslate();
  const record = useRecordContext();
  const base = `definition.clocks.${kind}`;
  const title = translate(`aduan.sla_admin.clock.${kind}`);
  return (
    <Box component="fieldset" sx={{ border: "1px solid #bdbdbd", borderRadius: 1, p: 2, mb: 2, width: "100%", maxWidth: 900 }}>
      <Typography component="legend" variant="subtitle1" sx={{ px: 0.5 }}>{title}</Typography>
      <Stack direction="row" spacing={2} useFlexGap sx={{ flexWrap: "wrap" }}>
        <NumberInput source={`${base}.target.amount`} label="aduan.sla_admin.amount" validate={amountValidator(kind)} helperText={false} />
        <SelectInput source={`${base}.target.unit`} label="aduan.sla_admin.unit_label" choices={UNITS.map((u) => ({ id: u, name: `aduan.sla_admin.unit.${u}` }))} validate={required()} helperText={false} />
        <NumberInput
          source={`${base}.warningFraction`}
          label="aduan.sla_admin.warning"
          validate={warningValidator}
          format={(v: number | null | undefined) => (v === null || v === undefined ? "" : Math.round(v * 1000) / 10) as unknown as string}
          parse={(v: string) => (v === "" || v === null ? null : Number(v) / 100)}
          helperText={false}
        />
      </Stack>
      <TextInput source={`${base}.basis.id`} label="aduan.sla_admin.basis_id" validate={[required(), maxLength(2000)]} multiline fullWidth helperText={false} />
      <TextInput source={`${base}.basis.en`} label="aduan.sla_admin.basis_en" validate={[required(), maxLength(2000)]} multiline fullWidth helperText={false} />
      <Stack direction="row" spacing={2} useFlexGap sx={{ flexWrap: "wrap" }}>
        <BooleanInput source={`${base}.pausesWhileWaitingOnCitizen`} label="aduan.sla_admin.pauses" helperText={false} />
        <BooleanInput source={`${base}.onlyForInvestigation`} label="aduan.sla_admin.only_investigation" helperText={false} />
      </Stack>
      <Ladder clock={(record?.definition as Definition | undefined)?.clocks?.[kind]} />
    </Box>
  );
}

function PolicyForm({ toolbar, defaultValues }: { toolbar?: ReactElement; defaultValues?: Record<string, unknown> }) {
  const translate = useTranslate();
  return (
    <SimpleForm toolbar={toolbar} defaultValues={defaultValues}>
      <TextInput source="name" validate={[required(), minLength(2), maxLength(200)]} fullWidth sx={{ maxWidth: 600 }} />
      <Typography variant="body2" color="text.secondary">{translate("aduan.sla_admin.scope_hint")}</Typography>
      <Stack direction="row" spacing={2} useFlexGap sx={{ flexWrap: "wrap" }}>
        <ReferenceInput source="categoryId" reference="categories" perPage={200} sort={{ field: "name", order: "ASC" }}>
          <SelectInput optionText="name" parse={emptyToNull} emptyText="aduan.sla_admin.none" />
        </ReferenceInput>
        <SelectInput source="complaintClass" choices={CLASSES.map((c) => ({ id: c, name: c }))} parse={emptyToNull} emptyText="aduan.sla_admin.none" validate={scopeValidator} />
        <SelectInput source="priority" label="aduan.notices.priority_title" choices={["low", "normal", "high", "urgent"].map((p) => ({ id: p, name: `aduan.priority.${p}` }))} parse={emptyToNull} emptyText="aduan.sla_admin.none" />
        <ReferenceInput source="calendarId" reference="calendars" perPage={100}>
          <SelectInput optionText="name" parse={emptyToNull} emptyText="aduan.sla_admin.default_calendar" />
        </ReferenceInput>
      </Stack>
      <BooleanInput source="active" />
      <Typography variant="h6" component="h2" sx={{ mt: 1, mb: 1 }}>{translate("aduan.sla_admin.clocks")}</Typography>
      {CLOCKS.map((k) => (
        <ClockFields key={k} kind={k} />
      ))}
    </SimpleForm>
  );
}

/** Deactivate (DELETE /api/sla-policies/:id): the policy stays, its tickets fall back to the next policy. */
function DeactivateButton() {
  const record = useRecordContext();
  const translate = useTranslate();
  const notify = useNotify();
  const redirect = useRedirect();
  const [open, setOpen] = useState(false);
  const [deleteOne, { isPending }] = useDelete();
  if (!record?.active) return null;
  return (
    <>
      <Button color="error" startIcon={<BlockIcon />} onClick={() => setOpen(true)} disabled={isPending}>{translate("aduan.sla_admin.deactivate")}</Button>
      <Confirm
        isOpen={open}
        loading={isPending}
        title="aduan.sla_admin.deactivate_title"
        content="aduan.sla_admin.deactivate_content"
        translateOptions={{ name: String(record.name) }}
        onClose={() => setOpen(false)}
        onConfirm={() =>
          deleteOne(
            "sla-policies",
            { id: record.id, previousData: record },
            {
              mutationMode: "pessimistic",
              onSuccess: () => {
                setOpen(false);
                notify("aduan.sla_admin.deactivated", { type: "success", messageArgs: { name: String(record.name) } });
                redirect("list", "sla-policies");
              },
              onError: (e) => {
                setOpen(false);
                notify((e as Error).message, { type: "error" });
              },
            },
          )
        }
      />
    </>
  );
}

const PolicyToolbar = () => (
  <Toolbar sx={{ display: "flex", justifyContent: "space-between" }}>
    <SaveButton />
    <DeactivateButton />
  </Toolbar>
);

function PolicyEdit() {
  return (
    <Edit mutationMode="pessimistic" redirect="list">
      <PolicyForm toolbar={<PolicyToolbar />} />
    </Edit>
  );
}

/** A new policy starts as a copy of the default policy's clocks, to be changed where it differs. */
function PolicyCreate() {
  const { data, isPending } = useGetList("sla-policies", { filter: { active: true }, pagination: { page: 1, perPage: 200 }, sort: { field: "id", order: "ASC" } });
  if (isPending) return <Loading />;
  const base = data?.find((p) => p.categoryId == null && p.complaintClass == null) ?? data?.[0];
  const defaults = { name: "", categoryId: null, complaintClass: null, priority: null, calendarId: null, active: true, ...(base ? { definition: structuredClone(base.definition) } : {}) };
  return (
    <Create redirect="list">
      <PolicyForm defaultValues={defaults} />
    </Create>
  );
}

function PolicyList() {
  const translate = useTranslate();
  return (
    <List sort={{ field: "id", order: "ASC" }}>
      <Datagrid rowClick="edit" bulkActionButtons={false}>
        <TextField source="name" />
        <ReferenceField source="categoryId" reference="categories" link={false} emptyText="—"><TextField source="name" /></ReferenceField>
        <TextField source="complaintClass" emptyText="—" />
        <ReferenceField source="calendarId" reference="calendars" link={false} emptyText="—"><TextField source="name" /></ReferenceField>
        <FunctionField
          label="aduan.sla_admin.targets"
          render={(r: RaRecord) =>
            CLOCKS.map((k) => {
              const c = (r.definition as Definition | undefined)?.clocks?.[k];
              return c ? `${translate(`aduan.sla_admin.clock.${k}`)}: ${c.target.amount} ${translate(`aduan.sla_admin.unit.${c.target.unit}`)}` : null;
            })
              .filter(Boolean)
              .join(" · ")
          }
        />
        <BooleanField source="active" />
      </Datagrid>
    </List>
  );
}

/** The policy's clocks with their legal basis, read-only. */
function PolicyShow() {
  return (
    <Show>
      <SimpleShowLayout>
        <TextField source="name" />
        <TextField source="complaintClass" emptyText="—" />
        <BooleanField source="active" />
        <FunctionField
          label="aduan.sla_admin.definition"
          render={(r: RaRecord) => (
            <pre style={{ whiteSpace: "pre-wrap", fontSize: "0.8125rem" }} data-testid="policy-definition">{JSON.stringify(r.definition, null, 2)}</pre>
          )}
        />
      </SimpleShowLayout>
    </Show>
  );
}

export const calendars = { list: CalendarList, edit: CalendarEdit, icon: EventIcon };
export const slaPolicies = { list: PolicyList, show: PolicyShow, edit: PolicyEdit, create: PolicyCreate, icon: TimerIcon };
export default { calendars, slaPolicies };
