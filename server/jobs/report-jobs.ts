// The report jobs of the worker role (thin: each calls the report computation):
//   report-rollups   every REPORT_ROLLUP_MINUTES: /kinerja's rows of the current and the last month
//   monthly-reports  on the 1st at 07:00 (calendar time zone): each OPD head gets their OPD's
//                    last-month PDF, the head of Kominfo the province's (with SMTP_URL set)
import type { EntityManager } from "typeorm";
import { Agency } from "../entities/agency.entity.js";
import { renderReport } from "../http/presenters/reports/render.js";
import { computeAgencyReport, reportCalendar } from "../queries/reports/agency-report.js";
import { refreshMonthRollups } from "../queries/reports/month-rollups.js";
import { monthOf, shiftMonth } from "../queries/reports/period.js";
import { agencyHeads } from "../queries/reports/report-heads.js";
import { smtpMailer } from "../lib/mailer.js";
import type { JobDeps } from "./jobs.js";
import type { Scheduler } from "./scheduler.js";

export const REPORT_JOB = { rollups: "report-rollups", monthly: "monthly-reports" } as const;

/** Recomputes /kinerja's rows of the current and the last month (every OPD). */
export async function runReportRollups(deps: Pick<JobDeps, "db" | "clock">): Promise<{ months: string[]; rows: number }> {
  const m = deps.db.manager;
  const now = deps.clock.now();
  const current = monthOf(now, (await reportCalendar(m)).timeZone);
  let rows = 0;
  for (const month of [current, shiftMonth(current, -1)]) rows += (await refreshMonthRollups(m, month, now)).size;
  return { months: [current, shiftMonth(current, -1)], rows };
}

export interface MonthlyReportsResult {
  month: string;
  sent: { to: string; agency: string | null; fileName: string }[];
  failed: { to: string; error: string }[];
}

/**
 * E-mails last month's report: to each active OPD's heads their OPD's PDF, to the head of
 * Kominfo (REPORT_KOMINFO_EMAIL, else Kominfo's heads) the province's. A failed address is
 * logged and the others still go.
 */
export async function runMonthlyReports(deps: JobDeps, opts: { month?: string } = {}): Promise<MonthlyReportsResult> {
  const m: EntityManager = deps.db.manager;
  const now = deps.clock.now();
  const month = opts.month ?? shiftMonth(monthOf(now, (await reportCalendar(m)).timeZone), -1);
  const out: MonthlyReportsResult = { month, sent: [], failed: [] };
  const send = deps.sendMail ?? (deps.config.smtp ? smtpMailer(deps.config.smtp.url, deps.config.smtp.from) : null);
  if (!send || !deps.config.reports.monthlyEmail) return out;

  const deliver = async (to: string[], agencyId: number | null) => {
    if (to.length === 0) return;
    const report = await computeAgencyReport(m, { agencyId, kind: "month", month, now });
    const pdf = await renderReport(m, deps.config, report, "pdf");
    const subject = `Laporan pengaduan ${report.scope.agencyName} — ${report.period.label.id}`;
    const text = [
      `Yth. Kepala ${agencyId == null ? "Dinas Komunikasi dan Informatika" : report.scope.agencyName},`,
      "",
      `Terlampir laporan pengelolaan pengaduan ${report.scope.agencyName} untuk ${report.period.label.id}:`,
      `${report.volume.forwarded} disposisi, ${report.volume.answered} ditindaklanjuti, ${report.volume.returned} dikembalikan, ${report.openBreaches} pelanggaran SLA terbuka.`,
      "",
      `Laporan lengkap juga tersedia di konsol: ${deps.config.publicUrl.replace(/\/+$/, "")}/console/#/laporan`,
      "",
      "(Monthly complaint report attached.)",
    ].join("\n");
    for (const addr of to) {
      try {
        await send({ to: addr, subject, text, attachments: [{ filename: pdf.fileName, content: pdf.body as Buffer, contentType: pdf.type }] });
        out.sent.push({ to: addr, agency: report.scope.agencyCode, fileName: pdf.fileName });
      } catch (err) {
        out.failed.push({ to: addr, error: err instanceof Error ? err.message : String(err) });
      }
    }
  };

  for (const agency of await m.getRepository(Agency).find({ where: { active: true }, order: { id: "ASC" } })) {
    const { heads } = await agencyHeads(m, { id: agency.id });
    await deliver(heads.map((h) => h.email), agency.id);
  }
  const kominfo = deps.config.reports.kominfoEmail ? [deps.config.reports.kominfoEmail] : (await agencyHeads(m, { code: deps.config.kominfoAgencyCode })).heads.map((h) => h.email);
  await deliver(kominfo, null);
  if (out.failed.length) deps.logger.warn({ month, failed: out.failed }, "some monthly report e-mails failed");
  deps.logger.info({ month, sent: out.sent.length }, "monthly reports e-mailed");
  return out;
}

export function defineReportJobs(s: Scheduler, deps: JobDeps): void {
  s.define(REPORT_JOB.rollups, async () => void (await runReportRollups(deps)), { concurrency: 1, lockLifetime: 10 * 60_000 });
  s.define(REPORT_JOB.monthly, async () => void (await runMonthlyReports(deps)), { concurrency: 1, lockLifetime: 30 * 60_000 });
}

export async function scheduleReportJobs(s: Scheduler, deps: Pick<JobDeps, "config" | "db">): Promise<void> {
  await s.every(`${deps.config.reports.rollupMinutes} minutes`, REPORT_JOB.rollups);
  if (deps.config.smtp && deps.config.reports.monthlyEmail) {
    await s.every("0 7 1 * *", REPORT_JOB.monthly, undefined, { timezone: (await reportCalendar(deps.db.manager)).timeZone, skipImmediate: true });
  }
}
