import type { Router } from "express";
import { z } from "zod";
import { createOpen311Key, revokeOpen311Key } from "../../commands/save-open311-key.js";
import { Open311Key } from "../../entities/open311-key.entity.js";
import { commandContext, unwrap } from "../command-context.js";
import { addRoute, idParams } from "../route.js";
import type { AppDeps } from "../types.js";

import { presentKey } from "../presenters/open311-key.presenter.js";
const ADMIN = ["admin"] as const;

/** Admins issue and revoke the API keys partner systems use for Open311 POST /requests. */
export function open311KeyRoutes(router: Router, deps: AppDeps) {
  addRoute(router, deps, {
    method: "get", path: "/open311-keys", summary: "Open311 API keys (without secrets)", tag: "open311", roles: ADMIN, list: true,
    async handler() {
      const rows = await deps.db.manager.getRepository(Open311Key).find({ order: { id: "ASC" } });
      return { rows: rows.map(presentKey), total: rows.length, resource: "open311-keys", start: 0 };
    },
  });
  addRoute(router, deps, {
    method: "post", created: true, path: "/open311-keys", summary: "Issue an Open311 API key; the secret `key` is shown only in this answer", tag: "open311", roles: ADMIN,
    body: z.object({ name: z.string().trim().min(2).max(200) }).strict(),
    async handler({ body, viewer, now }) {
      const out = await deps.db.tx((m) => createOpen311Key(m, commandContext(deps, viewer, now), body));
      return { ...presentKey(out.key), key: out.secret };
    },
  });
  addRoute(router, deps, {
    method: "delete", path: "/open311-keys/:id", summary: "Revoke an Open311 API key", tag: "open311", roles: ADMIN, params: idParams,
    async handler({ params, viewer, now }) {
      const out = unwrap(await deps.db.tx((m) => revokeOpen311Key(m, commandContext(deps, viewer, now), params.id)));
      return presentKey(out.key);
    },
  });
}
