import { useTranslate } from "react-admin";
import { Alert, Box, Typography } from "@mui/material";

export type TranscriptionView = { state: "pending" | "done" | "no-model" | "failed"; engine: string | null; language: string | null; text: string | null };

/**
 * A recorded call's transcript, made on the server by whisper (docs/transcription.md); marked as
 * automatic. Without a model the ticket says so: the provider's transcript is a message of its own.
 */
export function CallTranscript({ transcription }: { transcription: TranscriptionView }) {
  const t = useTranslate();
  if (transcription.state === "done") {
    return (
      <Box component="figure" sx={{ m: 0, mt: 1, p: 1, borderLeft: "3px solid #1565c0", bgcolor: "#fff" }} data-testid="call-transcript">
        <Typography component="figcaption" variant="caption" sx={{ color: "#37474f" }}>
          {t("aduan.calls.transcript_auto")}
          {transcription.engine ? ` · ${transcription.engine}` : ""}
        </Typography>
        <Typography sx={{ whiteSpace: "pre-wrap" }} lang={transcription.language ?? undefined}>
          {transcription.text || t("aduan.calls.transcript_empty")}
        </Typography>
      </Box>
    );
  }
  const key = transcription.state === "pending" ? "transcript_pending" : transcription.state === "no-model" ? "transcript_no_model" : "transcript_failed";
  return (
    <Alert severity={transcription.state === "failed" ? "warning" : "info"} sx={{ mt: 1 }} data-testid="call-transcript-state" data-state={transcription.state}>
      {t(`aduan.calls.${key}`)}
    </Alert>
  );
}
