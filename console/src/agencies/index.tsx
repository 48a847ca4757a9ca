import BusinessIcon from "@mui/icons-material/Business";
import { BooleanField, BooleanInput, Create, Datagrid, Edit, List, ReferenceField, ReferenceInput, SearchInput, SelectInput, SimpleForm, TextField, TextInput, required } from "react-admin";

function AgencyList() {
  return (
    <List filters={[<SearchInput key="q" source="q" alwaysOn />]} sort={{ field: "name", order: "ASC" }}>
      <Datagrid rowClick="edit" bulkActionButtons={false}>
        <TextField source="code" />
        <TextField source="name" />
        <TextField source="shortName" />
        <ReferenceField source="headUserId" reference="users" link={false} emptyText="—"><TextField source="name" /></ReferenceField>
        <BooleanField source="active" />
      </Datagrid>
    </List>
  );
}

function AgencyForm({ create }: { create?: boolean }) {
  return (
    <SimpleForm>
      <TextInput source="code" validate={required()} disabled={!create} />
      <TextInput source="name" validate={required()} fullWidth />
      <TextInput source="shortName" validate={required()} />
      <TextInput source="email" type="email" />
      {create ? null : (
        <ReferenceInput source="headUserId" reference="users" filter={{ role: "opd_head" }} perPage={200}>
          <SelectInput optionText="name" />
        </ReferenceInput>
      )}
      <BooleanInput source="answerReview" helperText="resources.agencies.helper.answerReview" />
      <BooleanInput source="active" defaultValue />
    </SimpleForm>
  );
}

export default {
  list: AgencyList,
  edit: () => <Edit mutationMode="pessimistic"><AgencyForm /></Edit>,
  create: () => <Create redirect="list"><AgencyForm create /></Create>,
  icon: BusinessIcon,
};
