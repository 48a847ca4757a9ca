/**
 * Faults that become HTTP answers. Expected outcomes of commands are values (STYLE.md 6);
 * these are for the edges: validation, authorization, not found, conflicts.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** Validation: each problem with the path of the field it names. */
    readonly issues?: readonly { path: string; message: string }[],
  ) {
    super(message);
  }
}
export const badRequest = (message: string, details?: unknown) => new HttpError(400, "bad_request", message, details);
/** Input that fails its schema: every issue named with its field. */
export const invalidRequest = (message: string, issues: readonly { path: string; message: string }[]) => new HttpError(400, "invalid_request", message, undefined, issues);
/** A command refused its input as invalid (not a conflict with the state). */
export const unprocessable = (message: string) => new HttpError(422, "request_error", message);
/** A provider we called refused or failed. */
export const badGateway = (message: string) => new HttpError(502, "provider_error", message);
export const unauthorized = (message = "login required (silakan masuk)") => new HttpError(401, "unauthorized", message);
export const forbidden = (message = "you may not do this (tidak diizinkan)") => new HttpError(403, "forbidden", message);
export const notFound = (what: string) => new HttpError(404, "not_found", `${what} not found (tidak ditemukan)`);
export const conflict = (message: string, details?: unknown) => new HttpError(409, "conflict", message, details);
/** A session that has not given its second factor (or whose role requires one it has not enrolled) reaches nothing else. */
export const secondFactorRequired = (due: "code" | "enrol") =>
  due === "code"
    ? new HttpError(403, "two_factor_required", "enter the code from your authenticator app first (masukkan kode dari aplikasi autentikator terlebih dahulu)")
    : new HttpError(403, "two_factor_enrolment_required", "your role requires two-factor authentication: set it up first (peran Anda mewajibkan autentikasi dua faktor: aktifkan terlebih dahulu)");
export const tooMany = (message: string, retryAfterSeconds: number) => new HttpError(429, "too_many_requests", message, { retryAfterSeconds });
