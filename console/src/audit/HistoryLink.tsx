import { Link, usePermissions, useTranslate } from "react-admin";
import { Typography } from "@mui/material";
import FactCheckIcon from "@mui/icons-material/FactCheck";

/** On the ticket page, for supervisors: this ticket's history in the audit viewer (a small file: the viewer itself loads on demand). */
export function AuditHistoryLink({ ticketId }: { ticketId: number }) {
  const { permissions: role } = usePermissions();
  const translate = useTranslate();
  if (role !== "supervisor" && role !== "admin") return null;
  return (
    <Typography variant="body2">
      <Link to={`/audit?ticketId=${ticketId}`} data-testid="audit-history-link" sx={{ display: "inline-flex", alignItems: "center", gap: 0.5 }}>
        <FactCheckIcon fontSize="small" aria-hidden />
        {translate("aduan.audit.history_of")}
      </Link>
    </Typography>
  );
}
