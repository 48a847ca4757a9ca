// The reporter card of the ticket page: who complained, as the access gate lets the viewer know.
import { useTranslate, Link } from "react-admin";
import { Box, Card, CardContent, Typography } from "@mui/material";
import type { Ticket } from "../../api-types";

export function ReporterCard({ ticket }: { ticket: Ticket }) {
  const translate = useTranslate();
  const rep = ticket.reporter as { contactId?: number; name?: string | null; phone?: string | null; email?: string | null } | null | undefined;
  return (
    <Card component="section" aria-labelledby="reporter-heading">
      <CardContent>
        <Typography id="reporter-heading" variant="h6" component="h2">{translate("aduan.ticket.reporter")}</Typography>
        {rep ? (
          <Box data-testid="reporter">
            {rep.name ? <Typography>{rep.name}</Typography> : null}
            {rep.phone ? <Typography variant="body2">{rep.phone}</Typography> : null}
            {rep.email ? <Typography variant="body2">{rep.email}</Typography> : null}
            {rep.contactId ? <Link to={`/contacts/${rep.contactId}/show`}>{translate("aduan.contact.tickets")}</Link> : null}
          </Box>
        ) : (
          <Typography color="text.secondary" data-testid="reporter-hidden">
            {translate("aduan.ticket.reporter_hidden")}
            {ticket.withheld ? ` (${translate(`aduan.privacy.${ticket.privacy}`)})` : ""}
          </Typography>
        )}
      </CardContent>
    </Card>
  );
}
