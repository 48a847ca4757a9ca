import type { NextFunction, Request, Response } from "express";
import { HttpError } from "../../lib/errors.js";
import type { Logger } from "../../lib/logger.js";

/** Every error becomes a JSON answer that names the problem; only unexpected ones are logged as errors. */
export function errorHandler(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const e = err as { status?: number; statusCode?: number; type?: string; message?: string; issues?: unknown; expose?: boolean };
    let status = 500;
    let body: Record<string, unknown>;
    if (err instanceof HttpError) {
      status = err.status;
      body = { error: err.code, message: err.message, ...(err.details ? { details: err.details } : {}), ...(err.issues ? { issues: err.issues } : {}) };
      if (status === 429 && (err.details as { retryAfterSeconds?: number })?.retryAfterSeconds) {
        res.setHeader("Retry-After", String((err.details as { retryAfterSeconds: number }).retryAfterSeconds));
      }
    } else if (e?.type === "entity.parse.failed") {
      status = 400;
      body = { error: "malformed_json", message: `request body is not valid JSON: ${e.message}` };
    } else if (e?.type === "entity.too.large") {
      status = 413;
      body = { error: "payload_too_large", message: "request body is too large (permintaan terlalu besar)" };
    } else if (e?.type === "encoding.unsupported" || e?.type === "charset.unsupported") {
      status = 415;
      body = { error: "unsupported_encoding", message: e.message };
    } else if ((e?.status ?? e?.statusCode) && (e.status ?? e.statusCode)! < 500) {
      status = (e.status ?? e.statusCode)!;
      body = { error: status === 400 ? "invalid_request" : "request_error", message: e.message ?? "bad request", ...(e.issues ? { issues: e.issues } : {}) };
    } else {
      logger.error({ err, path: req.path, method: req.method }, "unhandled error");
      body = { error: "internal", message: "internal error (kesalahan server); it has been logged" };
    }
    if (res.headersSent) return;
    res.status(status).json(body);
  };
}
