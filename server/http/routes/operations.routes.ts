import type { Router } from "express";
import { backupStatus } from "../../backup/run.js";
import { addRoute } from "../route.js";
import type { AppDeps } from "../types.js";

/** What supervisors and admins must know about the installation itself: backups. */
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
}
