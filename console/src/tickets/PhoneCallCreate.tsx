import { Create, ReferenceInput, SaveButton, SelectInput, SimpleForm, TextInput, Toolbar, required, useNotify, useRedirect, useTranslate, type RaRecord } from "react-admin";
import { Typography } from "@mui/material";
import { PRIVACY } from "./badges";

/**
 * A complaint taken by telephone: caller's number, a summary and a category, saved in one step.
 * The server makes the caller a citizen (or finds them by number) and opens a `voice` ticket.
 */
export function PhoneCallCreate() {
  const translate = useTranslate();
  const notify = useNotify();
  const redirect = useRedirect();
  return (
    <Create
      title="aduan.phone.title"
      transform={(d: Record<string, unknown>) => {
        const caller = (d.caller ?? {}) as { phone?: string; name?: string };
        return {
          channel: "voice",
          description: d.description,
          categoryId: d.categoryId ?? null,
          privacy: d.privacy ?? "publik",
          caller: { phone: caller.phone?.trim(), ...(caller.name?.trim() ? { name: caller.name.trim() } : {}) },
        };
      }}
      mutationOptions={{
        onSuccess: (data: RaRecord) => {
          notify("aduan.phone.created", { type: "success", messageArgs: { number: data.number } });
          redirect("show", "tickets", data.id);
        },
      }}
    >
      <SimpleForm
        defaultValues={{ privacy: "publik" }}
        // Always enabled: on an empty form, Save says what is missing instead of doing nothing.
        toolbar={<Toolbar><SaveButton alwaysEnable /></Toolbar>}
        onKeyDown={(e: React.KeyboardEvent<HTMLDivElement>) => {
          if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            (e.target as HTMLElement).closest("form")?.requestSubmit();
          }
        }}
      >
        <Typography variant="body2" color="text.secondary">{translate("aduan.phone.hint")}</Typography>
        <TextInput source="caller.phone" label="aduan.phone.caller_phone" validate={required()} autoFocus type="tel" autoComplete="off" />
        <TextInput source="caller.name" label="aduan.phone.caller_name" />
        <TextInput source="description" label="aduan.phone.summary" validate={required()} multiline minRows={3} fullWidth />
        <ReferenceInput source="categoryId" reference="categories" perPage={200} sort={{ field: "name", order: "ASC" }} filter={{ active: true }}>
          <SelectInput optionText="name" label="resources.tickets.fields.categoryId" />
        </ReferenceInput>
        <SelectInput source="privacy" label="resources.tickets.fields.privacy" choices={PRIVACY.map((p) => ({ id: p, name: `aduan.privacy.${p}` }))} validate={required()} />
      </SimpleForm>
    </Create>
  );
}
