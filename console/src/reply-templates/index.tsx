import ChatIcon from "@mui/icons-material/Chat";
import { Datagrid, Edit, List, SimpleForm, TextField, TextInput, required } from "react-admin";

function TemplateList() {
  return (
    <List sort={{ field: "key", order: "ASC" }}>
      <Datagrid rowClick="edit" bulkActionButtons={false}>
        <TextField source="key" />
        <TextField source="locale" />
        <TextField source="body" />
      </Datagrid>
    </List>
  );
}

export default {
  list: TemplateList,
  edit: () => (
    <Edit mutationMode="pessimistic">
      <SimpleForm>
        <TextField source="key" />
        <TextInput source="subject" fullWidth />
        <TextInput source="body" validate={required()} multiline minRows={4} fullWidth helperText="{{number}} {{link}} {{status}} {{agency}} {{answer}}" />
      </SimpleForm>
    </Edit>
  ),
  icon: ChatIcon,
};
