import type { AuthProvider } from "react-admin";
import { api } from "./api";
import { setBootHint } from "./boot/prefetch";

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
    const u = await me();
    return { id: u.id, fullName: u.name, email: u.email, role: u.role, agencyId: u.agencyId, secondFactor: u.secondFactor };
  },
  async getPermissions() {
    try {
      return (await me()).role;
    } catch {
      return undefined;
    }
  },
};
