import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { z } from "zod";
import { ROLES, type Role } from "../domain/access/roles.js";

/**
 * Every setting Aduan reads from the environment, validated once at boot.
 * Safe development defaults; production (NODE_ENV=production) must set the secrets.
 * docs/configuration.md lists the same variables for operators.
 */
const boolish = z
  .enum(["1", "0", "true", "false", "yes", "no", "on", "off", ""])
  .transform((v) => ["1", "true", "yes", "on"].includes(v));

export const envSchema = z
  .object({
    /** development | production | test. Production refuses to start without secrets. */
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    /** HTTP port of the api role. */
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    /** Interface to bind. */
    HOST: z.string().min(1).default("0.0.0.0"),
    /**
     * API processes sharing PORT (also `--api-workers=N`, which wins). Absent: one less than the CPU
     * count (1-4) in production on MySQL/MariaDB, else 1. Above 1 needs MySQL/MariaDB (server/api-workers.ts).
     */
    API_WORKERS: z.coerce.number().int().min(1).max(99).optional(),
    /** mysql://user:pass@host:3306/db for MySQL 8 / MariaDB >= 10.6. Absent: embedded SQLite in DATA_DIR. */
    DATABASE_URL: z
      .string()
      .regex(/^mysql:\/\/.+/, "must be a mysql://user:password@host:port/database URL")
      .optional(),
    /** Where the embedded database, generated keys and attachment files live. */
    DATA_DIR: z.string().min(1).default("./data"),
    /** The URL citizens and providers reach this server at (tracking links, webhook URLs). Default http://localhost:PORT. */
    PUBLIC_URL: z.string().url().optional(),
    /** Key for HMAC of session tokens and tracking secrets (>= 32 chars). Generated in DATA_DIR outside production. */
    SESSION_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
    /** 32-byte key (base64 or 64 hex chars) for AES-256-GCM encryption of channel secrets. Generated outside production. */
    ENCRYPTION_KEY: z.string().optional(),
    /** 32-byte key (base64 or 64 hex chars) that encrypts backups; keep a copy apart from them. Generated into DATA_DIR/keys.json for the embedded database when unset. */
    BACKUP_KEY: z.string().optional(),
    /** Folder the scheduled backup writes to (ideally another disk or a share in the backup data center). Default DATA_DIR/backups. */
    BACKUP_DIR: z.string().min(1).optional(),
    /** Hours between scheduled backups (0: no scheduled backup). */
    BACKUP_EVERY_HOURS: z.coerce.number().min(0).max(24 * 31).default(24),
    /** Scheduled backups kept in BACKUP_DIR (older ones are deleted after a successful backup). */
    BACKUP_KEEP: z.coerce.number().int().min(1).max(1000).default(7),
    /** Minutes of inactivity after which a console session ends. */
    SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(30),
    /**
     * Minutes a WhatsApp Web session may be down before the replies queued on it go through the
     * paired WhatsApp Cloud API account instead (docs/channels.md, "Automatic fail-over").
     */
    WHATSAPP_FAILOVER_MINUTES: z.coerce.number().min(0).max(7 * 24 * 60).default(10),
    /** Hours after which a session ends even if active. */
    SESSION_MAX_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(12),
    /** Failed logins (per account and per address) after which responses slow down. */
    LOGIN_SLOWDOWN_AFTER: z.coerce.number().int().min(1).default(3),
    /** Password checks per address after which the address is locked for LOGIN_LOCK_MINUTES; also the most tries of one account checked at once (accounts are only slowed, never locked). */
    LOGIN_LOCK_AFTER: z.coerce.number().int().min(1).default(8),
    /** How long a lock lasts. */
    LOGIN_LOCK_MINUTES: z.coerce.number().int().min(1).default(15),
    /** Load demo OPDs, users and tickets. Default on only for the embedded SQLite database. */
    DEMO_DATA: boolish.optional(),
    /**
     * The demo's provider sandbox (demo channel accounts deliver to a stand-in of each provider on
     * 127.0.0.1; /demo/warga shows the citizen's phone). auto: on when demo data is loaded into a
     * database the demo seeded and NODE_ENV is not production. on: on even so (never on a real
     * province's server). off: never.
     */
    DEMO_SANDBOX: z.enum(["auto", "on", "off"]).default("auto"),
    /** express "trust proxy" setting, e.g. "loopback", "1", "10.0.0.0/8". Needed behind a reverse proxy. */
    TRUST_PROXY: z.string().default("loopback"),
    /** Bearer token for GET /metrics. Unset: /metrics answers only to loopback clients (see docs/operations.md). */
    METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
    /** /readyz answers 503 when the oldest due job has waited longer than this (seconds); 0 = not checked. */
    READY_MAX_JOB_LAG_SECONDS: z.coerce.number().int().min(0).default(600),
    /** pino log level. */
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    /** Minutes between audit anchors (a hash over the heads of all audit chains). */
    AUDIT_ANCHOR_MINUTES: z.coerce.number().int().min(1).default(60),
    /** Seconds between scheduled verifications of every audit chain (a full pass; docs/audit.md); 0 = not scheduled. */
    AUDIT_VERIFY_SECONDS: z.coerce.number().int().min(0).max(7 * 86_400).default(3600),
    /**
     * A whisper.cpp model (ggml .bin, multilingual, e.g. ggml-base.bin) installed on the server for the
     * on-premise transcription of recorded calls (docs/transcription.md); never downloaded at run time.
     * Unset or missing file: the provider's transcript is kept, and the ticket says so.
     */
    WHISPER_MODEL: z.string().optional(),
    /** Recordings transcribed at once by one worker (each holds a whisper context and its threads). */
    TRANSCRIBE_CONCURRENCY: z.coerce.number().int().min(1).max(8).default(1),
    /** The language whisper is told the calls are in ("id"; "auto" lets it detect). */
    TRANSCRIBE_LANGUAGE: z.string().regex(/^(auto|[a-z]{2,3})$/, "a whisper language code such as id or en, or auto").default("id"),
    /** Longest one transcription may take before it counts as failed (whisper-base: about 1/5 of the audio's length on 2 cores). */
    TRANSCRIBE_TIMEOUT_SECONDS: z.coerce.number().int().min(10).max(3600).default(600),
    /** CPU threads one transcription uses. */
    TRANSCRIBE_THREADS: z.coerce.number().int().min(1).max(64).default(2),
    /** Largest JSON body accepted by /api. */
    API_BODY_LIMIT: z.string().default("1mb"),
    /** Seconds between SLA sweeps (the safety net behind each ticket's own sla-check job). */
    SLA_SWEEP_SECONDS: z.coerce.number().int().min(5).max(3600).default(60),
    /** Milliseconds between the worker's polls of the job table. */
    JOB_POLL_MS: z.coerce.number().int().min(50).max(60_000).optional(),
    /** Agency code whose head is "kominfo_head" on escalation ladders. */
    KOMINFO_AGENCY_CODE: z.string().min(1).default("DISKOMINFO"),
    /** smtp://user:pass@host:587 or smtps://…: e-mail for SLA warnings and breaches. Absent: in-app only. */
    SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\/.+/, "must be an smtp:// or smtps:// URL")
      .optional(),
    /** Sender of notification e-mails. */
    SMTP_FROM: z.string().default("Aduan <no-reply@localhost>"),
    /** Where the province's monthly report (PDF) goes: the head of Kominfo. Default: the opd_head users of KOMINFO_AGENCY_CODE. */
    REPORT_KOMINFO_EMAIL: z.string().email().optional(),
    /** Send the monthly report e-mails (on the 1st, to each OPD head and to Kominfo) when SMTP_URL is set. */
    REPORT_MONTHLY_EMAIL: boolish.default(true),
    /** Minutes a month row of /kinerja stays fresh; the worker recomputes the current and last month this often. */
    REPORT_ROLLUP_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
    /** The public pages' look (docs/public.md): the government's name, e.g. "Pemerintah Provinsi Jawa Barat". Demo: its own. */
    PUBLIC_PROVINCE_NAME: z.string().trim().min(2).max(80).optional(),
    /** The same name in English (default: PUBLIC_PROVINCE_NAME). */
    PUBLIC_PROVINCE_NAME_EN: z.string().trim().min(2).max(80).optional(),
    /** The service's own name on the public pages, e.g. "LAPOR Jabar". */
    PUBLIC_SERVICE_NAME: z.string().trim().min(2).max(40).default("Aduan"),
    /** Main colour (#rrggbb); white text on it and it as text on white must both be readable (contrast >= 4.5). */
    PUBLIC_BRAND_COLOR: z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/, "must be a colour like #0b5394")
      .refine((c) => contrastWithWhite(c) >= 4.5, "is too light: white text on it must have a contrast of at least 4.5:1")
      .optional(),
    /** Most answers the public pages' micro-cache keeps (least recently used go first). */
    PUBLIC_CACHE_MAX_ENTRIES: z.coerce.number().int().min(1).max(1_000_000).default(500),
    /** Most bytes (bodies and keys) the public pages' micro-cache keeps; a larger answer than a quarter of it is not cached. */
    PUBLIC_CACHE_MAX_BYTES: z.coerce.number().int().min(64 * 1024).default(16 * 1024 * 1024),
    /** Path of the logo (SVG, PNG or WebP, at most 64 kB), shown in the header of every public page. */
    PUBLIC_LOGO_FILE: z.string().min(1).optional(),
    /**
     * Raster tiles drawn over the offline province basemap (docs/command-center.md, "Peta"), e.g. a
     * tile server on the province's own network: "https://peta.example.go.id/tiles/{z}/{x}/{y}.png".
     * Unset: the basemap alone (works without any network). The URL's origin is added to img-src
     * of the console's and /lapor's Content-Security-Policy.
     */
    MAP_TILE_URL: z
      .string()
      .trim()
      .regex(/^https?:\/\/[^\s"'<>]+$/, "must be an http(s) URL")
      .refine((u) => ["{z}", "{x}", "{y}"].every((p) => u.includes(p)), "must contain {z}, {x} and {y}")
      .refine((u) => URL.canParse(u.replace(/\{[a-z]\}/g, "0")), "must be a URL")
      .optional(),
    /** The tiles' attribution shown on the map (e.g. "© OpenStreetMap contributors"). */
    MAP_TILE_ATTRIBUTION: z.string().trim().max(200).optional(),
    /** Name of the service in authenticator apps (TOTP second factor), e.g. "LAPOR Jabar". Default: PUBLIC_SERVICE_NAME. */
    TWO_FACTOR_ISSUER: z.string().trim().min(2).max(60).optional(),
    /**
     * Single sign-on (docs/security.md): the OpenID Connect issuer URL of the province's identity
     * provider. Unset: off. Plain http is accepted only for a loopback issuer (development, tests).
     */
    OIDC_ISSUER: z.string().url().optional(),
    /** The client id Aduan is registered with at the identity provider. */
    OIDC_CLIENT_ID: z.string().min(1).max(200).optional(),
    /** The client secret (confidential client); unset: a public client (PKCE only). */
    OIDC_CLIENT_SECRET: z.string().min(1).optional(),
    /** Where the provider sends the browser back. Default: PUBLIC_URL + /api/auth/oidc/callback (register it at the provider). */
    OIDC_REDIRECT_URL: z.string().url().optional(),
    /** Scopes asked for. */
    OIDC_SCOPES: z.string().default("openid email profile"),
    /** Claim holding the Aduan role (a role name, or a value mapped by OIDC_ROLE_MAP). Unmapped: an admin assigns the role. */
    OIDC_ROLE_CLAIM: z.string().min(1).default("aduan_role"),
    /** Optional mapping of provider values to roles, e.g. "pusat-kendali=operator,kepala-opd=opd_head". */
    OIDC_ROLE_MAP: z.string().optional(),
    /** Claim holding the OPD's code (agencies.code) for opd_head and opd_staff. */
    OIDC_OPD_CLAIM: z.string().min(1).default("aduan_opd"),
    /** Count the provider's "amr" (mfa, otp, hwk…) as the second factor: such sessions are not asked for Aduan's own TOTP. */
    OIDC_TRUST_AMR: boolish.default(false),
    /** Comma-separated "acr" values that mean the provider did a second factor (also requested with acr_values). */
    OIDC_ACR_VALUES: z.string().optional(),
    /** Who may still log in with a local password when single sign-on is on: all, or admins only (break-glass accounts). */
    OIDC_LOCAL_LOGIN: z.enum(["all", "admins"]).default("all"),
    /** Text of the console's single sign-on button. */
    OIDC_BUTTON_LABEL: z.string().trim().min(2).max(60).default("SSO Provinsi"),
    /** Open311: a request must carry a description (the spec makes it optional; the service definitions then ask for it). */
    OPEN311_DESCRIPTION_REQUIRED: boolish.default(false),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === "production") {
      for (const key of ["SESSION_SECRET", "ENCRYPTION_KEY", "PUBLIC_URL"] as const) {
        if (!env[key]) ctx.addIssue({ code: "custom", path: [key], message: "is required when NODE_ENV=production" });
      }
    }
    if (env.OIDC_ISSUER && !env.OIDC_CLIENT_ID) ctx.addIssue({ code: "custom", path: ["OIDC_CLIENT_ID"], message: "is required when OIDC_ISSUER is set" });
    if (env.OIDC_ISSUER && env.OIDC_ISSUER.startsWith("http:") && !isLoopbackUrl(env.OIDC_ISSUER)) {
      ctx.addIssue({ code: "custom", path: ["OIDC_ISSUER"], message: "must be https:// (plain http only for a loopback issuer)" });
    }
    const roleMap = parseRoleMap(env.OIDC_ROLE_MAP);
    if (typeof roleMap === "string") ctx.addIssue({ code: "custom", path: ["OIDC_ROLE_MAP"], message: roleMap });
  });

export type Env = z.infer<typeof envSchema>;

export const isLoopbackUrl = (url: string) => ["127.0.0.1", "localhost", "[::1]"].includes(new URL(url).hostname);

/** "idp-value=role,…" into a map, or the problem as text. */
function parseRoleMap(raw: string | undefined): Record<string, Role> | string {
  const out: Record<string, Role> = {};
  for (const pair of (raw ?? "").split(",").map((p) => p.trim()).filter(Boolean)) {
    const [from, to] = pair.split("=").map((x) => x?.trim());
    if (!from || !to || !(ROLES as readonly string[]).includes(to)) return `"${pair}": write value=role with a role of ${ROLES.join(", ")}`;
    out[from] = to as Role;
  }
  return out;
}

export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret?: string;
  redirectUrl: string;
  scopes: string;
  roleClaim: string;
  roleMap: Record<string, Role>;
  opdClaim: string;
  trustAmr: boolean;
  acrValues: string[];
  localLogin: "all" | "admins";
  buttonLabel: string;
}

/** WCAG contrast ratio of a #rrggbb colour against white. */
export function contrastWithWhite(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const l = 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
  return 1.05 / (l + 0.05);
}

export interface Config {
  nodeEnv: Env["NODE_ENV"];
  port: number;
  /** API_WORKERS when set (server/api-workers.ts decides the default). */
  apiWorkers?: number;
  host: string;
  databaseUrl?: string;
  dataDir: string;
  publicUrl: string;
  /** Open311 POST requests must carry a description (OPEN311_DESCRIPTION_REQUIRED). */
  open311DescriptionRequired: boolean;
  sessionSecret: string;
  encryptionKey: Buffer;
  /** SESSION_SECRET and ENCRYPTION_KEY come from DATA_DIR/keys.json (restore may then write the backup's keys there). */
  keysGenerated: boolean;
  /** Scheduled backups; `key` is BACKUP_KEY (see backupKeyOf for the embedded default). */
  backup: { key: Buffer | null; dir: string; everyHours: number; keep: number };
  sessionIdleMinutes: number;
  sessionMaxHours: number;
  /** WHATSAPP_FAILOVER_MINUTES: a WhatsApp Web session down this long hands its queued replies to the paired account. */
  whatsappFailoverMinutes: number;
  login: { slowdownAfter: number; lockAfter: number; lockMinutes: number };
  demoData: boolean;
  demoSandbox: Env["DEMO_SANDBOX"];
  trustProxy: string;
  metricsToken: string | undefined;
  readyMaxJobLagSeconds: number;
  logLevel: Env["LOG_LEVEL"];
  auditAnchorMinutes: number;
  auditVerifySeconds: number;
  /** On-premise transcription of recorded calls (WHISPER_MODEL, TRANSCRIBE_CONCURRENCY, TRANSCRIBE_THREADS). */
  transcription: { modelPath: string | null; concurrency: number; threads: number; language: string; timeoutMs: number };
  apiBodyLimit: string;
  slaSweepSeconds: number;
  jobPollMs: number;
  /** JOB_POLL_MS was not set (the demo sandbox then polls faster, see main.ts). */
  jobPollMsDefault: boolean;
  kominfoAgencyCode: string;
  smtp: { url: string; from: string } | null;
  /** Monthly reports (docs/reports.md). */
  reports: { kominfoEmail: string | undefined; monthlyEmail: boolean; rollupMinutes: number };
  /** Bounds of the public pages' micro-cache (server/http/public/micro-cache.ts). */
  publicCache: { maxEntries: number; maxBytes: number };
  /** The public pages' look; unset parts fall back to the demo's look (demo data) or a neutral one. */
  brand: { provinceName?: string; provinceNameEn?: string; serviceName: string; color?: string; logoFile?: string };
  /** Raster tiles over the offline basemap (MAP_TILE_URL), or null. */
  mapTiles: { url: string; origin: string; attribution: string | null } | null;
  /** Name of the service in authenticator apps. */
  twoFactorIssuer: string;
  /** Single sign-on with OpenID Connect; null: off. */
  oidc: OidcConfig | null;
}

export class ConfigError extends Error {}

export function decodeKey(raw: string, name = "ENCRYPTION_KEY"): Buffer {
  const key = /^[0-9a-f]{64}$/i.test(raw) ? Buffer.from(raw, "hex") : Buffer.from(raw, "base64");
  if (key.length !== 32) throw new ConfigError(`${name} must be 32 bytes, as base64 or 64 hex characters`);
  return key;
}

/** What DATA_DIR/keys.json holds. */
export interface GeneratedKeys {
  sessionSecret: string;
  encryptionKey: string;
  backupKey?: string;
}
export const keysFile = (dataDir: string) => join(dataDir, "keys.json");

/** Reads DATA_DIR/keys.json, creating it with fresh random keys the first time (embedded default only). */
function generatedKeys(dataDir: string): GeneratedKeys {
  const file = keysFile(dataDir);
  const found: Partial<GeneratedKeys> = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
  if (found.sessionSecret && found.encryptionKey) return found as GeneratedKeys;
  // First start (or a file that holds only a backup key): the app keys are made now.
  const keys = { ...found, sessionSecret: found.sessionSecret || randomBytes(32).toString("base64url"), encryptionKey: found.encryptionKey || randomBytes(32).toString("base64") };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify(keys, null, 2), { mode: 0o600 });
  return keys;
}

/**
 * The backup key: BACKUP_KEY, else (embedded database only) the one in DATA_DIR/keys.json, which
 * is generated there the first time a backup needs it. Null when none can be had (MySQL/MariaDB
 * without BACKUP_KEY). `generated`: it lives only in DATA_DIR, so a copy must be kept elsewhere.
 */
export function backupKeyOf(config: Pick<Config, "backup" | "dataDir" | "databaseUrl">): { key: Buffer; generated: boolean } | null {
  if (config.backup.key) return { key: config.backup.key, generated: false };
  if (config.databaseUrl) return null;
  const file = keysFile(config.dataDir);
  const keys: Partial<GeneratedKeys> = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
  if (!keys.backupKey) {
    keys.backupKey = randomBytes(32).toString("base64");
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(keys, null, 2), { mode: 0o600 });
  }
  return { key: decodeKey(keys.backupKey, "BACKUP_KEY (in keys.json)"), generated: true };
}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ""));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".") || "(env)"}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const env = parsed.data;
  const dataDir = resolve(env.DATA_DIR);
  const needGenerated = !env.SESSION_SECRET || !env.ENCRYPTION_KEY;
  const generated = needGenerated ? generatedKeys(dataDir) : undefined;
  return {
    nodeEnv: env.NODE_ENV,
    port: env.PORT,
    apiWorkers: env.API_WORKERS,
    host: env.HOST,
    databaseUrl: env.DATABASE_URL,
    dataDir,
    publicUrl: (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ""),
    open311DescriptionRequired: env.OPEN311_DESCRIPTION_REQUIRED,
    sessionSecret: env.SESSION_SECRET ?? generated!.sessionSecret,
    encryptionKey: decodeKey(env.ENCRYPTION_KEY ?? generated!.encryptionKey),
    keysGenerated: !env.SESSION_SECRET && !env.ENCRYPTION_KEY,
    backup: {
      key: env.BACKUP_KEY ? decodeKey(env.BACKUP_KEY, "BACKUP_KEY") : null,
      dir: resolve(env.BACKUP_DIR ?? join(dataDir, "backups")),
      everyHours: env.BACKUP_EVERY_HOURS,
      keep: env.BACKUP_KEEP,
    },
    sessionIdleMinutes: env.SESSION_IDLE_MINUTES,
    sessionMaxHours: env.SESSION_MAX_HOURS,
    whatsappFailoverMinutes: env.WHATSAPP_FAILOVER_MINUTES,
    login: { slowdownAfter: env.LOGIN_SLOWDOWN_AFTER, lockAfter: env.LOGIN_LOCK_AFTER, lockMinutes: env.LOGIN_LOCK_MINUTES },
    demoData: env.DEMO_DATA ?? !env.DATABASE_URL,
    demoSandbox: env.DEMO_SANDBOX,
    trustProxy: env.TRUST_PROXY,
    metricsToken: env.METRICS_TOKEN,
    readyMaxJobLagSeconds: env.READY_MAX_JOB_LAG_SECONDS,
    logLevel: env.LOG_LEVEL,
    auditAnchorMinutes: env.AUDIT_ANCHOR_MINUTES,
    auditVerifySeconds: env.AUDIT_VERIFY_SECONDS,
    transcription: { modelPath: env.WHISPER_MODEL ? resolve(env.WHISPER_MODEL) : null, concurrency: env.TRANSCRIBE_CONCURRENCY, threads: env.TRANSCRIBE_THREADS, language: env.TRANSCRIBE_LANGUAGE, timeoutMs: env.TRANSCRIBE_TIMEOUT_SECONDS * 1000 },
    apiBodyLimit: env.API_BODY_LIMIT,
    slaSweepSeconds: env.SLA_SWEEP_SECONDS,
    jobPollMs: env.JOB_POLL_MS ?? 2000,
    jobPollMsDefault: env.JOB_POLL_MS === undefined,
    kominfoAgencyCode: env.KOMINFO_AGENCY_CODE,
    smtp: env.SMTP_URL ? { url: env.SMTP_URL, from: env.SMTP_FROM } : null,
    reports: { kominfoEmail: env.REPORT_KOMINFO_EMAIL, monthlyEmail: env.REPORT_MONTHLY_EMAIL, rollupMinutes: env.REPORT_ROLLUP_MINUTES },
    publicCache: { maxEntries: env.PUBLIC_CACHE_MAX_ENTRIES, maxBytes: env.PUBLIC_CACHE_MAX_BYTES },
    twoFactorIssuer: env.TWO_FACTOR_ISSUER ?? env.PUBLIC_SERVICE_NAME,
    oidc: env.OIDC_ISSUER
      ? {
          issuer: env.OIDC_ISSUER,
          clientId: env.OIDC_CLIENT_ID!,
          clientSecret: env.OIDC_CLIENT_SECRET,
          redirectUrl: env.OIDC_REDIRECT_URL ?? `${(env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, "")}/api/auth/oidc/callback`,
          scopes: env.OIDC_SCOPES,
          roleClaim: env.OIDC_ROLE_CLAIM,
          roleMap: parseRoleMap(env.OIDC_ROLE_MAP) as Record<string, Role>,
          opdClaim: env.OIDC_OPD_CLAIM,
          trustAmr: env.OIDC_TRUST_AMR,
          acrValues: (env.OIDC_ACR_VALUES ?? "").split(",").map((v) => v.trim()).filter(Boolean),
          localLogin: env.OIDC_LOCAL_LOGIN,
          buttonLabel: env.OIDC_BUTTON_LABEL,
        }
      : null,
    brand: { provinceName: env.PUBLIC_PROVINCE_NAME, provinceNameEn: env.PUBLIC_PROVINCE_NAME_EN, serviceName: env.PUBLIC_SERVICE_NAME, color: env.PUBLIC_BRAND_COLOR?.toLowerCase(), logoFile: env.PUBLIC_LOGO_FILE },
    mapTiles: env.MAP_TILE_URL ? { url: env.MAP_TILE_URL, origin: new URL(env.MAP_TILE_URL.replace(/\{[a-z]\}/g, "0")).origin, attribution: env.MAP_TILE_ATTRIBUTION ?? null } : null,
  };
}
