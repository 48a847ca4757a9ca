import PersonIcon from "@mui/icons-material/Person";
import {
  BooleanField, BooleanInput, Create, Datagrid, Edit, FunctionField, List, PasswordInput, ReferenceField, ReferenceInput, SearchInput, SelectInput,
  SimpleForm, TextField, TextInput, email, required, useNotify, useRedirect, useTranslate, type RaRecord,
} from "react-admin";
import { UserTwoFactorPanel } from "../two-factor";

const ROLES = ["admin", "supervisor", "operator", "opd_head", "opd_staff", "layar"] as const;
const roleChoices = ROLES.map((r) => ({ id: r, name: `aduan.roles.${r}` }));

function UserList() {
  const translate = useTranslate();
  return (
    <List filters={[<SearchInput key="q" source="q" alwaysOn />]} sort={{ field: "name", order: "ASC" }}>
      <Datagrid rowClick="edit" bulkActionButtons={false}>
        <TextField source="name" />
        <TextField source="email" />
        <FunctionField source="role" render={(r: RaRecord) => translate(`aduan.roles.${r.role}`)} />
        <ReferenceField source="agencyId" reference="agencies" link={false} emptyText="—"><TextField source="shortName" /></ReferenceField>
        <BooleanField source="active" />
      </Datagrid>
    </List>
  );
}

function UserForm({ create }: { create?: boolean }) {
  return (
    <SimpleForm>
      <TextInput source="email" validate={[required(), email()]} type="email" />
      <TextInput source="name" validate={required()} />
      <SelectInput source="role" choices={roleChoices} validate={required()} />
      <ReferenceInput source="agencyId" reference="agencies" perPage={200} sort={{ field: "name", order: "ASC" }}>
        <SelectInput optionText="name" />
      </ReferenceInput>
      <TextInput source="phone" type="tel" />
      <SelectInput source="locale" choices={[{ id: "id", name: "Bahasa Indonesia" }, { id: "en", name: "English" }]} defaultValue="id" />
      {create ? null : <BooleanInput source="active" />}
      <PasswordInput source="password" label={create ? "ra.auth.password" : "aduan.users.reset"} helperText={create ? undefined : false} autoComplete="new-password" />
    </SimpleForm>
  );
}

/** Invite: without a password the server generates one and shows it once. */
function UserCreate() {
  const notify = useNotify();
  const redirect = useRedirect();
  return (
    <Create
      transform={(d: Record<string, unknown>) => Object.fromEntries(Object.entries(d).filter(([, v]) => v !== "" && v !== null && v !== undefined))}
      mutationOptions={{
        onSuccess: (data: RaRecord) => {
          if (data.initialPassword) notify("aduan.users.generated_password", { type: "info", autoHideDuration: null, messageArgs: { password: data.initialPassword } });
          redirect("list", "users");
        },
      }}
    >
      <UserForm create />
    </Create>
  );
}

export default {
  list: UserList,
  edit: () => <Edit mutationMode="pessimistic" aside={<UserTwoFactorPanel />}><UserForm /></Edit>,
  create: UserCreate,
  icon: PersonIcon,
};
