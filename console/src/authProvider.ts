import type { QueryClient } from "@tanstack/react-query";
import type { AuthProvider } from "react-admin";
import { api } from "./api";
import { PREFETCH_FRESH_MS, setBootHint } from "./boot/prefetch";
import { firstScreenLists, queueStoreKey } from "./boot/urls";
import { dataProvider } from "./dataProvider";

export type Role = "admin" | "supervisor" | "operator" | "opd_head" | "opd_staff" | "layar";
export interface Me {
  id: number;
  email: string;
  name: string;
  role: Role;
  agencyId: number | null;
  /** What the session still owes: the login's second step ("code") or enrolment ("enrol"). */
  secondFactor: "none" | "code" | "enrol";
}

let current: Promise<Me> | null = null;
let fetchedAt = 0;

/** The session lives in an httpOnly cookie; /api/auth/me says whether it is still valid. */
function me(fresh = false): Promise<Me> {
  if (!current || fresh || Date.now() - fetchedAt > 15_000) {
    fetchedAt = Date.now();
    current = api<Me>("/auth/me").then((r) => {
      setBootHint(r.json.secondFactor === "none" ? r.json.role : null);
      return r.json;
    });
    current.catch(() => {
      current = null;
      setBootHint(null);
    });
  }
  return current;
}

export const authProvider: AuthProvider = {
  async login({ username, password }: { username: string; password: string }) {
    const { json } = await api<Me>("/auth/login", { method: "POST", body: { email: username, password } });
    current = Promise.resolve(json);
    fetchedAt = Date.now();
    // A second factor still due: no prefetch of the role's screens, the layout shows the second step.
    setBootHint(json.secondFactor === "none" ? json.role : null);
  },
  async logout() {
    current = null;
    setBootHint(null);
    await api("/auth/logout", { method: "POST", body: {} }).catch(() => undefined);
  },
  async checkAuth() {
    try {
      await me();
    } catch {
      current = null;
      throw new Error("ra.auth.auth_check_error");
    }
  },
  async checkError(error: { status?: number }) {
    if (error?.status === 401) {
      current = null;
      setBootHint(null);
      throw new Error("aduan.auth.session_expired");
    }
  },
  async getIdentity() {
    return identityOf(await me());
  },
  async getPermissions() {
    try {
      return (await me()).role;
    } catch {
      return undefined;
    }
  },
};

const identityOf = (u: Me) => ({ id: u.id, fullName: u.name, email: u.email, role: u.role, agencyId: u.agencyId, secondFactor: u.secondFactor });

/**
 * Before the first render, when this browser remembers a session (boot.ts has already asked
 * /auth/me): puts what the authProvider would answer into react-admin's query cache, under the keys
 * of react-admin's own auth hooks (useAuthState, usePermissions, useGetIdentity). Without it every
 * screen renders once per answer: a loading page, then the frame, then the list, each a full
 * render pass of the signed-in UI. The cache is only a head start: react-admin asks the
 * authProvider again in the background, and the server checks the session on every read.
 */
export async function seedSession(queryClient: QueryClient): Promise<void> {
  const who = await me().catch(() => null);
  if (!who || who.secondFactor !== "none") return;
  queryClient.setQueryData(["auth", "checkAuth", {}], true);
  queryClient.setQueryData(["auth", "getPermissions", {}], who.role);
  queryClient.setQueryData(["auth", "getIdentity"], identityOf(who));
  // The queue's lists too (boot.ts has requested them: dataProvider takes those responses), under
  // useGetList's key, so that the first render of the queue has its rows.
  let stored: unknown;
  try {
    stored = JSON.parse(localStorage.getItem(`RaStore.${queueStoreKey(who.role)}`) ?? "null");
  } catch {
    stored = null;
  }
  await Promise.all(
    firstScreenLists(location.hash, who.role, stored).map(async ({ resource, ...params }) => {
      const r = await dataProvider.getList(resource, params).catch(() => null);
      if (!r) return;
      const key = [resource, "getList", params];
      queryClient.setQueryData(key, { data: r.data, total: r.total, pageInfo: r.pageInfo, meta: r.meta });
      // Fresh for as long as boot.ts's responses count as fresh: the list does not read it again
      // when it mounts a moment later (live updates still refetch it).
      queryClient.setQueryDefaults(key, { staleTime: PREFETCH_FRESH_MS });
    }),
  );
}
