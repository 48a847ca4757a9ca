import { useTranslate } from "react-admin";
import { Box } from "@mui/material";
import { useWallData } from "../useWallData";
import { Empty } from "./Frame";

interface AgencyState {
  agencyId: number;
  code: string;
  name: string;
  shortName: string;
  light: "green" | "yellow" | "red";
  breached: number;
  warned: number;
  backlog: number;
  oldestOpenAt: string | null;
}

const COLORS = { green: "#2e7d32", yellow: "#f9a825", red: "#c62828" } as const;
const SHAPES = { green: "●", yellow: "▲", red: "■" } as const;

function age(from: string | null, translate: ReturnType<typeof useTranslate>) {
  if (!from) return "—";
  const h = Math.max(0, (Date.now() - Date.parse(from)) / 3600_000);
  return h >= 24 ? translate("aduan.wall.days", { n: Math.floor(h / 24) }) : translate("aduan.wall.hours", { n: Math.floor(h) });
}

/** Per OPD: a traffic light (with its word and shape, not colour alone), backlog and the oldest open disposisi. */
export default function AgenciesPanel() {
  const translate = useTranslate();
  const { data } = useWallData<{ agencies: AgencyState[] }>("agencies", ["sla.warned", "sla.breached", "ticket.changed"]);
  if (!data) return <Empty>{translate("aduan.wall.loading")}</Empty>;
  const cell = { fontSize: "clamp(14px, 1.2vw, 28px)", py: "0.5vh", px: "0.4vw", borderBottom: "1px solid #24324a", textAlign: "left" as const, whiteSpace: "nowrap" as const };
  return (
    <Box component="table" sx={{ width: "100%", borderCollapse: "collapse" }} aria-label={translate("aduan.wall.panels.agencies")}>
      <thead>
        <tr>
          <Box component="th" scope="col" sx={{ ...cell, color: "#b8c4d6", fontWeight: 500 }}>{translate("aduan.wall.agency")}</Box>
          <Box component="th" scope="col" sx={{ ...cell, color: "#b8c4d6", fontWeight: 500 }}>SLA</Box>
          <Box component="th" scope="col" sx={{ ...cell, color: "#b8c4d6", fontWeight: 500, textAlign: "right" }}>{translate("aduan.wall.backlog")}</Box>
          <Box component="th" scope="col" sx={{ ...cell, color: "#b8c4d6", fontWeight: 500, textAlign: "right" }}>{translate("aduan.wall.oldest")}</Box>
        </tr>
      </thead>
      <tbody>
        {data.agencies.map((a) => (
          <tr key={a.agencyId} data-testid={`wall-agency-${a.code}`} data-light={a.light}>
            <Box component="td" sx={{ ...cell, overflow: "hidden", textOverflow: "ellipsis", maxWidth: "11vw" }} title={a.name}>{a.shortName}</Box>
            <Box component="td" sx={cell}>
              <Box component="span" sx={{ display: "inline-flex", alignItems: "center", gap: "0.4vw", px: "0.6vw", borderRadius: "999px", whiteSpace: "nowrap", bgcolor: COLORS[a.light], color: a.light === "yellow" ? "#111" : "#fff", fontWeight: 700 }}>
                <span aria-hidden="true">{SHAPES[a.light]}</span>
                {translate(`aduan.wall.light.${a.light}`)}
                {a.light === "red" ? ` (${a.breached})` : a.light === "yellow" ? ` (${a.warned})` : ""}
              </Box>
            </Box>
            <Box component="td" sx={{ ...cell, textAlign: "right", fontVariantNumeric: "tabular-nums", fontWeight: 700 }}>{a.backlog}</Box>
            <Box component="td" sx={{ ...cell, textAlign: "right" }}>{age(a.oldestOpenAt, translate)}</Box>
          </tr>
        ))}
      </tbody>
    </Box>
  );
}
