/**
 * A case cluster (docs/routing.md "Case clusters"): many citizens reporting one problem become one
 * case. The primary ticket carries the disposisi, the clocks and the answer; each member ticket was
 * merged into it (status `merged`, merged_into_id = the primary) and keeps its own number, reporter,
 * channel and tracking page. A cluster is kept flat: merging a primary moves its members along.
 */
import { In, type EntityManager } from "typeorm";
import { followMerged } from "../../channels/rules/merged-tickets.js";
import { Ticket } from "../entities/ticket.entity.js";

/** The member tickets of a primary, oldest first. */
export async function clusterMembersOf(m: EntityManager, primaryId: number): Promise<Ticket[]> {
  return m.getRepository(Ticket).find({ where: { mergedIntoId: primaryId, status: "merged" }, order: { id: "ASC" } });
}

/** The cluster a ticket belongs to: its primary (the ticket itself when not merged) and the members; null when the ticket does not exist. */
export async function clusterOf(m: EntityManager, ticketId: number): Promise<{ primary: Ticket; members: Ticket[] } | null> {
  const t = await m.getRepository(Ticket).findOneBy({ id: ticketId });
  const primary = await followMerged(t, (id) => m.getRepository(Ticket).findOneBy({ id }));
  if (!primary) return null;
  return { primary, members: await clusterMembersOf(m, primary.id) };
}

/** How many members each of these primaries has (primaries without members are left out). */
export async function memberCounts(m: EntityManager, primaryIds: number[]): Promise<Map<number, number>> {
  if (!primaryIds.length) return new Map();
  const rows: { id: number; n: number }[] = await m
    .getRepository(Ticket)
    .createQueryBuilder("t")
    .select("t.merged_into_id", "id")
    .addSelect("COUNT(*)", "n")
    .where({ mergedIntoId: In(primaryIds), status: "merged" })
    .groupBy("t.merged_into_id")
    .getRawMany();
  return new Map(rows.map((r) => [Number(r.id), Number(r.n)]));
}
