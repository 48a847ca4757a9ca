import type { ReactNode } from "react";
import { Box, Typography } from "@mui/material";

export function Empty({ children }: { children: ReactNode }) {
  return <Typography sx={{ fontSize: "clamp(14px, 1.2vw, 26px)", color: "#b8c4d6" }}>{children}</Typography>;
}
