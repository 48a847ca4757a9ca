import CategoryIcon from "@mui/icons-material/Category";
import { BooleanField, BooleanInput, Create, Datagrid, Edit, List, NumberInput, ReferenceField, ReferenceInput, SearchInput, SelectInput, SimpleForm, TextField, TextInput, maxValue, minValue, required } from "react-admin";

function CategoryList() {
  return (
    <List filters={[<SearchInput key="q" source="q" alwaysOn />]} sort={{ field: "name", order: "ASC" }}>
      <Datagrid rowClick="edit" bulkActionButtons={false}>
        <TextField source="code" />
        <TextField source="name" />
        <ReferenceField source="defaultAgencyId" reference="agencies" link={false} emptyText="—"><TextField source="shortName" /></ReferenceField>
        <TextField source="complaintClass" />
        <BooleanField source="isPublic" />
        <BooleanField source="active" />
      </Datagrid>
    </List>
  );
}

function CategoryForm({ create }: { create?: boolean }) {
  return (
    <SimpleForm>
      <TextInput source="code" validate={required()} disabled={!create} />
      <TextInput source="name" validate={required()} fullWidth />
      <TextInput source="nameEn" fullWidth />
      <TextInput source="description" multiline fullWidth />
      <ReferenceInput source="defaultAgencyId" reference="agencies" perPage={200} sort={{ field: "name", order: "ASC" }}>
        <SelectInput optionText="name" />
      </ReferenceInput>
      <SelectInput source="complaintClass" choices={[{ id: "general", name: "general" }, { id: "investigation", name: "investigation" }]} defaultValue="general" />
      <BooleanInput source="isPublic" defaultValue />
      <BooleanInput source="answerReview" helperText="resources.categories.helper.answerReview" />
      <BooleanInput source="fieldCheck" helperText="resources.categories.helper.fieldCheck" />
      <ReferenceInput source="fieldCheckerUserId" reference="users" filter={{ role: "operator" }} perPage={200} sort={{ field: "name", order: "ASC" }}>
        <SelectInput optionText="name" emptyText="—" />
      </ReferenceInput>
      <BooleanInput source="active" defaultValue />
      <NumberInput source="autoForwardThreshold" min={0} max={1} step={0.05} validate={[minValue(0), maxValue(1)]} helperText="aduan.routing.threshold_help" />
    </SimpleForm>
  );
}

export default {
  list: CategoryList,
  edit: () => <Edit mutationMode="pessimistic"><CategoryForm /></Edit>,
  create: () => <Create redirect="list"><CategoryForm create /></Create>,
  icon: CategoryIcon,
};
