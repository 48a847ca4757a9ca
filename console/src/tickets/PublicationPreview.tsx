import { useCallback, useEffect, useState, type ReactNode } from "react";
import { useNotify, useTranslate } from "react-admin";
import { Alert, Box, Button, Card, CardContent, Chip, Stack, TextField, Typography } from "@mui/material";
import { api } from "../api";

/**
 * The publication preview (issue 14): exactly what the public side (report page, feeds, open data,
 * Open311) will show of this report — the server's masking plus the operator's redactions — with
 * what the masker hid and what still looks like a name, a number or an address highlighted. A
 * highlighted word can be redacted with one click, any phrase by typing it; "Setujui" stores this
 * version as the public one (audited).
 */
type Kind = "masked" | "name" | "number" | "address";
interface DraftText {
  key: string;
  agencyName?: string;
  text: string;
  highlights: { kind: Kind; start: number; end: number }[];
}
interface Draft {
  publishable: boolean;
  verified: boolean;
  redactions: string[];
  texts: DraftText[];
  approved: { at: string; byName: string | null; current: boolean; sameAsDraft: boolean } | null;
}

const COLORS: Record<Kind, string> = { masked: "#c8e6c9", name: "#ffe082", number: "#bbdefb", address: "#f8bbd0" };

function Marked({ t, onRedact, label }: { t: DraftText; onRedact: (phrase: string) => void; label: (phrase: string) => string }) {
  const parts: ReactNode[] = [];
  let at = 0;
  for (const [i, h] of t.highlights.entries()) {
    if (h.start > at) parts.push(t.text.slice(at, h.start));
    const word = t.text.slice(h.start, h.end);
    parts.push(
      <Box component="mark" key={i} data-kind={h.kind} sx={{ bgcolor: COLORS[h.kind], color: "inherit", px: 0.25, borderRadius: 0.5 }}>
        {h.kind === "masked" ? (
          word
        ) : (
          <Box component="button" type="button" onClick={() => onRedact(word)} aria-label={label(word)} title={label(word)} sx={{ all: "unset", cursor: "pointer", textDecoration: "underline dotted" }}>
            {word}
          </Box>
        )}
      </Box>,
    );
    at = h.end;
  }
  if (at < t.text.length) parts.push(t.text.slice(at));
  return <>{parts}</>;
}

export function PublicationPreview({ ticketId }: { ticketId: number }) {
  const translate = useTranslate();
  const notify = useNotify();
  const [draft, setDraft] = useState<Draft | null>(null);
  const [redactions, setRedactions] = useState<string[] | null>(null);
  const [phrase, setPhrase] = useState("");
  const [busy, setBusy] = useState(false);

  const load = useCallback(async (list: string[] | null) => {
    try {
      const { json } = list === null ? await api<Draft>(`/tickets/${ticketId}/publication`) : await api<Draft>(`/tickets/${ticketId}/publication/preview`, { method: "POST", body: { redactions: list } });
      setDraft(json);
      if (list === null) setRedactions(json.redactions);
    } catch (e) {
      notify((e as Error).message, { type: "error" });
    }
  }, [ticketId, notify]);
  useEffect(() => {
    void load(null);
  }, [load]);

  const change = (list: string[]) => {
    setRedactions(list);
    void load(list);
  };
  const add = (p: string) => {
    const v = p.replace(/\s+/g, " ").trim();
    if (v.length < 2 || !redactions || redactions.some((r) => r.toLowerCase() === v.toLowerCase())) return;
    change([...redactions, v]);
  };
  const approve = async () => {
    setBusy(true);
    try {
      const { json } = await api<Draft>(`/tickets/${ticketId}/publication`, { method: "PUT", body: { redactions: redactions ?? [] } });
      setDraft(json);
      setRedactions(json.redactions);
      notify("aduan.publication.approved_now", { type: "success" });
    } catch (e) {
      notify((e as Error).message, { type: "error" });
    } finally {
      setBusy(false);
    }
  };

  const label = (t: DraftText) =>
    t.key === "subject" ? translate("resources.tickets.fields.subject") : t.key === "description" ? translate("resources.tickets.fields.description") : t.key === "location" ? translate("resources.tickets.fields.locationText") : translate("aduan.publication.answer_of", { agency: t.agencyName ?? "OPD" });
  const dirty = !!draft && !draft.approved?.sameAsDraft;

  return (
    <Card component="section" aria-labelledby="publication-heading" data-testid="publication-preview">
      <CardContent>
        <Typography id="publication-heading" variant="h6" component="h2">{translate("aduan.publication.title")}</Typography>
        {!draft ? null : !draft.publishable ? (
          <Typography color="text.secondary">{translate("aduan.publication.not_publishable")}</Typography>
        ) : (
          <>
            <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>{translate("aduan.publication.intro")}</Typography>
            {draft.approved ? (
              <Alert severity={draft.approved.current ? "success" : "warning"} sx={{ mb: 1 }} data-testid="publication-status">
                {translate(draft.approved.current ? "aduan.publication.approved" : "aduan.publication.stale", { name: draft.approved.byName ?? "—", at: new Date(draft.approved.at).toLocaleString() })}
              </Alert>
            ) : (
              <Alert severity="info" sx={{ mb: 1 }} data-testid="publication-status">{translate(draft.verified ? "aduan.publication.automatic" : "aduan.publication.unverified")}</Alert>
            )}
            <Stack direction="row" spacing={1} useFlexGap sx={{ flexWrap: "wrap", mb: 1 }} aria-label={translate("aduan.publication.legend")}>
              {(["masked", "name", "number", "address"] as const).map((k) => (
                <Chip key={k} size="small" label={translate(`aduan.publication.kind.${k}`)} sx={{ bgcolor: COLORS[k] }} />
              ))}
            </Stack>
            <Stack spacing={1} data-testid="publication-texts">
              {draft.texts.map((t) => (
                <Box key={t.key} data-text={t.key}>
                  <Typography variant="caption" color="text.secondary" component="h3">{label(t)}</Typography>
                  <Typography sx={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>
                    <Marked t={t} onRedact={add} label={(w) => translate("aduan.publication.redact_word", { word: w })} />
                  </Typography>
                </Box>
              ))}
            </Stack>
            <Box
              component="form"
              sx={{ display: "flex", gap: 1, mt: 2, alignItems: "center" }}
              onSubmit={(e) => {
                e.preventDefault();
                add(phrase);
                setPhrase("");
              }}
            >
              <TextField id="redact-phrase" size="small" label={translate("aduan.publication.phrase")} value={phrase} onChange={(e) => setPhrase(e.target.value)} slotProps={{ htmlInput: { maxLength: 200 } }} sx={{ flex: 1 }} />
              <Button type="submit" variant="outlined" disabled={phrase.trim().length < 2}>{translate("aduan.publication.add")}</Button>
            </Box>
            {redactions && redactions.length ? (
              <Stack direction="row" spacing={1} useFlexGap sx={{ flexWrap: "wrap", mt: 1 }} aria-label={translate("aduan.publication.redactions")} data-testid="redactions">
                {redactions.map((r) => (
                  <Chip key={r} label={r} onDelete={() => change(redactions.filter((x) => x !== r))} />
                ))}
              </Stack>
            ) : null}
            <Button variant="contained" sx={{ mt: 2 }} disabled={busy || !dirty} onClick={approve} fullWidth>
              {translate("aduan.publication.approve")}
            </Button>
          </>
        )}
      </CardContent>
    </Card>
  );
}
