import { z } from "zod";

/**
 * react-admin simple-REST list parameters: sort=["field","ASC"], range=[0,24], filter={…}.
 * Each is JSON inside the query string; all three are validated like any other input.
 */
export function raListQuery<F extends z.ZodType, S extends readonly [string, ...string[]]>(filter: F, sortFields: S, defaultSort: [S[number], "ASC" | "DESC"]) {
  const json = <T extends z.ZodType>(name: string, inner: T) =>
    z
      .string()
      .transform((s, ctx) => {
        try {
          return JSON.parse(s) as unknown;
        } catch {
          ctx.addIssue({ code: "custom", message: `${name} must be JSON` });
          return z.NEVER;
        }
      })
      .pipe(inner);
  return z
    .object({
      sort: json("sort", z.tuple([z.enum(sortFields), z.enum(["ASC", "DESC"])])).optional(),
      range: json(
        "range",
        z
          .tuple([z.number().int().min(0), z.number().int().min(0)])
          .refine(([a, b]) => b >= a, "range end must not be before its start")
          .refine(([a, b]) => b - a < 500, "at most 500 rows per page"),
      ).optional(),
      filter: json("filter", filter).optional(),
    })
    .strict()
    .transform((q) => ({
      sort: { field: (q.sort?.[0] ?? defaultSort[0]) as S[number], order: q.sort?.[1] ?? defaultSort[1] },
      range: { start: q.range?.[0] ?? 0, end: q.range?.[1] ?? 24 },
      filter: (q.filter ?? {}) as z.output<F>,
    }));
}

/** For getMany: filter {"id":[1,2,3]} or a single id. */
export const idList = z.union([z.array(z.number().int().positive()).max(500), z.number().int().positive().transform((n) => [n])]);
