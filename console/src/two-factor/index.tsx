import { useEffect, useRef, useState, type FormEvent } from "react";
import { Alert, Box, Button, Card, CardContent, Checkbox, FormControlLabel, FormGroup, TextField, Typography } from "@mui/material";
import { Title, useLogout, useNotify, useRecordContext, useTranslate } from "react-admin";
import { api } from "../api";
import { LanguageSwitch } from "../layout/LanguageSwitch";

const ROLES = ["admin", "supervisor", "operator", "opd_head", "opd_staff", "layar"] as const;

interface Enrolment {
  secret: string;
  otpauthUri: string;
  qrSvg: string;
}

/** The session now has its second factor: start the console afresh with the full session. */
const reopen = () => {
  window.location.hash = "#/";
  window.location.reload();
};

function CodeForm({ label, button, onSubmit }: { label: string; button: string; onSubmit(code: string): Promise<void> }) {
  const [code, setCode] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onSubmit(code.trim());
    } catch (err) {
      setError((err as Error).message);
      setCode("");
    } finally {
      setBusy(false);
    }
  };
  return (
    <Box component="form" onSubmit={submit} sx={{ display: "flex", flexDirection: "column", gap: 2, mt: 2 }}>
      {error ? <Alert severity="error" role="alert">{error}</Alert> : null}
      <TextField label={label} value={code} onChange={(e) => setCode(e.target.value)} autoComplete="one-time-code" autoFocus required slotProps={{ htmlInput: { maxLength: 32 } }} />
      <Button type="submit" variant="contained" disabled={busy || code.trim().length < 6}>{button}</Button>
    </Box>
  );
}

function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone(): void }) {
  const translate = useTranslate();
  return (
    <Box>
      <Typography variant="h6" component="h2" sx={{ mt: 2 }}>{translate("aduan.two_factor.recovery_title")}</Typography>
      <Typography variant="body2">{translate("aduan.two_factor.recovery_intro")}</Typography>
      <Box component="ol" data-testid="recovery-codes" sx={{ fontFamily: "monospace", fontSize: "1.1rem", columns: 2 }}>
        {codes.map((c) => <li key={c}>{c}</li>)}
      </Box>
      <Button variant="contained" onClick={onDone}>{translate("aduan.two_factor.recovery_done")}</Button>
    </Box>
  );
}

/** Enrolment: QR code (rendered by the server), the secret for manual entry, a code to confirm, then the recovery codes once. */
function Enrol({ required, onDone }: { required: boolean; onDone(): void }) {
  const translate = useTranslate();
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    api<Enrolment>("/auth/2fa/enrol", { method: "POST", body: {} }).then((r) => setEnrolment(r.json), (err: Error) => setError(err.message));
  }, []);
  if (codes) return <RecoveryCodes codes={codes} onDone={onDone} />;
  return (
    <Box>
      <Typography variant="body1">{translate(required ? "aduan.two_factor.intro_enrol" : "aduan.two_factor.intro_optional")}</Typography>
      {error ? <Alert severity="error" role="alert">{error}</Alert> : null}
      {enrolment ? (
        <>
          <Box sx={{ display: "flex", justifyContent: "center", my: 2 }}>
            <img src={`data:image/svg+xml;utf8,${encodeURIComponent(enrolment.qrSvg)}`} alt={translate("aduan.two_factor.qr_alt")} width={220} height={220} data-testid="totp-qr" />
          </Box>
          <Typography variant="body2">{translate("aduan.two_factor.manual")}</Typography>
          <Box component="code" data-testid="totp-secret" sx={{ display: "block", fontSize: "1.1rem", letterSpacing: 1, wordBreak: "break-all", my: 1 }}>
            {enrolment.secret.replace(/(.{4})/g, "$1 ").trim()}
          </Box>
          <details>
            <summary>{translate("aduan.two_factor.uri")}</summary>
            <Box component="code" data-testid="otpauth-uri" sx={{ wordBreak: "break-all", fontSize: "0.8rem" }}>{enrolment.otpauthUri}</Box>
          </details>
          <CodeForm
            label={translate("aduan.two_factor.enrol_code")}
            button={translate("aduan.two_factor.activate")}
            onSubmit={async (code) => setCodes((await api<{ recoveryCodes: string[] }>("/auth/2fa/confirm", { method: "POST", body: { code } })).json.recoveryCodes)}
          />
        </>
      ) : null}
    </Box>
  );
}

/** Shown instead of the console while the session owes its second factor (the API answers nothing else). */
export default function TwoFactorScreen({ mode }: { mode: "code" | "enrol" }) {
  const translate = useTranslate();
  const logout = useLogout();
  return (
    <Box component="main" sx={{ display: "flex", justifyContent: "center", alignItems: "flex-start", minHeight: "100vh", bgcolor: "#e3eaf5", p: 2 }}>
      <Card sx={{ maxWidth: 480, width: "100%", mt: 6 }}>
        <CardContent>
          <Typography variant="h5" component="h1" gutterBottom>{translate(mode === "code" ? "aduan.two_factor.title_code" : "aduan.two_factor.title_enrol")}</Typography>
          {mode === "code" ? (
            <>
              <Typography variant="body1">{translate("aduan.two_factor.intro_code")}</Typography>
              <CodeForm
                label={translate("aduan.two_factor.code")}
                button={translate("aduan.two_factor.verify")}
                onSubmit={async (code) => {
                  await api("/auth/2fa/verify", { method: "POST", body: { code } });
                  reopen();
                }}
              />
            </>
          ) : (
            <Enrol required onDone={reopen} />
          )}
          <Box sx={{ display: "flex", justifyContent: "space-between", mt: 3 }}>
            <Button onClick={() => logout()}>{translate("aduan.two_factor.logout")}</Button>
            <LanguageSwitch color="primary" />
          </Box>
        </CardContent>
      </Card>
    </Box>
  );
}

interface State {
  enabled: boolean;
  required: boolean;
  recoveryCodesLeft: number;
}

/** The user's own page (user menu): the state, and enrolment when it is off. */
export function MyTwoFactor() {
  const translate = useTranslate();
  const [state, setState] = useState<State | null>(null);
  const [enrolling, setEnrolling] = useState(false);
  useEffect(() => {
    api<State>("/auth/2fa").then((r) => setState(r.json), () => undefined);
  }, []);
  return (
    <Card sx={{ mt: 2, maxWidth: 560 }}>
      <Title title={translate("aduan.two_factor.menu")} />
      <CardContent>
        {state ? <Typography variant="h6" component="h1">{translate(state.enabled ? "aduan.two_factor.enabled" : "aduan.two_factor.disabled")}</Typography> : null}
        {state?.enabled ? <Typography>{translate("aduan.two_factor.codes_left", { n: state.recoveryCodesLeft })}</Typography> : null}
        {state && !state.enabled && !enrolling ? <Button variant="contained" sx={{ mt: 2 }} onClick={() => setEnrolling(true)}>{translate("aduan.two_factor.activate")}</Button> : null}
        {enrolling ? <Enrol required={false} onDone={reopen} /> : null}
      </CardContent>
    </Card>
  );
}

/** The admin's panel beside a user's form: the user's state and the audited reset. */
export function UserTwoFactorPanel() {
  const record = useRecordContext();
  const translate = useTranslate();
  const notify = useNotify();
  const [state, setState] = useState<State | null>(null);
  const id = record?.id;
  useEffect(() => {
    if (id != null) api<State>(`/users/${id}/two-factor`).then((r) => setState(r.json), () => undefined);
  }, [id]);
  if (!state) return null;
  const reset = async () => {
    try {
      setState((await api<State>(`/users/${id}/two-factor/reset`, { method: "POST", body: {} })).json);
      notify("aduan.two_factor.reset_done", { type: "info" });
    } catch (err) {
      notify((err as Error).message, { type: "error" });
    }
  };
  return (
    <Card sx={{ ml: 2, mt: 2, minWidth: 260 }} data-testid="user-two-factor">
      <CardContent>
        <Typography variant="subtitle1" component="h2">{translate(state.enabled ? "aduan.two_factor.enabled" : "aduan.two_factor.disabled")}</Typography>
        <Typography variant="body2">{translate(state.required ? "aduan.two_factor.required" : "aduan.two_factor.not_required")}</Typography>
        {state.enabled ? <Typography variant="body2">{translate("aduan.two_factor.codes_left", { n: state.recoveryCodesLeft })}</Typography> : null}
        {state.enabled ? <Button color="error" variant="outlined" sx={{ mt: 1 }} onClick={reset}>{translate("aduan.two_factor.reset")}</Button> : null}
      </CardContent>
    </Card>
  );
}

/** Admins: which roles must use a second factor. */
export function TwoFactorRoles() {
  const translate = useTranslate();
  const notify = useNotify();
  const [roles, setRoles] = useState<Record<string, boolean> | null>(null);
  useEffect(() => {
    api<{ roles: Record<string, boolean> }>("/security/two-factor").then((r) => setRoles(r.json.roles), () => undefined);
  }, []);
  // The box follows the click at once (a slow server must not make it look ignored), and goes back if the save fails.
  const toggle = async (role: string, value: boolean) => {
    setRoles((r) => (r ? { ...r, [role]: value } : r));
    try {
      setRoles((await api<{ roles: Record<string, boolean> }>("/security/two-factor", { method: "PUT", body: { roles: { [role]: value } } })).json.roles);
      notify("aduan.two_factor.saved", { type: "info" });
    } catch (err) {
      setRoles((r) => (r ? { ...r, [role]: !value } : r));
      notify((err as Error).message, { type: "error" });
    }
  };
  return (
    <Card sx={{ mt: 2, maxWidth: 560 }}>
      <Title title={translate("aduan.two_factor.menu")} />
      <CardContent>
        <Typography variant="h6" component="h1">{translate("aduan.two_factor.roles_title")}</Typography>
        {roles ? (
          <FormGroup>
            {ROLES.map((r) => (
              <FormControlLabel key={r} control={<Checkbox checked={roles[r] ?? false} onChange={(e) => toggle(r, e.target.checked)} />} label={translate(`aduan.roles.${r}`)} />
            ))}
          </FormGroup>
        ) : null}
      </CardContent>
    </Card>
  );
}
