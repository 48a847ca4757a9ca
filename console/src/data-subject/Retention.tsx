import { useEffect, useState } from "react";
import { Loading, Title, useNotify, usePermissions, useTranslate } from "react-admin";
import { Alert, Box, Button, Card, CardContent, Checkbox, FormControlLabel, Table, TableBody, TableCell, TableHead, TableRow, TextField, Typography } from "@mui/material";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../api";

interface Policy { enabled: boolean; yearsAfterClosure: number; basis: string; updatedAt: string | null }
interface Answer { policy: Policy; dryRun: { cutoff: string; count: number; cases: { id: number; number: string; status: string; closedAt: string }[] } }

/**
 * The retention policy (admins edit it; the command center reads it) and its dry run: exactly the
 * cases the next run of the daily retention job anonymises.
 */
export default function Retention() {
  const translate = useTranslate();
  const notify = useNotify();
  const qc = useQueryClient();
  const { permissions: role } = usePermissions();
  const isAdmin = role === "admin";
  const { data, isPending, error } = useQuery({ queryKey: ["aduan", "retention"], queryFn: async () => (await api<Answer>("/retention")).json });
  const [form, setForm] = useState<{ enabled: boolean; years: string; basis: string } | null>(null);
  useEffect(() => {
    if (data && !form) setForm({ enabled: data.policy.enabled, years: String(data.policy.yearsAfterClosure), basis: data.policy.basis });
  }, [data, form]);
  const refresh = () => qc.invalidateQueries({ queryKey: ["aduan", "retention"] });

  async function save() {
    if (!form) return;
    try {
      await api("/retention", { method: "PUT", body: { enabled: form.enabled, yearsAfterClosure: Number(form.years), basis: form.basis || null } });
      notify(translate("aduan.dsr.retention.saved"), { type: "success" });
      await refresh();
    } catch (err) {
      notify((err as Error).message, { type: "error" });
    }
  }
  async function run() {
    if (!data || !window.confirm(translate("aduan.dsr.retention.run_confirm", { n: data.dryRun.count }))) return;
    try {
      const r = (await api<{ cases: unknown[] }>("/retention/run", { method: "POST", body: { dryRun: false } })).json;
      notify(translate("aduan.dsr.retention.ran", { n: r.cases.length }), { type: "success" });
      await refresh();
    } catch (err) {
      notify((err as Error).message, { type: "error" });
    }
  }

  return (
    <Box sx={{ display: "grid", gap: 2, mt: 2 }}>
      <Title title="aduan.dsr.retention.title" />
      <Typography variant="h5" component="h1">{translate("aduan.dsr.retention.title")}</Typography>
      <Typography color="text.secondary">{translate("aduan.dsr.retention.intro")}</Typography>
      {isPending ? <Loading /> : null}
      {error ? <Alert severity="error">{(error as Error).message}</Alert> : null}
      {data && form ? (
        <>
          <Card component="section">
            <CardContent sx={{ display: "grid", gap: 2, maxWidth: 720 }}>
              <FormControlLabel control={<Checkbox checked={form.enabled} disabled={!isAdmin} onChange={(e) => setForm({ ...form, enabled: e.target.checked })} />} label={translate("aduan.dsr.retention.enabled")} />
              <TextField size="small" type="number" label={translate("aduan.dsr.retention.years")} value={form.years} disabled={!isAdmin} onChange={(e) => setForm({ ...form, years: e.target.value })} slotProps={{ htmlInput: { min: 1, max: 100 } }} />
              <TextField multiline minRows={3} label={translate("aduan.dsr.retention.basis")} value={form.basis} disabled={!isAdmin} onChange={(e) => setForm({ ...form, basis: e.target.value })} />
              {isAdmin ? <Button variant="contained" onClick={() => void save()}>{translate("aduan.dsr.retention.save")}</Button> : <Typography variant="caption">{translate("aduan.dsr.retention.admin_only")}</Typography>}
            </CardContent>
          </Card>
          <Card component="section" aria-labelledby="retention-dry-run">
            <CardContent>
              <Typography id="retention-dry-run" variant="h6" component="h2">{translate("aduan.dsr.retention.dry_run")}</Typography>
              <Typography sx={{ my: 1 }}>
                {translate("aduan.dsr.retention.cutoff")}: {new Date(data.dryRun.cutoff).toLocaleString()} · <strong data-testid="retention-count">{translate("aduan.dsr.retention.count", { n: data.dryRun.count })}</strong>
              </Typography>
              {data.dryRun.count === 0 ? <Typography>{translate("aduan.dsr.retention.none")}</Typography> : (
                <Table size="small" aria-labelledby="retention-dry-run">
                  <TableHead><TableRow><TableCell>{translate("aduan.dsr.retention.number")}</TableCell><TableCell>Status</TableCell><TableCell>{translate("aduan.dsr.retention.closed")}</TableCell></TableRow></TableHead>
                  <TableBody>
                    {data.dryRun.cases.map((c) => (
                      <TableRow key={c.id}><TableCell>{c.number}</TableCell><TableCell>{c.status}</TableCell><TableCell>{new Date(c.closedAt).toLocaleString()}</TableCell></TableRow>
                    ))}
                  </TableBody>
                </Table>
              )}
              {isAdmin && data.dryRun.count > 0 ? <Button sx={{ mt: 2 }} color="error" variant="outlined" onClick={() => void run()}>{translate("aduan.dsr.retention.run")}</Button> : null}
            </CardContent>
          </Card>
        </>
      ) : null}
    </Box>
  );
}
