import CallIcon from "@mui/icons-material/Call";
import { BooleanInput, Datagrid, DateField, FunctionField, List, ReferenceField, SimpleList, TextField, useTranslate, type RaRecord } from "react-admin";
import { Chip, Typography, useMediaQuery, type Theme } from "@mui/material";

type CallRow = RaRecord & { from: string; answered: boolean; status: string; durationSeconds: number; ticketId: number | null; recordingAttachmentId: number | null; createdAt: string };

function Duration({ seconds }: { seconds: number }) {
  const t = useTranslate();
  return <>{t("aduan.calls.seconds", { m: Math.floor(seconds / 60), s: seconds % 60 })}</>;
}

function Answered({ call }: { call: CallRow }) {
  const t = useTranslate();
  return <Chip size="small" color={call.answered ? "success" : "warning"} label={call.answered ? t("aduan.calls.answered") : t("aduan.calls.missed")} />;
}

/** The recording, played here: its bytes come through the access gate like any attachment. */
function Recording({ call }: { call: CallRow }) {
  const t = useTranslate();
  if (!call.recordingAttachmentId) return <>{t("aduan.calls.no_recording")}</>;
  return <audio controls preload="none" src={`/api/attachments/${call.recordingAttachmentId}/content`} aria-label={`${t("aduan.calls.recording")} ${call.from}`} style={{ maxWidth: 260 }} data-testid="call-recording" />;
}

function Empty() {
  const t = useTranslate();
  return (
    <Typography sx={{ p: 3 }} color="text.secondary">
      {t("aduan.calls.empty")}
    </Typography>
  );
}

function CallList() {
  const t = useTranslate();
  const small = useMediaQuery((theme: Theme) => theme.breakpoints.down("sm"));
  return (
    <List title={t("aduan.calls.title")} sort={{ field: "createdAt", order: "DESC" }} filters={[<BooleanInput key="answered" source="answered" label="aduan.calls.answered" />]} empty={<Empty />}>
      {small ? (
        <SimpleList<CallRow>
          primaryText={(c) => c.from}
          secondaryText={(c) => <><Answered call={c} /> <Duration seconds={c.durationSeconds} /></>}
          tertiaryText={(c) => new Date(c.createdAt).toLocaleString()}
          linkType={false}
        />
      ) : (
        <Datagrid bulkActionButtons={false} rowClick={false}>
          <DateField source="createdAt" label="aduan.calls.when" showTime />
          <TextField source="from" label="aduan.calls.from" />
          <FunctionField label="aduan.calls.status" render={(c: CallRow) => <Answered call={c} />} />
          <FunctionField label="aduan.calls.duration" sortBy="durationSeconds" render={(c: CallRow) => <Duration seconds={c.durationSeconds} />} />
          <ReferenceField source="ticketId" reference="tickets" label="aduan.calls.ticket" link="show" emptyText="—">
            <TextField source="number" />
          </ReferenceField>
          <FunctionField label="aduan.calls.recording" render={(c: CallRow) => <Recording call={c} />} />
        </Datagrid>
      )}
    </List>
  );
}

export default { list: CallList, icon: CallIcon };
