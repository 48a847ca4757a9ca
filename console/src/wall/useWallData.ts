import { useQuery } from "@tanstack/react-query";
import { api } from "../api";
import { useLiveRefresh } from "../live";

/**
 * One of the wall's endpoints (/api/wall/<path>), refetched when the live stream says the numbers
 * changed (wall.changed, and the given extra types), at most every 500 ms: no polling.
 */
export function useWallData<T>(path: string, extraTypes: string[] = []) {
  const q = useQuery({
    queryKey: ["aduan", "wall", path],
    queryFn: async () => (await api<T>(`/wall/${path}`)).json,
    retry: 1,
    staleTime: Infinity,
  });
  useLiveRefresh(["wall.changed", ...extraTypes], () => void q.refetch(), { ms: 500 });
  return q;
}
