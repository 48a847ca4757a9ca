import { useQuery } from "@tanstack/react-query";
import { useTranslate } from "react-admin";
import { Box } from "@mui/material";
import { api } from "../../api";
import { useLiveRefresh } from "../../live";
import { Empty } from "./Frame";

interface WallPhoto {
  id: number;
  attachmentId: number;
  ticketNumber: string;
  categoryName: string | null;
  width: number;
  height: number;
  url: string;
}

/**
 * The latest photos an operator marked "boleh tampil" (EXIF-free copies, publik tickets only),
 * with the ticket number and category under each. Refreshed on the live stream.
 */
export default function PhotosPanel() {
  const translate = useTranslate();
  const q = useQuery({
    queryKey: ["aduan", "wall", "photos"],
    queryFn: async () => (await api<{ photos: WallPhoto[] }>("/wall/photos")).json,
    retry: 1,
    staleTime: Infinity,
  });
  useLiveRefresh(["ticket.changed", "wall.changed"], () => void q.refetch(), { ms: 1000 });
  if (!q.data) return <Empty>{translate("aduan.wall.loading")}</Empty>;
  const photos = q.data.photos.slice(0, 8);
  if (photos.length === 0) return <Empty>{translate("aduan.map.photos.none")}</Empty>;
  return (
    <Box component="ul" data-testid="wall-photos" sx={{ listStyle: "none", p: 0, m: 0, display: "grid", gridTemplateColumns: "repeat(auto-fill, minmax(clamp(140px, 14vw, 360px), 1fr))", gap: "1vw", height: "100%", overflow: "hidden" }}>
      {photos.map((p) => (
        <Box component="li" key={p.id} sx={{ minWidth: 0 }}>
          <Box component="figure" sx={{ m: 0 }}>
            <Box component="img" src={p.url} alt={`${p.ticketNumber}${p.categoryName ? ` — ${p.categoryName}` : ""}`} loading="lazy" sx={{ width: "100%", aspectRatio: "4 / 3", objectFit: "cover", borderRadius: 1, display: "block", bgcolor: "#10202e" }} />
            <Box component="figcaption" sx={{ fontSize: "clamp(12px, 1vw, 22px)", mt: 0.5, lineHeight: 1.25 }}>
              <strong style={{ fontVariantNumeric: "tabular-nums" }}>{p.ticketNumber}</strong>
              {p.categoryName ? <span style={{ color: "#b8c4d6" }}> · {p.categoryName}</span> : null}
            </Box>
          </Box>
        </Box>
      ))}
    </Box>
  );
}
