// The public web form (/lapor). The server renders the form with a signed form token in a hidden
// field (issueWebFormToken) and posts the browser's request body through this connector like any
// provider webhook: verify checks the token (HMAC over issue time and nonce, constant time,
// not expired), parse turns the fields into an InboundMessage. No JavaScript is needed in the
// browser; anti-spam is the token's minimum fill time, a honeypot field, and the server's rate
// limits. The token's nonce is the message's externalId, so a form submitted twice (double
// click, back button, refresh) is one message: ingest is idempotent on it.
import { createHmac, randomBytes } from "node:crypto";
import { parsePhoneNumberFromString } from "libphonenumber-js/max";
import { z } from "zod";
import {
  fetchDataRef,
  headerValue,
  isValidLocation,
  safeEqual,
  toDataRef,
  type ConnectorContext,
  type InboundAttachment,
  type InboundMessage,
  type WebhookConnector,
  type WebhookOutcome,
  type WebhookRequest,
} from "../connector.js";

export const webConfigSchema = z.object({
  formSecret: z.string().min(32).describe("Key that signs the form tokens (32+ random characters)").meta({ secret: true }),
  minFillSeconds: z.number().int().min(0).max(600).default(3).describe("Forms sent faster than this are treated as spam"),
  maxAgeSeconds: z.number().int().min(60).max(7 * 86400).default(86400).describe("A form token expires after this"),
  maxPhotos: z.number().int().min(0).max(10).default(3),
  maxPhotoBytes: z.number().int().min(10_000).max(20 * 1024 * 1024).default(5 * 1024 * 1024),
  maxDescriptionChars: z.number().int().min(100).max(20_000).default(5000),
});
export type WebConfig = z.infer<typeof webConfigSchema>;
export type WebConfigInput = z.input<typeof webConfigSchema>;

/** Field names of the form the server renders. */
export const WEB_FORM_FIELDS = {
  token: "_token",
  /** Honeypot: hidden from people by CSS; bots fill it. */
  honeypot: "website",
  category: "kategori",
  description: "uraian",
  location: "lokasi",
  /** Optional point (WGS84 decimal degrees): typed, "use my location", or picked on the map. */
  latitude: "lintang",
  longitude: "bujur",
  privacy: "privasi",
  name: "nama",
  phone: "telepon",
  email: "email",
  photos: "foto",
} as const;

export const WEB_PRIVACY_VALUES = ["publik", "anonim", "rahasia"] as const;
export const WEB_PHOTO_TYPES = ["image/jpeg", "image/png", "image/webp", "image/heic"] as const;

// ---------------------------------------------------------------------------------------------
// Form token: "<issued at ms>.<nonce>.<base64url HMAC-SHA256(formSecret, issued.nonce)>"

function tokenMac(secret: string, payload: string): string {
  return createHmac("sha256", secret).update(`aduan-web-form.${payload}`).digest("base64url");
}

export function issueWebFormToken(config: Pick<WebConfig, "formSecret">, now: Date = new Date()): string {
  const payload = `${now.getTime()}.${randomBytes(12).toString("base64url")}`;
  return `${payload}.${tokenMac(config.formSecret, payload)}`;
}

export type FormTokenCheck = { ok: true; issuedAt: Date; nonce: string } | { ok: false; reason: string };

export function checkWebFormToken(config: Pick<WebConfig, "formSecret" | "maxAgeSeconds">, token: string | undefined, now: Date): FormTokenCheck {
  const m = token ? /^(\d{10,16})\.([A-Za-z0-9_-]{8,64})\.([A-Za-z0-9_-]{43})$/.exec(token) : null;
  if (!m) return { ok: false, reason: "missing or malformed form token" };
  const [, issued, nonce, mac] = m as unknown as [string, string, string, string];
  if (!safeEqual(mac, tokenMac(config.formSecret, `${issued}.${nonce}`))) return { ok: false, reason: "form token signature mismatch" };
  const issuedAt = new Date(Number(issued));
  const age = now.getTime() - issuedAt.getTime();
  if (age < -60_000) return { ok: false, reason: "form token from the future" };
  if (age > config.maxAgeSeconds * 1000) return { ok: false, reason: "form token expired" };
  return { ok: true, issuedAt, nonce };
}

// ---------------------------------------------------------------------------------------------
// Body: application/x-www-form-urlencoded or multipart/form-data (with photos).

export interface WebFormFile {
  field: string;
  fileName: string;
  mimeType: string;
  content: Buffer;
}
export interface WebFormBody {
  fields: Record<string, string>;
  files: WebFormFile[];
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

function headerParam(header: string, name: string): string | undefined {
  const star = new RegExp(`(?:^|;)\\s*${name}\\*\\s*=\\s*(?:UTF-8|utf-8)''([^;]*)`, "i").exec(header);
  if (star) {
    try {
      return decodeURIComponent(star[1] ?? "");
    } catch {
      return undefined;
    }
  }
  const m = new RegExp(`(?:^|;)\\s*${name}\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|([^;\\s]*))`, "i").exec(header);
  if (!m) return undefined;
  return m[1] !== undefined ? m[1].replace(/\\(.)/g, "$1") : m[2];
}

/** A small synchronous multipart/form-data reader (parse() is synchronous by contract). */
export function parseMultipart(body: Buffer, boundary: string, maxParts = 50): WebFormBody {
  const out: WebFormBody = { fields: {}, files: [] };
  const delimiter = Buffer.from(`--${boundary}`);
  let pos = body.indexOf(delimiter);
  if (pos < 0) throw new Error("multipart boundary not found");
  for (let parts = 0; ; parts++) {
    pos += delimiter.length;
    if (body.subarray(pos, pos + 2).toString() === "--") return out;
    if (parts >= maxParts) throw new Error("too many form parts");
    if (body.subarray(pos, pos + 2).toString() !== "\r\n") throw new Error("malformed multipart delimiter");
    pos += 2;
    const headerEnd = body.indexOf("\r\n\r\n", pos);
    if (headerEnd < 0) throw new Error("malformed multipart part headers");
    const headers = utf8.decode(body.subarray(pos, headerEnd)).split("\r\n");
    const next = body.indexOf(Buffer.concat([Buffer.from("\r\n"), delimiter]), headerEnd + 4);
    if (next < 0) throw new Error("unterminated multipart body");
    const content = body.subarray(headerEnd + 4, next);
    const disposition = headers.find((h) => /^content-disposition\s*:/i.test(h)) ?? "";
    const type = headers.find((h) => /^content-type\s*:/i.test(h))?.replace(/^content-type\s*:\s*/i, "").split(";")[0]?.trim().toLowerCase();
    const name = headerParam(disposition, "name");
    const fileName = headerParam(disposition, "filename");
    if (name !== undefined) {
      if (fileName !== undefined) {
        // Browsers send an empty part (filename="") when no file was chosen.
        if (fileName !== "" || content.length > 0) out.files.push({ field: name, fileName, mimeType: type ?? "application/octet-stream", content: Buffer.from(content) });
      } else if (!(name in out.fields)) {
        out.fields[name] = utf8.decode(content);
      }
    }
    pos = next + 2;
  }
}

export function readWebFormBody(req: Pick<WebhookRequest, "headers" | "rawBody">): WebFormBody {
  const contentType = headerValue(req, "content-type") ?? "";
  if (/^multipart\/form-data/i.test(contentType)) {
    const boundary = headerParam(contentType, "boundary");
    if (!boundary) throw new Error("multipart without boundary");
    return parseMultipart(req.rawBody, boundary);
  }
  if (/^application\/x-www-form-urlencoded/i.test(contentType) || contentType === "") {
    const text = utf8.decode(req.rawBody);
    const fields: Record<string, string> = {};
    // decodeURIComponent (unlike URLSearchParams) refuses percent-escaped invalid UTF-8.
    const decode = (s: string) => decodeURIComponent(s.replace(/\+/g, " "));
    for (const pair of text.split("&")) {
      if (!pair) continue;
      const eq = pair.indexOf("=");
      const k = decode(eq < 0 ? pair : pair.slice(0, eq));
      const v = eq < 0 ? "" : decode(pair.slice(eq + 1));
      if (!(k in fields)) fields[k] = v;
    }
    return { fields, files: [] };
  }
  throw new Error(`unsupported content type ${contentType.split(";")[0]}`);
}

/** Sniffs the real image type: the browser's Content-Type is whatever the client claims. */
export function sniffImageType(b: Buffer): (typeof WEB_PHOTO_TYPES)[number] | undefined {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "image/jpeg";
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return "image/png";
  if (b.length >= 12 && b.subarray(0, 4).toString("latin1") === "RIFF" && b.subarray(8, 12).toString("latin1") === "WEBP") return "image/webp";
  if (b.length >= 12 && b.subarray(4, 8).toString("latin1") === "ftyp" && /^(heic|heix|heim|heis|mif1|msf1)$/.test(b.subarray(8, 12).toString("latin1"))) return "image/heic";
  return undefined;
}

export function normalizeWebPhone(raw: string): string | undefined {
  const cleaned = raw.replace(/[\s.\-()]/g, "");
  if (!/\d/.test(cleaned)) return undefined;
  const candidate = /^62\d{8,13}$/.test(cleaned) ? `+${cleaned}` : cleaned;
  const parsed = parsePhoneNumberFromString(candidate, "ID");
  return parsed && parsed.isPossible() ? parsed.number : undefined;
}

/** The form's optional point: none (both empty), a valid point, or "invalid" (one missing, not a number, out of range). */
function readPoint(lat: string, lng: string): { latitude: number; longitude: number } | null | "invalid" {
  if (!lat && !lng) return null;
  const num = (s: string) => (/^[-+]?\d{1,3}(?:[.,]\d{1,12})?$/.test(s) ? Number(s.replace(",", ".")) : NaN);
  const p = { latitude: num(lat), longitude: num(lng) };
  return isValidLocation(p) ? p : "invalid";
}

/** Field -> message in Bahasa Indonesia, for re-rendering the form next to the field. */
export type WebFormErrors = Partial<Record<keyof typeof WEB_FORM_FIELDS | "form", string>>;

export type WebFormResult =
  | { kind: "message"; message: InboundMessage }
  | { kind: "invalid"; errors: WebFormErrors }
  | { kind: "spam"; reason: string };

/**
 * The form's fields -> message, or field errors (Indonesian, shown to the citizen), or spam.
 * `issuedAt`/`nonce` come from the verified token. Used by parse(), and by the server's /lapor
 * route when it wants the field errors to re-render the form.
 */
export function interpretWebForm(config: WebConfig, body: WebFormBody, token: { issuedAt: Date; nonce: string }, now: Date): WebFormResult {
  const F = WEB_FORM_FIELDS;
  const field = (name: string) => (body.fields[name] ?? "").replace(/\r\n?/g, "\n").trim();
  if (field(F.honeypot) !== "") return { kind: "spam", reason: "honeypot field filled" };
  const fillMs = now.getTime() - token.issuedAt.getTime();
  if (fillMs < config.minFillSeconds * 1000) return { kind: "spam", reason: `form filled in ${(fillMs / 1000).toFixed(1)} s` };

  const errors: WebFormErrors = {};
  const description = field(F.description);
  if (description.length < 10) errors.description = "Uraian aduan wajib diisi (minimal 10 karakter).";
  else if (description.length > config.maxDescriptionChars) errors.description = `Uraian aduan terlalu panjang (maksimal ${config.maxDescriptionChars} karakter).`;
  const category = field(F.category).slice(0, 100);
  const privacyRaw = field(F.privacy) || "publik";
  const privacy = (WEB_PRIVACY_VALUES as readonly string[]).includes(privacyRaw) ? (privacyRaw as (typeof WEB_PRIVACY_VALUES)[number]) : undefined;
  if (!privacy) errors.privacy = "Pilihan kerahasiaan tidak dikenal.";
  const phoneRaw = field(F.phone);
  const phone = phoneRaw ? normalizeWebPhone(phoneRaw) : undefined;
  if (phoneRaw && !phone) errors.phone = "Nomor telepon tidak valid.";
  const emailRaw = field(F.email).toLowerCase();
  const email = emailRaw && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(emailRaw) ? emailRaw : undefined;
  if (emailRaw && !email) errors.email = "Alamat e-mail tidak valid.";
  if (!phoneRaw && !emailRaw) errors.phone = "Isi nomor telepon atau alamat e-mail agar kami dapat mengabarkan tindak lanjutnya.";
  const name = field(F.name).slice(0, 200);
  const locationText = field(F.location).slice(0, 500);
  const point = readPoint(field(F.latitude), field(F.longitude));
  if (point === "invalid") errors.latitude = "Koordinat tidak valid: isi lintang (-90 sampai 90) dan bujur (-180 sampai 180) dalam derajat desimal, keduanya atau tidak sama sekali.";

  const attachments: InboundAttachment[] = [];
  const photos = body.files.filter((f) => f.field === F.photos);
  if (photos.length > config.maxPhotos) errors.photos = `Paling banyak ${config.maxPhotos} foto.`;
  for (const p of photos.slice(0, config.maxPhotos)) {
    const type = sniffImageType(p.content);
    if (!type) {
      errors.photos = `Berkas "${p.fileName}" bukan foto JPEG, PNG, WebP atau HEIC.`;
      continue;
    }
    if (p.content.length > config.maxPhotoBytes) {
      errors.photos = `Foto "${p.fileName}" terlalu besar (maksimal ${Math.floor(config.maxPhotoBytes / (1024 * 1024))} MB).`;
      continue;
    }
    attachments.push({ kind: "image", ref: toDataRef(p.content, type), mimeType: type, fileName: p.fileName.slice(0, 200), sizeBytes: p.content.length });
  }
  if (Object.keys(errors).length > 0) return { kind: "invalid", errors };

  const externalId = `web:${token.nonce}`;
  const message: InboundMessage = {
    channelKind: "web",
    externalId,
    // Every submission is its own conversation: a web form never continues an earlier ticket.
    externalThreadId: externalId,
    sender: {
      externalId: (phone ?? email) as string,
      ...(name ? { displayName: name } : {}),
      ...(phone ? { phone } : {}),
      ...(email ? { email } : {}),
    },
    sentAt: now,
    text: description,
    form: { ...(category ? { category } : {}), privacy: privacy as (typeof WEB_PRIVACY_VALUES)[number], ...(locationText ? { locationText } : {}) },
    ...(point && point !== "invalid" ? { location: point } : {}),
    attachments,
    raw: { fields: Object.fromEntries(Object.entries(body.fields).filter(([k]) => k !== F.token)), files: photos.map((p) => ({ fileName: p.fileName, mimeType: p.mimeType, size: p.content.length })) },
  };
  return { kind: "message", message };
}

function tokenOf(req: WebhookRequest): string | undefined {
  try {
    return readWebFormBody(req).fields[WEB_FORM_FIELDS.token];
  } catch {
    return undefined;
  }
}

export const webConnector: WebhookConnector<WebConfig> = {
  id: "web",
  kind: "web",
  title: "Formulir web (/lapor)",
  inbound: "webhook",
  configSchema: webConfigSchema,
  limits: { maxTextLength: 0, attachments: null, replyWindow: null },

  verify(ctx, req) {
    if (req.method.toUpperCase() !== "POST") return false;
    return checkWebFormToken(ctx.config, tokenOf(req), ctx.now()).ok;
  },

  parse(ctx, req): WebhookOutcome {
    let body: WebFormBody;
    try {
      body = readWebFormBody(req);
    } catch (err) {
      return { kind: "ignored", reason: `invalid: ${err instanceof Error ? err.message : String(err)}` };
    }
    const now = ctx.now();
    const token = checkWebFormToken(ctx.config, body.fields[WEB_FORM_FIELDS.token], now);
    if (!token.ok) return { kind: "ignored", reason: `invalid: ${token.reason}` };
    const result = interpretWebForm(ctx.config, body, token, now);
    if (result.kind === "spam") return { kind: "ignored", reason: `spam: ${result.reason}` };
    if (result.kind === "invalid") return { kind: "ignored", reason: `invalid: ${Object.entries(result.errors).map(([k, v]) => `${k}: ${v}`).join("; ")}` };
    return { kind: "events", messages: [result.message], deliveries: [] };
  },

  async send(_ctx: ConnectorContext<WebConfig>) {
    // A browser cannot be written to later; the server notifies web reporters by their phone or e-mail.
    return { status: "failed", retryable: false, reason: "the web form has no outbound channel; notify the reporter by phone or e-mail" };
  },

  async fetchAttachment(_ctx, ref) {
    return fetchDataRef(ref) ?? { status: "failed", retryable: false, reason: "web form attachments are data: refs; this is not one" };
  },
};
