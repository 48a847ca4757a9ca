import { useRef, useState } from "react";
import { useDataProvider, useGetOne, useNotify, useTranslate, type Identifier } from "react-admin";
import { Alert, Box, Button, Checkbox, Dialog, DialogActions, DialogContent, DialogTitle, FormControlLabel, IconButton, Stack, TextField, Typography } from "@mui/material";
import { usePhone } from "./mobile";
import { dropDrafts, useDraft } from "./drafts";
import AttachFileIcon from "@mui/icons-material/AttachFile";
import CloseIcon from "@mui/icons-material/Close";
import type { AduanDataProvider, TransitionBody } from "../dataProvider";

/** What the server accepts (POST /api/forwards/:id/attachments); checked here first so mistakes show at once. */
const TYPES = ["application/pdf", "image/jpeg", "image/png", "image/webp"];
const MAX_BYTES = 10 * 1024 * 1024;
const MAX_FILES = 10;

interface Picked {
  file: File;
  /** Set once the server has it: a retry after a failure does not upload it twice. */
  uploaded: boolean;
}

const base64Of = (file: File) =>
  new Promise<string>((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result).replace(/^data:[^,]*,/, ""));
    r.onerror = () => reject(r.error ?? new Error("read failed"));
    r.readAsDataURL(file);
  });

const sizeText = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} kB`);

/**
 * The OPD's official answer (tanggapan) with optional files: the files are uploaded to the
 * forward first (so a refused file stops the answer), then the answer is sent and takes them along.
 */
export function AnswerButton({ forwardId, run, categoryId }: { forwardId: Identifier; run: (b: TransitionBody) => Promise<boolean>; /** Its field-check setting asks whether the answer claims a physical fix. */ categoryId?: Identifier | null }) {
  const translate = useTranslate();
  const { data: category } = useGetOne("categories", { id: categoryId as Identifier }, { enabled: categoryId != null });
  const fieldCheck = category?.fieldCheck === true;
  // In a field-check category an answer claims a physical fix (and needs an "after" photo) unless the OPD says otherwise.
  // The open dialog, its text and files survive the ticket page being mounted again (drafts.ts).
  const draft = `answer:${forwardId}:`;
  const [noFix, setNoFix] = useDraft(`${draft}noFix`, false);
  const dp = useDataProvider<AduanDataProvider>();
  const notify = useNotify();
  const [open, setOpen] = useDraft(`${draft}open`, false);
  // On a phone the dialog takes the whole screen (nothing wider than the screen, the keyboard has room).
  const phone = usePhone();
  const [text, setText] = useDraft(`${draft}text`, "");
  const [files, setFiles] = useDraft<Picked[]>(`${draft}files`, []);
  const [problems, setProblems] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const ok = text.trim().length >= 3;

  const pick = (list: FileList | null) => {
    const found: string[] = [];
    const next = [...files];
    for (const file of Array.from(list ?? [])) {
      if (!TYPES.includes(file.type)) found.push(translate("aduan.answer_files.wrong_type", { name: file.name }));
      else if (file.size > MAX_BYTES) found.push(translate("aduan.answer_files.too_large", { name: file.name }));
      else if (next.length >= MAX_FILES) found.push(translate("aduan.answer_files.too_many"));
      else next.push({ file, uploaded: false });
    }
    setFiles(next);
    setProblems(found);
    if (input.current) input.current.value = "";
  };

  const submit = async () => {
    setBusy(true);
    try {
      for (const p of files) {
        if (p.uploaded) continue;
        await dp.post(`/forwards/${forwardId}/attachments`, { fileName: p.file.name, mimeType: p.file.type, content: await base64Of(p.file) });
        p.uploaded = true;
        setFiles((fs) => [...fs]);
      }
    } catch (e) {
      notify((e as Error).message, { type: "error" });
      setBusy(false);
      return;
    }
    const done = await run({ action: "answer", response: text.trim(), ...(fieldCheck && noFix ? { physicalFix: false } : {}) });
    setBusy(false);
    if (done) {
      setOpen(false);
      setText("");
      setFiles([]);
      setProblems([]);
      dropDrafts(draft);
    }
  };

  return (
    <>
      <Button variant="contained" onClick={() => setOpen(true)} fullWidth>
        {translate("aduan.ticket.answer")}
      </Button>
      <Dialog open={open} onClose={() => !busy && setOpen(false)} fullWidth maxWidth="sm" fullScreen={phone} aria-labelledby="dlg-response-title">
        <form
          // Full screen on a phone: the buttons sit at the bottom, under the thumb.
          style={phone ? { display: "flex", flexDirection: "column", flex: 1, minHeight: 0 } : undefined}
          onSubmit={(e) => {
            e.preventDefault();
            if (ok && !busy) void submit();
          }}
        >
          <DialogTitle id="dlg-response-title">{translate("aduan.ticket.answer")}</DialogTitle>
          <DialogContent>
            <TextField
              id="dlg-response"
              name="response"
              label={translate("aduan.ticket.response")}
              value={text}
              onChange={(e) => setText(e.target.value)}
              required
              multiline
              minRows={3}
              fullWidth
              autoFocus
              margin="dense"
            />
            {fieldCheck ? (
              <Box sx={{ mt: 1 }}>
                <Alert severity="info" id="field-check-hint">{translate("aduan.answer_files.no_physical_fix_help")}</Alert>
                <FormControlLabel
                  control={<Checkbox checked={noFix} onChange={(e) => setNoFix(e.target.checked)} slotProps={{ input: { "aria-describedby": "field-check-hint" } }} />}
                  label={translate("aduan.answer_files.no_physical_fix")}
                />
              </Box>
            ) : null}
            <Box component="fieldset" sx={{ border: "1px solid #bdbdbd", borderRadius: 1, mt: 1, p: 1.5 }} aria-describedby="answer-files-hint">
              <Typography component="legend" variant="body2" sx={{ px: 0.5 }}>
                {translate("aduan.answer_files.label")}
              </Typography>
              {/* A real file input with its own label: keyboard and screen readers reach it like any control. */}
              <Button component="label" variant="outlined" size="small" startIcon={<AttachFileIcon />} disabled={busy || files.length >= MAX_FILES}>
                {translate("aduan.answer_files.choose")}
                <input
                  ref={input}
                  id="answer-files"
                  type="file"
                  multiple
                  accept={TYPES.join(",")}
                  aria-label={translate("aduan.answer_files.label")}
                  onChange={(e) => pick(e.target.files)}
                  style={{ position: "absolute", width: 1, height: 1, opacity: 0, overflow: "hidden" }}
                />
              </Button>
              <Typography id="answer-files-hint" variant="caption" component="p" color="text.secondary" sx={{ mt: 1 }}>
                {translate("aduan.answer_files.hint")}
              </Typography>
              {problems.map((p) => (
                <Alert key={p} severity="warning" sx={{ mt: 1 }} role="alert">
                  {p}
                </Alert>
              ))}
              {files.length > 0 ? (
                <Stack component="ul" spacing={0.5} sx={{ listStyle: "none", p: 0, m: 0, mt: 1 }} data-testid="answer-files">
                  {files.map((p, i) => (
                    <Box component="li" key={`${p.file.name}-${i}`} sx={{ display: "flex", alignItems: "center", gap: 1 }}>
                      <Typography variant="body2" sx={{ overflowWrap: "anywhere" }}>
                        {p.file.name} ({sizeText(p.file.size)}){p.uploaded ? ` — ${translate("aduan.answer_files.uploaded")}` : ""}
                      </Typography>
                      {!p.uploaded ? (
                        <IconButton size="small" aria-label={translate("aduan.answer_files.remove", { name: p.file.name })} onClick={() => setFiles((fs) => fs.filter((_, j) => j !== i))} disabled={busy}>
                          <CloseIcon fontSize="small" />
                        </IconButton>
                      ) : null}
                    </Box>
                  ))}
                </Stack>
              ) : null}
              {busy && files.some((p) => !p.uploaded) ? <Typography variant="caption" role="status">{translate("aduan.answer_files.uploading")}</Typography> : null}
            </Box>
          </DialogContent>
          <DialogActions>
            <Button onClick={() => setOpen(false)} disabled={busy}>{translate("ra.action.cancel")}</Button>
            <Button type="submit" variant="contained" disabled={!ok || busy}>
              {translate("ra.action.confirm")}
            </Button>
          </DialogActions>
        </form>
      </Dialog>
    </>
  );
}
