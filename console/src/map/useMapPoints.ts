import { useQuery } from "@tanstack/react-query";
import { api } from "../api";
import { useLiveRefresh } from "../live";
import type { MapPoint } from "./IncidentMap";

export interface MapPointsAnswer {
  points: MapPoint[];
  days: number;
  limit: number;
}

/**
 * GET /api/map/points, refetched when the live stream says a ticket was created or changed (at most
 * every 800 ms: a burst of webhooks is one refetch), never polled.
 */
export function useMapPoints() {
  const q = useQuery({
    queryKey: ["aduan", "map", "points"],
    queryFn: async () => (await api<MapPointsAnswer>("/map/points")).json,
    retry: 1,
    staleTime: Infinity,
  });
  useLiveRefresh(["ticket.created", "ticket.changed"], () => void q.refetch(), { ms: 800 });
  return q;
}
