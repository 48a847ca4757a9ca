// GET|POST /lapor — the public complaint form, server-rendered, no JavaScript. The form carries a
// signed token (web connector) that is checked like any webhook signature; the same ingest command
// records the complaint; the answer page shows the ticket number and the tracking link.
// Anti-spam without third parties: the token's minimum fill time and expiry, a honeypot field, and
// a per-address rate limit.
import express, { type Request, type Response, type Router } from "express";
import {
  checkWebFormToken,
  interpretWebForm,
  issueWebFormToken,
  readWebFormBody,
  WEB_FORM_FIELDS as F,
  type WebConfig,
  type WebFormErrors,
} from "../../../channels/web/web.connector.js";
import { connectorContext, findConnector, openConfig } from "../../channels/connectors.js";
import { SYSTEM_ACTOR } from "../../commands/append-audit-event.js";
import { ingestInboundMessage } from "../../commands/ingest-inbound-message.js";
import { Category } from "../../entities/category.entity.js";
import { ChannelAccount } from "../../entities/channel-account.entity.js";
import { Ticket } from "../../entities/ticket.entity.js";
import type { AppDeps } from "../types.js";
import { page as publicPage } from "./layout.js";

const esc = (s: string | null | undefined) => String(s ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Submissions per address per window (on top of the token's minimum fill time). */
const RATE = { max: 5, windowMs: 10 * 60_000 };

/** The shared public shell (stylesheet, landmarks, navigation; the form itself is Indonesian). */
const page = (title: string, body: string): string => publicPage({ lang: "id", self: "/lapor", title, body });

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

async function formPage(deps: AppDeps, config: WebConfig, values: Record<string, string> = {}, errors: WebFormErrors = {}): Promise<string> {
  const categories = await deps.db.manager.getRepository(Category).find({ where: { active: true }, order: { name: "ASC" } });
  const err = (k: keyof WebFormErrors) => (errors[k] ? ` <span class="err">${esc(errors[k])}</span>` : "");
  const v = (k: string) => esc(values[k]);
  const privacy = values[F.privacy] || "publik";
  const token = issueWebFormToken(config, deps.clock.now());
  return page(
    "Sampaikan pengaduan",
    `<h1>Sampaikan pengaduan</h1>
<p>Pengaduan, aspirasi atau permintaan informasi tentang layanan pemerintah provinsi. Kami mengabarkan tindak lanjutnya lewat telepon (SMS) atau e-mail Anda.</p>
${errors.form ? `<p class="err">${esc(errors.form)}</p>` : ""}
<form method="post" action="/lapor" enctype="multipart/form-data">
<input type="hidden" name="${F.token}" value="${esc(token)}">
<div class="hp" aria-hidden="true"><label>Situs web <input name="${F.honeypot}" tabindex="-1" autocomplete="off"></label></div>
<label for="k">Kategori</label><select id="k" name="${F.category}"><option value="">(tidak tahu)</option>${categories
      .map((c) => `<option value="${esc(c.code)}"${values[F.category] === c.code ? " selected" : ""}>${esc(c.name)}</option>`)
      .join("")}</select>
<label for="u">Uraian aduan *${err("description")}</label><textarea id="u" name="${F.description}" required minlength="10" maxlength="${config.maxDescriptionChars}">${v(F.description)}</textarea>
<label for="l">Lokasi kejadian</label><input id="l" name="${F.location}" value="${v(F.location)}" maxlength="300">
<label for="f">Foto (paling banyak ${config.maxPhotos}, masing-masing ≤ ${Math.floor(config.maxPhotoBytes / (1024 * 1024))} MB)${err("photos")}</label><input id="f" type="file" name="${F.photos}" accept="image/jpeg,image/png,image/webp,image/heic" multiple>
<fieldset><legend>Kerahasiaan${err("privacy")}</legend>
${[
  ["publik", "Publik — isi aduan dapat ditampilkan, nama Anda tidak"],
  ["anonim", "Anonim — identitas Anda tidak diberikan kepada OPD"],
  ["rahasia", "Rahasia — aduan tidak ditampilkan kepada publik"],
]
  .map(([value, label]) => `<div><input type="radio" id="p-${value}" name="${F.privacy}" value="${value}"${privacy === value ? " checked" : ""}> <label for="p-${value}" class="inline">${label}</label></div>`)
  .join("")}</fieldset>
<label for="n">Nama</label><input id="n" name="${F.name}" value="${v(F.name)}" maxlength="200">
<label for="t">Nomor telepon${err("phone")}</label><input id="t" name="${F.phone}" value="${v(F.phone)}" inputmode="tel" placeholder="0812…">
<label for="e">E-mail${err("email")}</label><input id="e" type="email" name="${F.email}" value="${v(F.email)}">
<small>Isi salah satu: nomor telepon atau e-mail.</small>
<button type="submit">Kirim pengaduan</button>
</form>`,
  );
}

export function laporRoutes(deps: AppDeps): Router {
  const router = express.Router();
  const hits = new Map<string, number[]>();
  const limited = (ip: string) => {
    const now = deps.clock.now().getTime();
    const recent = (hits.get(ip) ?? []).filter((t) => now - t < RATE.windowMs);
    recent.push(now);
    hits.set(ip, recent);
    if (hits.size > 10_000) for (const [k, v] of hits) if (v.every((t) => now - t >= RATE.windowMs)) hits.delete(k);
    return recent.length > RATE.max;
  };
  const html = (res: Response, status: number, body: string) => res.status(status).type("html").setHeader("Cache-Control", "no-store").send(body);

  router.get("/", async (_req, res, next) => {
    try {
      const web = await webAccount(deps);
      if (!web) return html(res, 503, page("Formulir tidak tersedia", "<h1>Formulir belum tersedia</h1><p>Silakan sampaikan pengaduan lewat SMS, e-mail atau telepon.</p>"));
      html(res, 200, await formPage(deps, web.config));
    } catch (err) {
      next(err);
    }
  });

  router.post("/", express.raw({ type: () => true, limit: "32mb" }), async (req: Request, res: Response, next) => {
    try {
      const web = await webAccount(deps);
      if (!web) return html(res, 503, page("Formulir tidak tersedia", "<h1>Formulir belum tersedia</h1>"));
      if (limited(req.ip ?? "")) return html(res, 429, page("Terlalu sering", "<h1>Terlalu banyak pengiriman</h1><p>Silakan coba lagi beberapa menit lagi.</p>"));
      const connector = findConnector("web")!;
      if (connector.inbound !== "webhook") return html(res, 503, page("Formulir tidak tersedia", "<h1>Formulir belum tersedia</h1>"));
      const ctx = connectorContext({ publicUrl: deps.config.publicUrl, logger: deps.logger, now: () => deps.clock.now() }, web.account, web.config);
      const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const wreq = { method: "POST", url: `${deps.config.publicUrl}${req.originalUrl}`, headers: req.headers, rawBody, query: {} };
      let body;
      try {
        body = readWebFormBody(wreq);
      } catch {
        return html(res, 400, await formPage(deps, web.config, {}, { form: "Formulir tidak terbaca. Silakan isi kembali." }));
      }
      const now = deps.clock.now();
      // The signature check: a valid, unexpired token this server issued.
      const token = connector.verify(ctx, wreq) ? checkWebFormToken(web.config, body.fields[F.token], now) : { ok: false as const, reason: "bad token" };
      if (!token.ok) return html(res, 400, await formPage(deps, web.config, body.fields, { form: "Formulir kedaluwarsa atau tidak sah. Silakan kirim ulang." }));
      const result = interpretWebForm(web.config, body, token, now);
      if (result.kind === "spam") {
        deps.logger.info({ reason: result.reason, ip: req.ip }, "web form refused as spam");
        return html(res, 400, await formPage(deps, web.config, body.fields, { form: "Pengiriman terlalu cepat atau tidak wajar. Periksa isian lalu kirim ulang." }));
      }
      if (result.kind === "invalid") return html(res, 422, await formPage(deps, web.config, body.fields, result.errors));
      const out = await deps.db.tx((m) => ingestInboundMessage(m, { actor: SYSTEM_ACTOR, at: now, secretKey: deps.config.sessionSecret }, { account: web.account, message: result.message, publicUrl: deps.config.publicUrl }));
      if (out.kind === "created") {
        const link = `${deps.config.publicUrl}/lacak/${out.ticket.number}?k=${out.trackingSecret}`;
        return html(
          res,
          201,
          page(
            `Pengaduan ${out.ticket.number} diterima`,
            `<div class="ok"><h1>Terima kasih</h1><p>Pengaduan Anda diterima dengan nomor <strong>${esc(out.ticket.number)}</strong>.</p>
<p>Pantau perkembangannya di <a href="${esc(link)}">${esc(link)}</a>. Simpan tautan ini: tautan juga kami kirim ke telepon atau e-mail Anda.</p></div>`,
          ),
        );
      }
      // The same form sent again (double click, refresh): the first submission stands.
      const ticketId = out.kind === "duplicate" ? out.receipt.ticketId : out.kind === "appended" ? out.ticket.id : null;
      const ticket = ticketId ? await deps.db.manager.getRepository(Ticket).findOneBy({ id: ticketId }) : null;
      return html(res, 200, page("Pengaduan sudah diterima", `<div class="ok"><h1>Pengaduan sudah diterima</h1><p>${ticket ? `Nomor pengaduan: <strong>${esc(ticket.number)}</strong>. ` : ""}Tautan pelacakan telah dikirim kepada Anda.</p></div>`));
    } catch (err) {
      next(err);
    }
  });
  return router;
}
