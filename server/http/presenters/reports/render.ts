// One report in the format asked for: JSON, CSV, XLSX or PDF (the route and the monthly e-mail).
import type { EntityManager } from "typeorm";
import type { Config } from "../../../config/env.js";
import type { AgencyReport } from "../../../queries/reports/agency-report.js";
import { agencyHeads } from "../../../queries/reports/report-heads.js";
import { brandOf } from "../../public/brand.js";
import { reportCsv } from "./csv.js";
import { reportFileName } from "./figures.js";
import { reportPdf } from "./pdf.js";
import { reportXlsx } from "./xlsx.js";

export const REPORT_FORMATS = ["json", "csv", "xlsx", "pdf"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

const TYPES: Record<ReportFormat, string> = {
  json: "application/json; charset=utf-8",
  csv: "text/csv; charset=utf-8",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  pdf: "application/pdf",
};

export interface RenderedReport {
  body: Buffer | string;
  type: string;
  fileName: string;
}

/** The province's and Kominfo's names and the heads who sign. */
export async function reportLetterhead(m: EntityManager, config: Config, agencyId: number | null) {
  const brand = brandOf(config);
  const kominfo = await agencyHeads(m, { code: config.kominfoAgencyCode });
  const agency = agencyId != null ? await agencyHeads(m, { id: agencyId }) : null;
  return {
    province: brand.province?.id ?? "Pemerintah Provinsi",
    kominfoName: kominfo.agency?.name ?? "Dinas Komunikasi dan Informatika",
    kominfoHead: kominfo.heads[0]?.name ?? null,
    agencyHead: agency?.heads[0]?.name ?? null,
    color: brand.color,
    serviceName: brand.serviceName,
  };
}

export async function renderReport(m: EntityManager, config: Config, r: AgencyReport, format: ReportFormat): Promise<RenderedReport> {
  const fileName = reportFileName(r, format);
  if (format === "json") return { body: JSON.stringify(r), type: TYPES.json, fileName };
  if (format === "csv") return { body: reportCsv(r), type: TYPES.csv, fileName };
  const head = await reportLetterhead(m, config, r.scope.agencyId);
  if (format === "xlsx") return { body: await reportXlsx(r, { province: head.province, author: head.kominfoName }), type: TYPES.xlsx, fileName };
  return { body: await reportPdf(r, head), type: TYPES.pdf, fileName };
}
