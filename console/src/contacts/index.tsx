import PeopleIcon from "@mui/icons-material/People";
import {
  Datagrid, DateField, FunctionField, List, ReferenceManyField, SearchInput, Show, SimpleShowLayout, TextField, useTranslate, type RaRecord, Pagination,
} from "react-admin";
import { Typography } from "@mui/material";
import { ChannelIcon, SlaCountdown, StatusChip } from "../tickets/badges";
import { ContactLinks } from "./Links";

function ContactList() {
  return (
    <List filters={[<SearchInput key="q" source="q" alwaysOn />]} sort={{ field: "id", order: "DESC" }}>
      <Datagrid rowClick="show" bulkActionButtons={false}>
        <TextField source="name" emptyText="—" />
        <TextField source="phone" emptyText="—" />
        <TextField source="email" emptyText="—" />
        <DateField source="createdAt" showTime />
      </Datagrid>
    </List>
  );
}

/** The citizen page: every channel identity and every ticket. */
function ContactShow() {
  const translate = useTranslate();
  return (
    <Show>
      <SimpleShowLayout>
        <TextField source="name" emptyText="—" />
        <TextField source="phone" emptyText="—" />
        <TextField source="email" emptyText="—" />
        <FunctionField
          source="identities"
          render={(r: RaRecord) => (
            <ul data-testid="identities">
              {((r.identities ?? []) as { id: number; channel: string; address: string; displayName?: string | null }[]).map((i) => (
                <li key={i.id}>
                  <ChannelIcon channel={i.channel} /> {i.address}{i.displayName ? ` (${i.displayName})` : ""}
                </li>
              ))}
            </ul>
          )}
        />
        <ContactLinks />
        <Typography variant="h6" component="h2">{translate("aduan.contact.tickets")}</Typography>
        <ReferenceManyField reference="tickets" target="contactId" sort={{ field: "receivedAt", order: "DESC" }} perPage={25} pagination={<Pagination />}>
          <Datagrid rowClick="show" bulkActionButtons={false}>
            <TextField source="number" />
            <FunctionField source="channel" render={(t: RaRecord) => <ChannelIcon channel={t.channel} />} />
            <TextField source="description" />
            <FunctionField source="status" render={(t: RaRecord) => <StatusChip status={t.status} />} />
            <FunctionField source="dueAt" render={(t: RaRecord) => <SlaCountdown dueAt={t.dueAt} open={t.isOpen} />} />
            <DateField source="receivedAt" showTime />
          </Datagrid>
        </ReferenceManyField>
      </SimpleShowLayout>
    </Show>
  );
}

export default { list: ContactList, show: ContactShow, icon: PeopleIcon };
