import EventIcon from "@mui/icons-material/Event";
import TimerIcon from "@mui/icons-material/Timer";
import {
  ArrayInput, BooleanField, BooleanInput, Datagrid, DateInput, Edit, FunctionField, List, ReferenceField, SelectInput, Show, SimpleForm,
  SimpleFormIterator, SimpleShowLayout, TextField, TextInput, required, type RaRecord,
} from "react-admin";

const HOLIDAY_KINDS = ["national", "cuti_bersama", "regional"].map((k) => ({ id: k, name: k }));

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

/** A business calendar: office hours are edited through the API; holidays (national, cuti bersama, regional) here. */
function CalendarEdit() {
  return (
    <Edit mutationMode="pessimistic">
      <SimpleForm>
        <TextInput source="name" validate={required()} />
        <SelectInput source="timeZone" choices={["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"].map((z) => ({ id: z, name: z }))} validate={required()} />
        <ArrayInput source="holidays" label="aduan.sla_admin.holidays">
          <SimpleFormIterator inline disableReordering>
            <DateInput source="date" label="aduan.sla_admin.date" validate={required()} />
            <TextInput source="name" label="aduan.sla_admin.holiday_name" validate={required()} />
            <SelectInput source="kind" label="aduan.sla_admin.kind" choices={HOLIDAY_KINDS} validate={required()} defaultValue="regional" />
          </SimpleFormIterator>
        </ArrayInput>
      </SimpleForm>
    </Edit>
  );
}

function PolicyList() {
  return (
    <List sort={{ field: "id", order: "ASC" }}>
      <Datagrid rowClick="show" bulkActionButtons={false}>
        <TextField source="name" />
        <ReferenceField source="categoryId" reference="categories" link={false} emptyText="—"><TextField source="name" /></ReferenceField>
        <TextField source="complaintClass" emptyText="—" />
        <ReferenceField source="calendarId" reference="calendars" link={false} emptyText="—"><TextField source="name" /></ReferenceField>
        <BooleanField source="active" />
      </Datagrid>
    </List>
  );
}

/** The policy's clocks with their legal basis, read-only here (edited through PUT /api/sla-policies/:id; see docs/sla.md). */
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
export const slaPolicies = { list: PolicyList, show: PolicyShow, icon: TimerIcon };
export default { calendars, slaPolicies };
