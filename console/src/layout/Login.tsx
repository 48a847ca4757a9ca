// The login page: the first screen of a fresh browser, so it carries no more than it shows. While
// the user types, the signed-in frame and the queue are fetched (see App.tsx's loadFirstScreen).
import { useEffect, useId, useState, type FormEvent } from "react";
import { useCheckAuth, useLogin, useNavigate, useNotify, useTranslate } from "react-admin";
import { Avatar, Box, Button, Card, CardContent, CircularProgress, FilledInput, FormControl, FormHelperText, IconButton, InputAdornment, InputLabel, Typography } from "@mui/material";
import Visibility from "@mui/icons-material/Visibility";
import VisibilityOff from "@mui/icons-material/VisibilityOff";
import LockIcon from "@mui/icons-material/Lock";
import { useLocation } from "react-router-dom";
import { prefetchWhenIdle } from "../lazy";
import { LanguageSwitch } from "./LanguageSwitch";

/** The single sign-on button (when configured) and what the provider's return said. */
function SingleSignOn() {
  const translate = useTranslate();
  const location = useLocation();
  const [sso, setSso] = useState<{ label: string; url: string } | null>(null);
  useEffect(() => {
    fetch("/api/auth/options", { headers: { Accept: "application/json" } })
      .then((r) => (r.ok ? r.json() : null))
      .then((o) => setSso(o?.sso ?? null), () => undefined);
  }, []);
  const reason = new URLSearchParams(location.search).get("sso");
  return (
    <Box sx={{ px: 2, pt: 2 }}>
      {reason ? <Typography role="alert" color="error" variant="body2" sx={{ mb: 1 }}>{translate(`aduan.sso.${reason}`, { _: translate("aduan.sso.failed") })}</Typography> : null}
      {sso ? (
        <>
          <Button variant="outlined" fullWidth href={sso.url}>{translate("aduan.sso.button", { label: sso.label })}</Button>
          <Typography variant="caption" component="p" sx={{ textAlign: "center", mt: 1 }}>{translate("aduan.sso.or")}</Typography>
        </>
      ) : null}
    </Box>
  );
}

/**
 * One field of the login form. MUI's FilledInput rather than TextField (which brings Select, Menu,
 * Popover and Modal along) and plain state rather than react-hook-form: the look of react-admin's
 * LoginForm (whose module would bring both, even unused), a fraction of its JavaScript.
 */
function Field({ label, value, onChange, error, type = "text", autoComplete, autoFocus, end }: {
  label: string; value: string; onChange: (v: string) => void; error?: string; type?: string; autoComplete: string; autoFocus?: boolean; end?: React.ReactNode;
}) {
  const id = useId();
  return (
    <FormControl variant="filled" fullWidth margin="dense" size="small" error={Boolean(error)} required>
      <InputLabel htmlFor={id}>{label}</InputLabel>
      <FilledInput
        id={id}
        type={type}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        autoComplete={autoComplete}
        autoFocus={autoFocus}
        endAdornment={end}
        inputProps={{ "aria-describedby": error ? `${id}-error` : undefined }}
      />
      <FormHelperText id={`${id}-error`}>{error ?? " "}</FormHelperText>
    </FormControl>
  );
}

/** Email and password, as react-admin's LoginForm (same texts, same errors, same authProvider.login). */
function LoginForm() {
  const translate = useTranslate();
  const login = useLogin();
  const notify = useNotify();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [visible, setVisible] = useState(false);
  const [submitted, setSubmitted] = useState(false);
  const [loading, setLoading] = useState(false);
  const required = (v: string) => (submitted && !v.trim() ? translate("ra.validation.required") : undefined);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    if (!username.trim() || !password) return;
    setLoading(true);
    login({ username, password })
      .catch((error: unknown) => {
        const message = typeof error === "string" ? error : error instanceof Error && error.message ? error.message : undefined;
        notify(message ?? "ra.auth.sign_in_error", { type: "error", messageArgs: { _: message } });
      })
      .finally(() => setLoading(false));
  };
  return (
    <form onSubmit={submit} noValidate>
      <CardContent sx={{ width: 300, pb: "16px !important" }}>
        <Field label={translate("ra.auth.username")} value={username} onChange={setUsername} error={required(username)} autoComplete="username" autoFocus />
        <Field
          label={translate("ra.auth.password")}
          value={password}
          onChange={setPassword}
          error={required(password)}
          type={visible ? "text" : "password"}
          autoComplete="current-password"
          end={
            <InputAdornment position="end">
              <IconButton aria-label={translate(visible ? "ra.input.password.toggle_visible" : "ra.input.password.toggle_hidden")} onClick={() => setVisible(!visible)} size="large">
                {visible ? <Visibility /> : <VisibilityOff />}
              </IconButton>
            </InputAdornment>
          }
        />
        <Button variant="contained" type="submit" color="primary" disabled={loading} fullWidth sx={{ mt: 2 }}>
          {loading ? <CircularProgress size={19} thickness={3} /> : translate("ra.auth.sign_in")}
        </Button>
      </CardContent>
    </form>
  );
}

/**
 * react-admin's login page (its look, and its redirect home when a session exists) with single
 * sign-on above and the language switch under the form.
 */
export function AduanLogin({ prefetch }: { prefetch: () => Promise<unknown> }) {
  useEffect(() => prefetchWhenIdle(prefetch), [prefetch]);
  const checkAuth = useCheckAuth();
  const navigate = useNavigate();
  useEffect(() => {
    checkAuth({}, false).then(() => navigate("/"), () => undefined);
  }, [checkAuth, navigate]);
  return (
    <Box
      sx={{
        display: "flex", flexDirection: "column", minHeight: "100vh", height: "1px", alignItems: "center", justifyContent: "flex-start",
        backgroundImage: "radial-gradient(circle at 50% 14em, #313264 0%, #00023b 60%, #00023b 100%)",
      }}
    >
      <Card sx={{ minWidth: 300, mt: "6em" }}>
        <Box sx={{ m: "1em", display: "flex", justifyContent: "center" }}>
          <Avatar>
            <LockIcon />
          </Avatar>
        </Box>
        <SingleSignOn />
        <LoginForm />
        <Box sx={{ display: "flex", justifyContent: "center", pb: 2 }}>
          <LanguageSwitch color="primary" />
        </Box>
      </Card>
    </Box>
  );
}
