// GET|POST /lapor — the public complaint form, server-rendered, no JavaScript. The form carries a
// signed token (web connector) that is checked like any webhook signature; the same ingest command
// records the complaint; the answer page shows the ticket number and the tracking link.
// Anti-spam without third parties: the token's minimum fill time and expiry, a honeypot field, and
// a per-address rate limit, the same check as the web connector's webhook (server/ingest/web-intake.ts).
import express, { type Request, type Response, type Router } from "express";
import {
  checkWebFormToken,
  interpretWebForm,
  issueWebFormToken,
  readWebFormBody,
  WEB_FORM_FIELDS as F,
  type WebConfig,
  type WebFormErrors,
} from "../../../channels/registry.js";
import { connectorContext, findConnector, openConfig } from "../../ingest/connectors.js";
import { ingestWebSubmission, WebSubmissionLimit } from "../../ingest/web-intake.js";
import { SYSTEM_ACTOR } from "../../commands/append-audit-event.js";
import { ingestInboundBatch } from "../../commands/ingest-batch.js";
import { Category } from "../../entities/category.entity.js";
import { ChannelAccount } from "../../entities/channel-account.entity.js";
import { Ticket } from "../../entities/ticket.entity.js";
import type { AppDeps } from "../types.js";
import { brandOf, langOf, page as publicPage, tr, type Lang } from "./layout.js";
import { MAP_ASSETS, mapPageHeaders } from "./map-assets.js";

const esc = (s: string | null | undefined) => String(s ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The shared public shell (stylesheet, landmarks, navigation, the language switch). */
const page = (deps: AppDeps, lang: Lang, title: string, body: string, head?: string): string => publicPage({ brand: brandOf(deps.config), lang, self: "/lapor", title, body, head });
/** The map pick's script (deferred; it loads Leaflet only when the citizen opens the map). */
const MAP_PICK_SCRIPT = `<script src="${MAP_ASSETS}/lapor.js" defer></script>`;

/** The web connector's field errors are in Bahasa Indonesia; their English by field. */
function errorText(lang: Lang, key: string, text: string): string {
  if (lang === "id") return text;
  if (key === "description") return "Please describe the complaint (at least 10 characters).";
  if (key === "privacy") return "Unknown privacy choice.";
  if (key === "email") return "The e-mail address is not valid.";
  if (key === "phone") return /^Isi/.test(text) ? "Give a phone number or an e-mail address so that we can tell you what happens next." : "The phone number is not valid.";
  if (key === "latitude") return "The coordinates are not valid: give latitude (-90 to 90) and longitude (-180 to 180) in decimal degrees, both or neither.";
  if (key === "photos") return "Check the photos: JPEG, PNG, WebP or HEIC, within the number and size limits.";
  return text;
}

async function webAccount(deps: AppDeps): Promise<{ account: ChannelAccount; config: WebConfig } | null> {
  const connector = findConnector("web");
  if (!connector) return null;
  const accounts = await deps.db.manager.getRepository(ChannelAccount).find({ where: { connector: "web", active: true }, order: { id: "ASC" } });
  for (const account of accounts) {
    const opened = openConfig(deps.config.encryptionKey, connector, account);
    if (opened.ok) return { account, config: opened.config as WebConfig };
  }
  return null;
}

async function formPage(deps: AppDeps, lang: Lang, config: WebConfig, values: Record<string, string> = {}, errors: WebFormErrors = {}): Promise<string> {
  const categories = await deps.db.manager.getRepository(Category).find({ where: { active: true }, order: { name: "ASC" } });
  const err = (k: keyof WebFormErrors) => (errors[k] ? ` <span class="err">${esc(errorText(lang, String(k), errors[k]!))}</span>` : "");
  const t = (id: string, en: string) => tr(lang, id, en);
  const v = (k: string) => esc(values[k]);
  const privacy = values[F.privacy] || "publik";
  const token = issueWebFormToken(config, deps.clock.now());
  return page(
    deps,
    lang,
    t("Sampaikan pengaduan", "Submit a complaint"),
    `<h1>${t("Sampaikan pengaduan", "Submit a complaint")}</h1>
<p>${t(
      "Pengaduan, aspirasi atau permintaan informasi tentang layanan pemerintah provinsi. Kami mengabarkan tindak lanjutnya lewat telepon (SMS) atau e-mail Anda.",
      "Complaints, suggestions or requests for information about the province's public services. We tell you what happens next by phone (SMS) or e-mail.",
    )}</p>
${errors.form ? `<p class="err">${esc(errors.form)}</p>` : ""}
<form method="post" action="/lapor${lang === "en" ? "?lang=en" : ""}" enctype="multipart/form-data">
<input type="hidden" name="${F.token}" value="${esc(token)}">
<div class="hp" aria-hidden="true"><label>${t("Situs web", "Website")} <input name="${F.honeypot}" tabindex="-1" autocomplete="off"></label></div>
<label for="k">${t("Kategori", "Category")}</label><select id="k" name="${F.category}"><option value="">${t("(tidak tahu)", "(don't know)")}</option>${categories
      .map((c) => `<option value="${esc(c.code)}"${values[F.category] === c.code ? " selected" : ""}>${esc(c.name)}</option>`)
      .join("")}</select>
<label for="u">${t("Uraian aduan", "Description")} *${err("description")}</label><textarea id="u" name="${F.description}" required minlength="10" maxlength="${config.maxDescriptionChars}">${v(F.description)}</textarea>
<label for="l">${t("Lokasi kejadian", "Location")}</label><input id="l" name="${F.location}" value="${v(F.location)}" maxlength="300">
<fieldset id="titik" data-pick="${t("Pilih di peta", "Pick on the map")}" data-mine="${t("Gunakan lokasi saya", "Use my location")}" data-loading="${t("Memuat peta…", "Loading the map…")}" data-hint="${t("Ketuk peta di titik kejadian.", "Tap the map where it happened.")}" data-picked="${t("Titik dipilih:", "Point picked:")}" data-locating="${t("Mencari lokasi Anda…", "Finding your location…")}" data-denied="${t("Lokasi tidak tersedia. Pilih di peta atau isi koordinat.", "Location unavailable. Pick on the map or type the coordinates.")}" data-failed="${t("Peta tidak dapat dimuat. Isi koordinat bila Anda tahu.", "The map could not be loaded. Type the coordinates if you know them.")}"><legend>${t("Titik lokasi (opsional)", "Point on the map (optional)")}${err("latitude")}</legend>
<small>${t("Derajat desimal, misalnya -2.976 dan 104.775.", "Decimal degrees, for example -2.976 and 104.775.")}</small>
<label for="lat">${t("Lintang", "Latitude")}</label><input id="lat" name="${F.latitude}" value="${v(F.latitude)}" inputmode="decimal" maxlength="20" autocomplete="off">
<label for="lng">${t("Bujur", "Longitude")}</label><input id="lng" name="${F.longitude}" value="${v(F.longitude)}" inputmode="decimal" maxlength="20" autocomplete="off">
<div id="peta-lapor" hidden></div><p id="titik-status" class="muted" role="status" aria-live="polite"></p></fieldset>
<label for="f">${t(`Foto (paling banyak ${config.maxPhotos}, masing-masing ≤ ${Math.floor(config.maxPhotoBytes / (1024 * 1024))} MB)`, `Photos (at most ${config.maxPhotos}, each ≤ ${Math.floor(config.maxPhotoBytes / (1024 * 1024))} MB)`)}${err("photos")}</label><input id="f" type="file" name="${F.photos}" accept="image/jpeg,image/png,image/webp,image/heic" multiple>
<fieldset><legend>${t("Kerahasiaan", "Privacy")}${err("privacy")}</legend>
${[
  ["publik", t("Publik — isi aduan dapat ditampilkan, nama Anda tidak", "Public — the complaint may be shown, your name is not")],
  ["anonim", t("Anonim — identitas Anda tidak diberikan kepada OPD", "Anonymous — the agency is not given your identity")],
  ["rahasia", t("Rahasia — aduan tidak ditampilkan kepada publik", "Confidential — the complaint is not shown to the public")],
]
  .map(([value, label]) => `<div><input type="radio" id="p-${value}" name="${F.privacy}" value="${value}"${privacy === value ? " checked" : ""}> <label for="p-${value}" class="inline">${label}</label></div>`)
  .join("")}</fieldset>
<label for="n">${t("Nama", "Name")}</label><input id="n" name="${F.name}" value="${v(F.name)}" maxlength="200">
<label for="t">${t("Nomor telepon", "Phone number")}${err("phone")}</label><input id="t" name="${F.phone}" value="${v(F.phone)}" inputmode="tel" placeholder="0812…">
<label for="e">E-mail${err("email")}</label><input id="e" type="email" name="${F.email}" value="${v(F.email)}">
<small>${t("Isi salah satu: nomor telepon atau e-mail.", "Give one of them: a phone number or an e-mail address.")}</small>
<button type="submit">${t("Kirim pengaduan", "Send the complaint")}</button>
</form>`,
    MAP_PICK_SCRIPT,
  );
}

export function laporRoutes(deps: AppDeps, webLimit = new WebSubmissionLimit(() => deps.clock.now().getTime())): Router {
  const router = express.Router();
  // The one public page with script: the optional map pick (its own CSP, still our origin only).
  router.use(mapPageHeaders(deps));
  const html = (res: Response, status: number, body: string) => res.status(status).type("html").setHeader("Cache-Control", "no-store").send(body);

  const unavailable = (lang: Lang) =>
    page(
      deps,
      lang,
      tr(lang, "Formulir tidak tersedia", "Form unavailable"),
      `<h1>${tr(lang, "Formulir belum tersedia", "The form is not available yet")}</h1><p>${tr(lang, "Silakan sampaikan pengaduan lewat SMS, e-mail atau telepon.", "Please send your complaint by SMS, e-mail or phone.")}</p>`,
    );
  router.get("/", async (req, res, next) => {
    try {
      const lang = langOf(req, res);
      const web = await webAccount(deps);
      if (!web) return html(res, 503, unavailable(lang));
      html(res, 200, await formPage(deps, lang, web.config));
    } catch (err) {
      next(err);
    }
  });

  router.post("/", express.raw({ type: () => true, limit: "32mb" }), async (req: Request, res: Response, next) => {
    try {
      const lang = langOf(req, res);
      const t = (id: string, en: string) => tr(lang, id, en);
      const web = await webAccount(deps);
      if (!web) return html(res, 503, unavailable(lang));
      const connector = findConnector("web")!;
      if (connector.inbound !== "webhook") return html(res, 503, unavailable(lang));
      const ctx = connectorContext({ publicUrl: deps.config.publicUrl, logger: deps.logger, now: () => deps.clock.now() }, web.account, web.config);
      const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const wreq = { method: "POST", url: `${deps.config.publicUrl}${req.originalUrl}`, headers: req.headers, rawBody, query: {} };
      let body;
      try {
        body = readWebFormBody(wreq);
      } catch {
        return html(res, 400, await formPage(deps, lang, web.config, {}, { form: t("Formulir tidak terbaca. Silakan isi kembali.", "The form could not be read. Please fill it in again.") }));
      }
      const now = deps.clock.now();
      // The signature check: a valid, unexpired token this server issued.
      const token = connector.verify(ctx, wreq) ? checkWebFormToken(web.config, body.fields[F.token], now) : { ok: false as const, reason: "bad token" };
      if (!token.ok) return html(res, 400, await formPage(deps, lang, web.config, body.fields, { form: t("Formulir kedaluwarsa atau tidak sah. Silakan kirim ulang.", "The form expired or is not valid. Please send it again.") }));
      const result = interpretWebForm(web.config, body, token, now);
      if (result.kind === "spam") {
        deps.logger.info({ reason: result.reason, ip: req.ip }, "web form refused as spam");
        return html(res, 400, await formPage(deps, lang, web.config, body.fields, { form: t("Pengiriman terlalu cepat atau tidak wajar. Periksa isian lalu kirim ulang.", "Sent too fast or in an unusual way. Check the form and send it again.") }));
      }
      if (result.kind === "invalid") return html(res, 422, await formPage(deps, lang, web.config, body.fields, result.errors));
      const out = await ingestWebSubmission(webLimit, req.ip ?? "", () =>
        deps.db.tx(async (m) => (await ingestInboundBatch(m, { actor: SYSTEM_ACTOR, at: now, secretKey: deps.config.sessionSecret }, [{ account: web.account, message: result.message, publicUrl: deps.config.publicUrl }]))[0]!),
      );
      if (out.kind === "limited") {
        // The form again with everything the citizen typed (photos must be chosen again), a fresh token.
        res.setHeader("Retry-After", String(out.retryAfterSeconds));
        const minutes = Math.max(1, Math.ceil(out.retryAfterSeconds / 60));
        return html(
          res,
          429,
          await formPage(deps, lang, web.config, body.fields, {
            form: t(
              `Terlalu banyak pengiriman dari alamat Anda. Isian Anda masih ada di bawah; silakan kirim lagi dalam ${minutes} menit (foto perlu dipilih ulang).`,
              `Too many submissions from your address. What you typed is still below; please send it again in ${minutes} minutes (choose the photos again).`,
            ),
          }),
        );
      }
      if (out.kind === "created") {
        const link = `${deps.config.publicUrl}/lacak/${out.ticket.number}?k=${out.trackingSecret}`;
        return html(
          res,
          201,
          page(
            deps,
            lang,
            t(`Pengaduan ${out.ticket.number} diterima`, `Complaint ${out.ticket.number} received`),
            `<div class="ok"><h1>${t("Terima kasih", "Thank you")}</h1><p>${t("Pengaduan Anda diterima dengan nomor", "Your complaint was received with the number")} <strong>${esc(out.ticket.number)}</strong>.</p>
<p>${t("Pantau perkembangannya di", "Follow it at")} <a href="${esc(link)}">${esc(link)}</a>. ${t("Simpan tautan ini: tautan juga kami kirim ke telepon atau e-mail Anda.", "Keep this link: we also send it to your phone or e-mail.")}</p></div>`,
          ),
        );
      }
      // The same form sent again (double click, refresh): the first submission stands.
      const ticketId = out.kind === "duplicate" ? out.receipt.ticketId : out.kind === "appended" ? out.ticket.id : null;
      const ticket = ticketId ? await deps.db.manager.getRepository(Ticket).findOneBy({ id: ticketId }) : null;
      return html(
        res,
        200,
        page(
          deps,
          lang,
          t("Pengaduan sudah diterima", "Complaint already received"),
          `<div class="ok"><h1>${t("Pengaduan sudah diterima", "Complaint already received")}</h1><p>${ticket ? `${t("Nomor pengaduan", "Complaint number")}: <strong>${esc(ticket.number)}</strong>. ` : ""}${t("Tautan pelacakan telah dikirim kepada Anda.", "The tracking link has been sent to you.")}</p></div>`,
        ),
      );
    } catch (err) {
      next(err);
    }
  });
  return router;
}
