import type { Router } from "express";
import { z } from "zod";
import { CHANNEL_KINDS } from "../../../channels/rules/channel-kinds.js";
import { badRequest, forbidden, notFound } from "../../lib/errors.js";
import { lookups } from "../../queries/public-reports.js";
import { computeAgencyReport } from "../../queries/reports/agency-report.js";
import { monthParam, PERIOD_KINDS } from "../../queries/reports/period.js";
import { isOpdViewer } from "../../queries/viewer.js";
import { REPORT_FORMATS, renderReport } from "../presenters/reports/render.js";
import { addRoute } from "../route.js";
import type { AppDeps } from "../types.js";

/** Reports are for supervision: the command center's supervisors and admins, and each OPD for itself (never the wall's "layar"). */
export const REPORT_ROLES = ["admin", "supervisor", "opd_head", "opd_staff"] as const;

export const agencyReportQuery = z
  .object({
    agencyId: z.coerce.number().int().positive("agencyId must be an OPD id").optional(),
    month: monthParam,
    period: z.enum(PERIOD_KINDS, { message: `period must be one of ${PERIOD_KINDS.join(", ")}` }).default("month"),
    format: z.enum(REPORT_FORMATS, { message: `format must be one of ${REPORT_FORMATS.join(", ")}` }).default("json"),
    categoryId: z.coerce.number().int().positive().optional(),
    channel: z.enum(CHANNEL_KINDS, { message: `channel must be one of ${CHANNEL_KINDS.join(", ")}` }).optional(),
  })
  .strict();

export function reportRoutes(router: Router, deps: AppDeps): void {
  const { db } = deps;
  addRoute(router, deps, {
    method: "get",
    path: "/reports/agency-month",
    summary: "One OPD's (or, without agencyId, the province's) report for a month, quarter or year: JSON, CSV, XLSX or PDF",
    tag: "reports",
    roles: REPORT_ROLES,
    query: agencyReportQuery,
    async handler({ query, viewer, now, res }) {
      // Row rule: an OPD user reads their own OPD only; the province-wide form is the command center's.
      let agencyId = query.agencyId ?? null;
      if (isOpdViewer(viewer)) {
        if (viewer.agencyId == null) throw forbidden("no OPD on this account (akun tanpa OPD)");
        if (agencyId == null) agencyId = viewer.agencyId;
        if (agencyId !== viewer.agencyId) throw forbidden("an OPD reads its own reports only (hanya laporan OPD sendiri)");
      }
      const lk = await lookups(db.manager);
      if (agencyId != null && !lk.agencies.has(agencyId)) throw notFound(`OPD ${agencyId}`);
      if (query.categoryId !== undefined && !lk.categories.has(query.categoryId)) throw badRequest(`unknown categoryId ${query.categoryId} (kategori tidak dikenal)`);
      const report = await computeAgencyReport(db.manager, { agencyId, kind: query.period, month: query.month, categoryId: query.categoryId, channel: query.channel, now });
      if (query.format === "json") return report;
      const out = await renderReport(db.manager, deps.config, report, query.format);
      res.setHeader("Content-Disposition", `attachment; filename="${out.fileName}"`);
      res.setHeader("Cache-Control", "private, no-store");
      res.type(out.type).send(out.body);
      return undefined;
    },
  });
}
