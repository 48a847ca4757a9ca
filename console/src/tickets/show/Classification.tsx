// The command center's classification of a ticket: category, privacy, class and priority.
import { useState } from "react";
import { useDataProvider, useGetList, useNotify, useRefresh, useTranslate } from "react-admin";
import { Button, FormControl, InputLabel, MenuItem, Select, Stack, Typography } from "@mui/material";
import type { AduanDataProvider } from "../../dataProvider";
import type { Ticket } from "../../api-types";
import { PRIVACY } from "../badges";

export function Classification({ ticket }: { ticket: Ticket }) {
  const translate = useTranslate();
  const dp = useDataProvider<AduanDataProvider>();
  const notify = useNotify();
  const refresh = useRefresh();
  const { data: categories } = useGetList("categories", { pagination: { page: 1, perPage: 200 }, sort: { field: "name", order: "ASC" }, filter: { active: true } });
  const [categoryId, setCategoryId] = useState<number | "">(ticket.categoryId ?? "");
  const [privacy, setPrivacy] = useState<string>(ticket.privacy);
  const dirty = (categoryId || null) !== (ticket.categoryId ?? null) || privacy !== ticket.privacy;
  return (
    <Stack spacing={1.5} component="form" onSubmit={async (e) => {
      e.preventDefault();
      try {
        await dp.update("tickets", { id: ticket.id, data: { categoryId: categoryId || null, privacy }, previousData: ticket });
        notify("aduan.ticket.done", { type: "success" });
        refresh();
      } catch (err) {
        notify((err as Error).message, { type: "error" });
      }
    }}>
      <Typography variant="subtitle2" component="h3">{translate("aduan.ticket.classify")}</Typography>
      <FormControl size="small" fullWidth>
        <InputLabel id="cat-label">{translate("resources.tickets.fields.categoryId")}</InputLabel>
        <Select labelId="cat-label" id="cat-select" label={translate("resources.tickets.fields.categoryId")} value={categoryId} onChange={(e) => setCategoryId(e.target.value as number)}>
          {(categories ?? []).map((c) => (
            <MenuItem key={c.id} value={c.id}>{c.name}</MenuItem>
          ))}
        </Select>
      </FormControl>
      <FormControl size="small" fullWidth>
        <InputLabel id="privacy-label">{translate("resources.tickets.fields.privacy")}</InputLabel>
        <Select labelId="privacy-label" id="privacy-select" label={translate("resources.tickets.fields.privacy")} value={privacy} onChange={(e) => setPrivacy(String(e.target.value))}>
          {PRIVACY.map((p) => (
            <MenuItem key={p} value={p}>{translate(`aduan.privacy.${p}`)}</MenuItem>
          ))}
        </Select>
      </FormControl>
      <Button type="submit" variant="outlined" disabled={!dirty}>{translate("aduan.ticket.save")}</Button>
    </Stack>
  );
}
