// /open311/v2/ — Open311 GeoReport v2 (wiki.open311.org/GeoReport_v2): discovery, services
// (categories), service definitions, service requests (public tickets) to read, and POST with an
// admin-issued api_key to file one. JSON or XML by the extension; errors in the spec's format.
// Reads go through the same publication rule and masking presenter as /laporan.
import express, { type Request, type Response, type Router } from "express";
import { z } from "zod";
import { SYSTEM_ACTOR } from "../../commands/append-audit-event.js";
import { submitOpen311Request } from "../../commands/submit-open311-request.js";
import { PRIVACY_LEVELS } from "../../domain/privacy/levels.js";
import { exportPublicReports, getPublicReport, lookups, type PublicReportFilter } from "../../queries/public-reports.js";
import { presentService, presentServiceDefinition, presentServiceRequest, toXml, toXmlSingle } from "../presenters/open311.presenter.js";
import { presentPublicReport } from "../presenters/public-report.presenter.js";
import type { AppDeps } from "../types.js";
import { cachePublic } from "./layout.js";

type Format = "json" | "xml";
const MAX_REQUESTS = 1000;
const DEFAULT_DAYS = 90;

function splitFile(file: string): { name: string; format: Format } | null {
  const m = /^(.+)\.(json|xml)$/.exec(file);
  return m ? { name: m[1]!, format: m[2] as Format } : null;
}

function send(res: Response, format: Format, status: number, json: unknown, xml: () => string): void {
  if (format === "json") res.status(status).type("application/json; charset=utf-8").send(JSON.stringify(json));
  else res.status(status).type("text/xml; charset=utf-8").send(xml());
}

/** The spec's error answer: a list of {code, description}, with the same HTTP status. */
function error(res: Response, format: Format, code: number, description: string): void {
  res.setHeader("Cache-Control", "no-store");
  send(res, format, code, [{ code, description }], () => toXml("errors", "error", [{ code, description }]));
}

/** An empty parameter ("start_date=") is treated as absent, as the spec's clients send them. */
const absentIfEmpty = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), schema);
/** The spec's dates are W3C date-times with a time zone: without one the instant is unknown (400). */
const w3cDateTime = z
  .string()
  .trim()
  .refine((s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(s) && !Number.isNaN(Date.parse(s)), "must be a W3C date-time with a time zone, e.g. 2026-11-23T10:00:00+07:00 or 2026-11-23T03:00:00Z");
/** The query parameters of GET requests.json/xml (also the micro-cache key, micro-cache.ts). */
export const listQuery = z.object({
  service_request_id: absentIfEmpty(z.string().max(2000).optional()),
  service_code: absentIfEmpty(z.string().max(2000).optional()),
  start_date: absentIfEmpty(w3cDateTime.optional()),
  end_date: absentIfEmpty(w3cDateTime.optional()),
  status: absentIfEmpty(
    z
      .string()
      .optional()
      .refine((s) => s === undefined || s.split(",").every((x) => ["open", "closed"].includes(x.trim())), "status is open, closed or open,closed"),
  ),
  jurisdiction_id: absentIfEmpty(z.string().max(100).optional()),
});

const optionalText = (max: number) => absentIfEmpty(z.string().trim().max(max).optional());
const coord = (min: number, max: number) => z.preprocess((v) => (v === "" || v === undefined ? undefined : v), z.coerce.number().min(min).max(max).optional());
const postBody = z.object({
  api_key: absentIfEmpty(z.string({ error: "api_key is required" }).max(200)),
  service_code: absentIfEmpty(z.string({ error: "service_code is required" }).max(64)),
  description: optionalText(4000),
  lat: coord(-90, 90),
  long: coord(-180, 180),
  address_string: optionalText(300),
  address_id: optionalText(100),
  email: optionalText(254),
  phone: optionalText(40),
  first_name: optionalText(100),
  last_name: optionalText(100),
  device_id: optionalText(200),
  account_id: optionalText(200),
  media_url: optionalText(1000),
  jurisdiction_id: optionalText(100),
  attribute: z.object({ privacy: absentIfEmpty(z.enum(PRIVACY_LEVELS).optional()), description: optionalText(4000) }).passthrough().optional(),
});

export function open311Routes(deps: AppDeps): Router {
  const router = express.Router();
  const base = `${deps.config.publicUrl}/open311/v2`;
  const wrap = (fn: (req: Request, res: Response, format: Format) => Promise<void>) => async (req: Request, res: Response) => {
    const file = splitFile(String(req.params.file ?? "")) ?? (req.path.endsWith(".xml") ? { format: "xml" as const } : { format: "json" as const });
    try {
      await fn(req, res, file.format);
    } catch (err) {
      deps.logger.error({ err, path: req.path }, "open311 failed");
      if (!res.headersSent) error(res, file.format, 500, "internal error");
    }
  };

  for (const format of ["json", "xml"] as const) {
    router.get(
      `/discovery.${format}`,
      wrap(async (_req, res) => {
        const doc = {
          changeset: "2026-12-01T00:00:00Z",
          contact: `${deps.config.publicUrl}/lapor`,
          key_service: `${deps.config.publicUrl}/api (admins: Open311 keys)`,
          endpoints: [{ specification: "http://wiki.open311.org/GeoReport_v2", url: base, changeset: "2026-12-01T00:00:00Z", type: "production", formats: ["application/json", "text/xml"] }],
        };
        cachePublic(res, 3600);
        send(res, format, 200, doc, () =>
          toXmlSingle("discovery", { ...doc, endpoints: { endpoint: doc.endpoints.map((e) => ({ ...e, formats: { format: e.formats } })) } }),
        );
      }),
    );
    router.get(
      `/services.${format}`,
      wrap(async (_req, res) => {
        const lk = await lookups(deps.db.manager);
        const services = [...lk.categories.values()].filter((c) => c.active && c.isPublic).map((c) => presentService(c));
        cachePublic(res, 300);
        send(res, format, 200, services, () => toXml("services", "service", services));
      }),
    );
    router.get(`/requests.${format}`, wrap((req, res) => listRequests(deps, req, res, format)));
    router.post(
      `/requests.${format}`,
      express.urlencoded({ extended: true, limit: "64kb", parameterLimit: 60 }),
      express.json({ limit: "64kb" }),
      wrap((req, res) => postRequest(deps, req, res, format)),
    );
  }
  router.get(
    "/services/:file",
    wrap(async (req, res, format) => {
      const file = splitFile(String(req.params.file));
      if (!file) return error(res, format, 404, "use services/<service_code>.json or .xml");
      const lk = await lookups(deps.db.manager);
      const c = lk.categoriesByCode.get(file.name);
      if (!c || !c.active || !c.isPublic) return error(res, format, 404, `service_code ${file.name} not found`);
      const def = presentServiceDefinition(c, { descriptionRequired: deps.config.open311DescriptionRequired });
      cachePublic(res, 300);
      send(res, format, 200, def, () => toXmlSingle("service_definition", def));
    }),
  );
  router.get(
    "/requests/:file",
    wrap(async (req, res, format) => {
      const file = splitFile(String(req.params.file));
      if (!file) return error(res, format, 404, "use requests/<service_request_id>.json or .xml");
      const r = await getPublicReport(deps.db.manager, file.name);
      if (!r) return error(res, format, 404, `service_request_id ${file.name} not found`);
      const item = presentServiceRequest(presentPublicReport(r, "id"), r.dueAt, deps.config.publicUrl);
      cachePublic(res, 60);
      send(res, format, 200, [item], () => toXml("service_requests", "request", [item]));
    }),
  );
  router.use((req, res) => error(res, req.path.endsWith(".xml") ? "xml" : "json", 404, `no Open311 endpoint ${req.method} ${req.path}`));
  return router;
}

async function listRequests(deps: AppDeps, req: Request, res: Response, format: Format): Promise<void> {
  const q = listQuery.safeParse(req.query);
  if (!q.success) return error(res, format, 400, q.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  const ids = q.data.service_request_id?.split(",").map((s) => s.trim().toUpperCase()).filter(Boolean);
  const statuses = q.data.status?.split(",").map((s) => s.trim());
  const now = deps.clock.now();
  const f: PublicReportFilter = {};
  if (ids?.length) f.numbers = ids.slice(0, MAX_REQUESTS);
  else {
    f.from = q.data.start_date ? new Date(q.data.start_date) : new Date((q.data.end_date ? new Date(q.data.end_date) : now).getTime() - DEFAULT_DAYS * 86_400_000);
    if (q.data.end_date) f.to = new Date(q.data.end_date);
    if (q.data.service_code) {
      f.categoryCodes = q.data.service_code.split(",").map((s) => s.trim()).filter(Boolean);
      const lk = await lookups(deps.db.manager);
      const unknown = f.categoryCodes.find((code) => !lk.categoriesByCode.get(code)?.isPublic || !lk.categoriesByCode.get(code)?.active);
      if (unknown) return error(res, format, 404, `service_code ${unknown} not found`);
    }
    if (statuses && statuses.length === 1) f.open = statuses[0] === "open";
  }
  const rows = await exportPublicReports(deps.db.manager, f, MAX_REQUESTS);
  const items = rows.map((r) => presentServiceRequest(presentPublicReport(r, "id"), r.dueAt, deps.config.publicUrl));
  cachePublic(res, 60);
  send(res, format, 200, items, () => toXml("service_requests", "request", items));
}

async function postRequest(deps: AppDeps, req: Request, res: Response, format: Format): Promise<void> {
  const body = postBody.safeParse(req.body ?? {});
  if (!body.success) {
    const keyIssue = body.error.issues.find((i) => i.path[0] === "api_key");
    if (keyIssue) return error(res, format, 403, "a valid api_key is required");
    return error(res, format, 400, body.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  }
  const b = body.data;
  const description = b.description ?? b.attribute?.description;
  if (!description && deps.config.open311DescriptionRequired) return error(res, format, 400, "description is required by this jurisdiction (see the service definition)");
  if ((b.lat === undefined) !== (b.long === undefined)) return error(res, format, 400, "lat and long go together");
  if (b.lat === undefined && !b.address_string && !b.address_id) return error(res, format, 400, "a location is required: lat and long, address_string or address_id");
  if (b.email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(b.email)) return error(res, format, 400, "email is not an e-mail address");
  const out = await deps.db.tx((m) =>
    submitOpen311Request(m, { actor: SYSTEM_ACTOR, at: deps.clock.now(), secretKey: deps.config.sessionSecret }, {
      apiKey: b.api_key,
      serviceCode: b.service_code,
      description: description ?? null,
      lat: b.lat ?? null,
      long: b.long ?? null,
      addressString: b.address_string ?? null,
      addressId: b.address_id ?? null,
      privacy: b.attribute?.privacy ?? "publik",
      firstName: b.first_name ?? null,
      lastName: b.last_name ?? null,
      email: b.email ?? null,
      phone: b.phone ?? null,
      publicUrl: deps.config.publicUrl,
    }),
  );
  if (out.kind === "bad_key") return error(res, format, 403, "a valid api_key is required");
  if (out.kind === "unknown_service") return error(res, format, 404, `service_code ${out.code} not found`);
  const item = {
    service_request_id: out.ticket.number,
    service_notice: "Diterima; tampil di laporan publik setelah diverifikasi operator / received; shown publicly once verified",
    account_id: null,
  };
  res.setHeader("Cache-Control", "no-store");
  send(res, format, 201, [item], () => toXml("service_requests", "request", [item]));
}
