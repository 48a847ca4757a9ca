import { Typography } from "@mui/material";
import { useTranslate } from "react-admin";
import type { Ticket } from "../api-types";

/**
 * Why a ticket is in a search's results: where it matched and an excerpt with the words marked.
 * The server builds the excerpt from text the viewer may read (through the access gate) and sends
 * it as plain pieces; React escapes each one, and only the marked pieces become <mark>.
 */
export function SearchSnippet({ hit }: { hit: Ticket["searchHit"] }) {
  const translate = useTranslate();
  if (!hit) return null;
  return (
    <Typography
      component="span"
      variant="caption"
      data-testid="search-snippet"
      sx={{ display: "block", color: "text.secondary", overflowWrap: "anywhere", "& mark": { bgcolor: "#fff176", color: "#1a1a1a", px: 0.25, borderRadius: 0.5 } }}
    >
      <span>{translate("aduan.search.match_in")} {translate(`aduan.search.source.${hit.direction ?? hit.source}`)}: </span>
      {hit.parts.map((p, i) => (p.mark ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>))}
    </Typography>
  );
}
