// Who heads an OPD and Kominfo: the names on the PDF's signature block and the monthly e-mail's
// recipients. The agency's head_user_id, else its active opd_head users.
import { In, type EntityManager } from "typeorm";
import { Agency } from "../../entities/agency.entity.js";
import { User } from "../../entities/user.entity.js";

export interface AgencyHeads {
  agency: Agency | null;
  /** Active heads, the designated one first. */
  heads: { name: string; email: string }[];
}

export async function agencyHeads(m: EntityManager, where: { id: number } | { code: string }): Promise<AgencyHeads> {
  const agency = await m.getRepository(Agency).findOneBy(where);
  if (!agency) return { agency: null, heads: [] };
  const users = await m.getRepository(User).find({ where: { agencyId: agency.id, role: In(["opd_head"]), active: true }, order: { id: "ASC" } });
  users.sort((a, b) => Number(b.id === agency.headUserId) - Number(a.id === agency.headUserId));
  return { agency, heads: users.map((u) => ({ name: u.name, email: u.email })) };
}
