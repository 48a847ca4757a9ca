import type { Role } from "../domain/access/roles.js";
import { isCenterRole, isOpdRole } from "../domain/access/roles.js";

/** Who is asking: every query and command checks rows against this. */
export interface Viewer {
  id: number;
  email: string;
  name: string;
  role: Role;
  agencyId: number | null;
  /** The login session the request came with: the access gate audits a rahasia read once per session. */
  sessionId?: string | null;
}

export const seesAllTickets = (v: Viewer) => isCenterRole(v.role);
export const isOpdViewer = (v: Viewer) => isOpdRole(v.role);
/** Reporter contact details (phone, e-mail, channel identities) are for the command center only. */
export const seesContactDetails = (v: Viewer) => isCenterRole(v.role);
