import type { CommandContext } from "../commands/context.js";
import type { Viewer } from "../queries/viewer.js";
import { conflict, HttpError, notFound, unprocessable } from "../lib/errors.js";
import type { AppDeps } from "./types.js";

export function commandContext(deps: AppDeps, viewer: Viewer, at: Date): CommandContext {
  return { actor: { userId: viewer.id, label: viewer.email }, at, secretKey: deps.config.sessionSecret };
}

/** Maps a command's expected outcomes onto HTTP: not_found -> 404, violation -> 409. */
export function unwrap<T extends { kind: string }>(out: T): Extract<T, { kind: "ok" | "created" }> {
  if (out.kind === "not_found") throw notFound((out as unknown as { what: string }).what);
  if (out.kind === "violation") {
    // A violation may name itself (e.g. "sla_policy_clash") so the console can say it in the user's language.
    const v = out as unknown as { reason: string; code?: string };
    throw v.code ? new HttpError(409, v.code, v.reason) : conflict(v.reason);
  }
  if (out.kind === "invalid") throw unprocessable((out as unknown as { reason: string }).reason);
  return out as Extract<T, { kind: "ok" | "created" }>;
}
