import type { Router } from "express";
import { backupStatus, settingsOf } from "../../backup/run.js";
import { writeExport } from "../../backup/export.js";
import { recordWholeDatabaseRead } from "../../queries/access-gate.js";
import { appendAuditEvent } from "../../commands/append-audit-event.js";
import { commandContext } from "../command-context.js";
import { addRoute } from "../route.js";
import type { AppDeps } from "../types.js";

/** The installation itself: backups (supervisors, admins) and the full open-format export (admins). */
export function operationsRoutes(router: Router, deps: AppDeps) {
  addRoute(router, deps, {
    method: "get",
    path: "/operations/backup",
    summary: "The last successful backup (time, folder), the last failure after it, and whether a backup is overdue (none within BACKUP_EVERY_HOURS + 1 h)",
    tag: "operations",
    roles: ["supervisor", "admin"],
    async handler({ now }) {
      const s = await backupStatus(deps.db, deps.config, now);
      return { ...s, folder: deps.config.backup.dir };
    },
  });
  addRoute(router, deps, {
    method: "get",
    path: "/operations/export",
    summary: "The full export as one zip: every table as CSV and JSON Lines, the schema in Bahasa Indonesia and English, attachments by ticket (streamed; audited: the download, and a rahasia read of every rahasia ticket)",
    tag: "operations",
    roles: ["admin"],
    async handler({ res, viewer, now }) {
      await deps.db.tx((m) => appendAuditEvent(m, { actor: commandContext(deps, viewer, now).actor, type: "export.downloaded", entityType: "export", entityId: "all", at: now }));
      // Every rahasia ticket's text is in it: each is a recorded read by this admin.
      await recordWholeDatabaseRead(deps, viewer, "export");
      const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
      res.setHeader("Content-Type", "application/zip");
      res.setHeader("Content-Disposition", `attachment; filename="aduan-ekspor-${stamp}.zip"`);
      await writeExport({ database: settingsOf(deps.db.ds), dataDir: deps.config.dataDir, out: res, now });
    },
  });
}
