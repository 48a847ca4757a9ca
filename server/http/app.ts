import { slaRoutes } from "./routes/sla.routes.js";
import { ticketFeedbackRoutes } from "./routes/ticket-feedback.routes.js";
import compression from "compression";
import express, { type NextFunction, type Request, type Response } from "express";
import { errorHandler } from "./middleware/errors.js";
import { authenticate, requireJsonForMutations } from "./middleware/authenticate.js";
import { wallOnlyGuard } from "./middleware/wall-only.js";
import { LiveHub } from "../live/hub.js";
import { eventsRoutes } from "./routes/events.routes.js";
import { wallRoutes } from "./routes/wall.routes.js";
import { adminRoutes } from "./routes/admin.routes.js";
import { authRoutes } from "./routes/auth.routes.js";
import { oidcRoutes } from "./routes/oidc.routes.js";
import { twoFactorRoutes } from "./routes/two-factor.routes.js";
import { deliveryRoutes } from "./routes/delivery.routes.js";
import { operationsRoutes } from "./routes/operations.routes.js";
import { conversationRoutes } from "./routes/conversation.routes.js";
import { openApiRoutes } from "./routes/openapi.routes.js";
import { auditRoutes } from "./routes/audit.routes.js";
import { recordRoutes } from "./routes/records.routes.js";
import { ticketRoutes } from "./routes/tickets.routes.js";
import { routingRoutes } from "./routes/routing.routes.js";
import { clusterRoutes } from "./routes/clusters.routes.js";
import { publicationRoutes } from "./routes/publication.routes.js";
import type { AppDeps } from "./types.js";
import { channelAccountRoutes } from "./routes/channel-accounts.routes.js";
import { webhookRoutes } from "./webhooks.js";
import { IngestBatcher } from "../ingest/ingest-batcher.js";
import { WebSubmissionLimit } from "../ingest/web-intake.js";
import { createMetrics } from "./metrics.js";
import { healthRoutes } from "./health.js";
import { laporRoutes } from "./public/report-form.js";
import { consoleRoutes } from "./console.js";
import { ANSWER_UPLOAD_BODY_LIMIT, attachmentRoutes } from "./routes/attachments.routes.js";
import { lacakRoutes } from "./public/tracking-page.js";
import { laporanRoutes } from "./public/reports-pages.js";
import { open311Routes } from "./public/open311.js";
import { kinerjaRoutes } from "./public/performance-page.js";
import { open311KeyRoutes } from "./routes/open311-keys.routes.js";
import { webhookEndpointRoutes } from "./routes/webhook-endpoints.routes.js";
import { assetRoutes, publicSecurityHeaders } from "./public/layout.js";
import { mapAssetRoutes } from "./public/map-assets.js";
import { mapRoutes } from "./routes/map.routes.js";
import { microCache, PUBLIC_CACHE_PARAMS } from "./public/micro-cache.js";
import { GZIP_MIN_BYTES } from "./gzip.js";
import { homeRoutes } from "./public/home.js";
import { demoRoutes } from "./demo/warga.js";
import { dataSubjectRoutes } from "./routes/data-subject.routes.js";
import { reportRoutes } from "./routes/reports.routes.js";

/** The API's answers worth compressing per request: JSON and CSV exports. */
const API_COMPRESSIBLE = /^(application\/json|text\/csv)\b/;

/** The express app without listen(): main.ts serves it, tests drive it with supertest. */
export function createApp(deps: AppDeps) {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", deps.config.trustProxy === "true" ? true : /^\d+$/.test(deps.config.trustProxy) ? Number(deps.config.trustProxy) : deps.config.trustProxy);
  // Served over https (PUBLIC_URL): browsers must never fall back to http.
  const hsts = deps.config.publicUrl.startsWith("https:");
  app.use((_req: Request, res: Response, next: NextFunction) => {
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Referrer-Policy", "same-origin");
    res.setHeader("X-Frame-Options", "DENY");
    if (hsts) res.setHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    next();
  });

  // The webhooks' group-commit queue; its counters (batches, messages, fallbacks) in app.locals.
  const ingest = new IngestBatcher(deps);
  app.locals.ingest = ingest;
  // Probes and Prometheus metrics (one registry per app), before any session or body parser.
  const metrics = createMetrics(deps, ingest);
  app.locals.metrics = metrics;
  app.use(metrics.httpMiddleware);
  app.use(healthRoutes(deps, metrics));

  // Providers' callbacks: raw bytes, verified by the connector; no session, no JSON parser.
  // The web form's per-address limit, one for both ways in (/lapor and /webhooks/web/:account).
  const webLimit = new WebSubmissionLimit(() => deps.clock.now().getTime());
  app.use("/webhooks", webhookRoutes(deps, ingest, webLimit));
  // The public side: server-rendered, no script, our own stylesheet only (CSP), see docs/public.md.
  app.use(["/lapor", "/lacak", "/laporan", "/kinerja", "/open311", "/publik"], publicSecurityHeaders);
  app.use("/publik", assetRoutes(deps));
  app.use("/publik/peta", mapAssetRoutes(deps));
  const publicCache = microCache({ ttlMs: deps.publicCacheMs ?? 5000, ...deps.config.publicCache, knownParams: PUBLIC_CACHE_PARAMS });
  app.locals.publicCache = publicCache;
  app.use(["/laporan", "/kinerja", "/open311/v2"], publicCache);
  app.use("/lapor", laporRoutes(deps, webLimit));
  app.use("/console", consoleRoutes(undefined, deps.config.mapTiles?.origin ?? null));
  app.use("/lacak", lacakRoutes(deps));
  app.use("/laporan", laporanRoutes(deps));
  app.use("/open311/v2", open311Routes(deps));
  app.use("/kinerja", kinerjaRoutes(deps));
  app.use(homeRoutes(deps)); // the front door "/" and /favicon.ico
  // The demo's citizen's phone (404 unless the provider sandbox is on).
  app.use("/demo", demoRoutes(deps));

  // The live stream's tailer (one per process); main.ts and the tests close it (app.locals.live.close()).
  const live = new LiveHub(deps);
  app.locals.live = live;

  const api = express.Router();
  // JSON and CSV answers compressed (brotli or gzip) for clients that take it (an OPD head's
  // inbox on a phone's mobile data: a page of 25 tickets is about seven times smaller). Not the
  // live streams (text/event-stream must never be buffered), nor files (recordings are played by
  // byte range, images are compressed already).
  api.use(compression({ threshold: GZIP_MIN_BYTES, filter: (req, res) => API_COMPRESSIBLE.test(String(res.getHeader("Content-Type") ?? "")) && compression.filter(req, res) }));
  api.use((_req, res, next) => {
    res.setHeader("Cache-Control", "no-store");
    res.setHeader("Access-Control-Expose-Headers", "Content-Range");
    next();
  });
  api.use(requireJsonForMutations);
  // An OPD's answer file comes as base64 in JSON: a larger limit on that route only (the next parser skips a parsed body).
  api.use("/forwards/:id/attachments", express.json({ limit: ANSWER_UPLOAD_BODY_LIMIT, strict: true }));
  api.use(express.json({ limit: deps.config.apiBodyLimit, strict: true }));
  api.use(authenticate(deps));
  api.use(wallOnlyGuard); // the kiosk role "layar": the wall's routes only
  authRoutes(api, deps);
  twoFactorRoutes(api, deps);
  oidcRoutes(api, deps);
  ticketRoutes(api, deps);
  routingRoutes(api, deps);
  clusterRoutes(api, deps);
  publicationRoutes(api, deps);
  conversationRoutes(api, deps);
  deliveryRoutes(api, deps);
  operationsRoutes(api, deps);
  attachmentRoutes(api, deps);
  mapRoutes(api, deps);
  recordRoutes(api, deps);
  auditRoutes(api, deps);
  adminRoutes(api, deps);
  slaRoutes(api, deps);
  ticketFeedbackRoutes(api, deps);
  channelAccountRoutes(api, deps);
  open311KeyRoutes(api, deps);
  webhookEndpointRoutes(api, deps);
  dataSubjectRoutes(api, deps);
  eventsRoutes(api, deps, live);
  wallRoutes(api, deps, live);
  reportRoutes(api, deps);
  openApiRoutes(api, deps);
  api.use((req, res) => {
    res.status(404).json({ error: "not_found", message: `no API route ${req.method} ${req.baseUrl}${req.path}` });
  });
  app.use("/api", api);
  app.use(errorHandler(deps.logger));
  return app;
}
