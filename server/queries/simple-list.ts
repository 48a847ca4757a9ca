import type { ObjectLiteral, Repository, SelectQueryBuilder } from "typeorm";
import type { ListParams } from "./tickets.js";
import { likeContaining } from "../lib/db.js";

/**
 * react-admin lists of small tables (OPDs, categories, users, contacts…): id list, free text over
 * some columns, equality on the rest, sort and range. `columns` maps API field -> SQL column.
 */
export async function simpleList<E extends ObjectLiteral>(
  repo: Repository<E>,
  p: ListParams<Record<string, unknown>, string>,
  columns: Record<string, string>,
  searchable: string[],
  scope?: (qb: SelectQueryBuilder<E>) => void,
): Promise<{ rows: E[]; total: number }> {
  const qb = repo.createQueryBuilder("x");
  scope?.(qb);
  let n = 0;
  for (const [key, value] of Object.entries(p.filter)) {
    if (value === undefined) continue;
    const param = `p${n++}`;
    if (key === "id") qb.andWhere(`x.id IN (:...${param})`, { [param]: value as number[] });
    else if (key === "q") {
      const text = String(value).trim();
      if (!text) continue;
      qb.andWhere(`(${searchable.map((c) => `x.${c} LIKE :${param} ESCAPE '!'`).join(" OR ")})`, { [param]: likeContaining(text) });
    } else if (columns[key]) qb.andWhere(`x.${columns[key]} = :${param}`, { [param]: value });
  }
  const total = await qb.clone().getCount();
  const rows = await qb
    .orderBy(`x.${columns[p.sort.field] ?? "id"}`, p.sort.order)
    .addOrderBy("x.id", p.sort.order)
    .offset(p.range.start)
    .limit(p.range.end - p.range.start + 1)
    .getMany();
  return { rows, total };
}
