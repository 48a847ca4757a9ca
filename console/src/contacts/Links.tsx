import { useState, type FormEvent } from "react";
import { Confirm, Link, useDataProvider, useNotify, useRecordContext, useRefresh, useTranslate, type RaRecord } from "react-admin";
import { Alert, Box, Button, List, ListItem, ListItemText, Stack, TextField, Typography } from "@mui/material";
import LinkIcon from "@mui/icons-material/Link";
import LinkOffIcon from "@mui/icons-material/LinkOff";
import { api } from "../api";
import { ChannelIcon } from "../tickets/badges";

interface MergeView {
  id: number;
  mergedContactId: number;
  method: "operator" | "citizen";
  createdAt: string;
  tickets: number;
  identities: { id: number; channel: string; address: string; displayName?: string | null }[];
}

/**
 * One citizen across channels, on the citizen page: the contacts merged into this one (linked by
 * the citizen with a one-time code or merged by an operator), each with "Unlink", and a search to
 * merge another contact of the same person. The server audits both and refuses what cannot be.
 */
export function ContactLinks() {
  const record = useRecordContext();
  const translate = useTranslate();
  const notify = useNotify();
  const refresh = useRefresh();
  const [unlinking, setUnlinking] = useState<MergeView | null>(null);
  const [busy, setBusy] = useState(false);
  if (!record) return null;
  if (record.mergedIntoId) {
    return (
      <Alert severity="info" data-testid="merged-into">
        {translate("aduan.links.merged_into", { id: record.mergedIntoId })}{" "}
        <Link to={`/contacts/${record.mergedIntoId}/show`}>{translate("aduan.links.open_merged_into", { id: record.mergedIntoId })}</Link>
      </Alert>
    );
  }
  const merges = (record.merges ?? []) as MergeView[];
  const unlink = async () => {
    if (!unlinking) return;
    setBusy(true);
    try {
      await api(`/contact-merges/${unlinking.id}/undo`, { method: "POST", body: {} });
      notify("aduan.links.unlinked", { type: "success" });
      refresh();
    } catch (err) {
      notify((err as Error).message, { type: "error" });
    } finally {
      setBusy(false);
      setUnlinking(null);
    }
  };
  return (
    <Box data-testid="contact-links">
      <Typography variant="h6" component="h2">{translate("aduan.links.title")}</Typography>
      {merges.length === 0 ? (
        <Typography variant="body2" color="text.secondary">{translate("aduan.links.none")}</Typography>
      ) : (
        <List dense>
          {merges.map((x) => (
            <ListItem
              key={x.id}
              data-testid={`merge-${x.id}`}
              secondaryAction={
                <Button size="small" startIcon={<LinkOffIcon />} onClick={() => setUnlinking(x)} disabled={busy}>
                  {translate("aduan.links.unlink")}
                </Button>
              }
            >
              <ListItemText
                primary={
                  <span>
                    {x.identities.map((i) => (
                      <span key={i.id} style={{ marginRight: 12 }}>
                        <ChannelIcon channel={i.channel} /> {i.address}
                      </span>
                    ))}
                  </span>
                }
                secondary={`${translate("aduan.links.brought", { id: x.mergedContactId, identities: x.identities.length, tickets: x.tickets })} · ${translate(x.method === "citizen" ? "aduan.links.by_citizen" : "aduan.links.by_operator")} · ${new Date(x.createdAt).toLocaleString()}`}
              />
            </ListItem>
          ))}
        </List>
      )}
      <Confirm
        isOpen={!!unlinking}
        loading={busy}
        title={translate("aduan.links.unlink_title", { id: unlinking?.mergedContactId ?? "" })}
        content={translate("aduan.links.unlink_content")}
        onConfirm={unlink}
        onClose={() => setUnlinking(null)}
      />
      <MergeContactForm contact={record} />
    </Box>
  );
}

/** Search another contact of the same person and merge it into this one. */
function MergeContactForm({ contact }: { contact: RaRecord }) {
  const translate = useTranslate();
  const notify = useNotify();
  const refresh = useRefresh();
  const dataProvider = useDataProvider();
  const [q, setQ] = useState("");
  const [found, setFound] = useState<RaRecord[] | null>(null);
  const [picked, setPicked] = useState<RaRecord | null>(null);
  const [busy, setBusy] = useState(false);
  const search = async (e: FormEvent) => {
    e.preventDefault();
    if (!q.trim()) return;
    try {
      const { data } = await dataProvider.getList("contacts", { filter: { q: q.trim() }, pagination: { page: 1, perPage: 10 }, sort: { field: "id", order: "DESC" } });
      setFound(data.filter((c) => c.id !== contact.id && !c.mergedIntoId));
    } catch (err) {
      notify((err as Error).message, { type: "error" });
    }
  };
  const merge = async () => {
    if (!picked) return;
    setBusy(true);
    try {
      await api(`/contacts/${contact.id}/merge`, { method: "POST", body: { contactId: picked.id } });
      notify("aduan.links.merged", { type: "success" });
      setFound(null);
      setQ("");
      refresh();
    } catch (err) {
      notify((err as Error).message, { type: "error" });
    } finally {
      setBusy(false);
      setPicked(null);
    }
  };
  return (
    <Box sx={{ mt: 2 }} data-testid="merge-contact">
      <Typography variant="subtitle1" component="h3">{translate("aduan.links.merge_title")}</Typography>
      <Typography variant="body2" color="text.secondary">{translate("aduan.links.merge_help")}</Typography>
      <Stack direction="row" spacing={1} component="form" onSubmit={search} sx={{ mt: 1 }}>
        <TextField size="small" label={translate("aduan.links.search")} value={q} onChange={(e) => setQ(e.target.value)} slotProps={{ htmlInput: { maxLength: 200 } }} />
        <Button type="submit" variant="outlined">{translate("aduan.links.search_button")}</Button>
      </Stack>
      {found && found.length === 0 && <Typography variant="body2" sx={{ mt: 1 }}>{translate("aduan.links.no_results")}</Typography>}
      {found && found.length > 0 && (
        <List dense>
          {found.map((c) => (
            <ListItem
              key={c.id}
              secondaryAction={
                <Button size="small" startIcon={<LinkIcon />} onClick={() => setPicked(c)} disabled={busy} data-testid={`merge-candidate-${c.id}`}>
                  {translate("aduan.links.merge")}
                </Button>
              }
            >
              <ListItemText primary={`#${c.id} ${c.name ?? "—"}`} secondary={[c.phone, c.email].filter(Boolean).join(" · ") || "—"} />
            </ListItem>
          ))}
        </List>
      )}
      <Confirm
        isOpen={!!picked}
        loading={busy}
        title={translate("aduan.links.merge_confirm_title", { id: picked?.id ?? "" })}
        content={translate("aduan.links.merge_confirm_content")}
        onConfirm={merge}
        onClose={() => setPicked(null)}
      />
    </Box>
  );
}
