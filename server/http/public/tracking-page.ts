// /lacak — the citizen follows their complaint without an account. Two ways in: the secret link
// of the acknowledgement (/lacak/<number>?k=<secret>), or the number plus a one-time code sent on
// the channel they used. Either way the answer is a short-lived access cookie for that ticket's
// path and a redirect, so the secret does not stay in the address bar, history or Referer.
//
// Enumeration: an unknown number, a wrong secret and a wrong or expired code all get the same
// page with the same status; wrong tries count per address in a table all API processes share,
// and over the limit everyone gets the same 429. Code requests are limited per address and per
// number (any well-formed number, so the 429 tells nothing); a new code cancels no earlier link or
// code. Links and codes are stored only as keyed hashes (commands/tracking-secrets.ts).
import express, { type Request, type Response, type Router } from "express";
import { z } from "zod";
import { readWebFormBody, sniffImageType } from "../../../channels/registry.js";
import type { Actor } from "../../commands/append-audit-event.js";
import { addCitizenInfo, type CitizenPhoto } from "../../commands/add-citizen-info.js";
import { checkTrackingCode } from "../../commands/check-tracking-code.js";
import { citizenDecide } from "../../commands/citizen-decide.js";
import type { CommandContext } from "../../commands/context.js";
import { hitThrottle, throttleBlocked, type ThrottleRule } from "../../commands/hit-throttle.js";
import { issueTrackingCode, TRACKING_CODE_MINUTES } from "../../commands/issue-tracking-code.js";
import { ticketByTrackingSecret } from "../../commands/tracking-secrets.js";
import { rateAnswer } from "../../commands/rate-answer.js";
import { ChannelAccount } from "../../entities/channel-account.entity.js";
import { Ticket } from "../../entities/ticket.entity.js";
import { hmacHex, safeEqualStrings } from "../../lib/crypto.js";
import { loadTrackingView } from "../../queries/tracking.js";
import { readCookie } from "../middleware/authenticate.js";
import { presentTracking } from "../presenters/public-tracking.presenter.js";
import type { AppDeps } from "../types.js";
import { brandOf, cachePrivate, esc, type Brand, fmtTime, langOf, page, selfOf, sendHtml, tr, type Lang } from "./layout.js";
import { TICKET_NUMBER_EXACT, TICKET_NUMBER_EXAMPLE, TICKET_NUMBER_HTML_PATTERN } from "../../../channels/rules/ticket-number.js";

const numberSchema = z.string().trim().toUpperCase().regex(TICKET_NUMBER_EXACT);
/** Wrong links and codes per address. */
export const FAILURE_RULE: ThrottleRule = { max: 10, windowMs: 15 * 60_000, blockMs: 15 * 60_000 };
/** Code requests per address (answered 429 over it: it says nothing about any number). */
export const CODE_REQUEST_RULE: ThrottleRule = { max: 5, windowMs: 60 * 60_000, blockMs: 60 * 60_000 };
/** Code requests per ticket number (any well-formed number, known or not): over it, 429 and no code. */
export const CODE_PER_NUMBER_RULE: ThrottleRule = { max: 3, windowMs: 60 * 60_000, blockMs: 60 * 60_000 };
/** How long an opened tracking page stays open in this browser. */
const ACCESS_SECONDS = 2 * 60 * 60;
const ACCESS_COOKIE = "aduan_lacak";
const CITIZEN: Actor = { userId: null, label: "warga via halaman lacak" };
const MAX_PHOTOS = 3;
const MAX_PHOTO_BYTES = 5 * 1024 * 1024;

const accessMac = (deps: AppDeps, ticket: Ticket, exp: number) => hmacHex(deps.config.sessionSecret, `lacak-access:${ticket.id}:${ticket.trackingSecretHash}:${exp}`);
const csrfOf = (deps: AppDeps, cookie: string) => hmacHex(deps.config.sessionSecret, `lacak-csrf:${cookie}`).slice(0, 32);

function accessCookie(deps: AppDeps, ticket: Ticket, now: Date): string {
  const exp = Math.floor(now.getTime() / 1000) + ACCESS_SECONDS;
  const value = `${exp}.${accessMac(deps, ticket, exp)}`;
  const secure = deps.config.publicUrl.startsWith("https:") ? "; Secure" : "";
  return `${ACCESS_COOKIE}=${value}; Path=/lacak/${ticket.number}; Max-Age=${ACCESS_SECONDS}; HttpOnly; SameSite=Lax${secure}`;
}

/** The ticket whose access cookie this request carries, or null. */
async function ticketFromCookie(deps: AppDeps, req: Request, number: string): Promise<{ ticket: Ticket; cookie: string } | null> {
  const cookie = readCookie(req, ACCESS_COOKIE);
  if (!cookie) return null;
  const [expRaw, mac] = cookie.split(".", 2);
  const exp = Number(expRaw);
  if (!Number.isInteger(exp) || !mac || exp * 1000 < deps.clock.now().getTime()) return null;
  const ticket = await deps.db.manager.getRepository(Ticket).findOneBy({ number });
  if (!ticket || !safeEqualStrings(accessMac(deps, ticket, exp), mac)) return null;
  return { ticket, cookie };
}

const clientKey = (req: Request) => req.ip ?? "unknown";

function startPage(brand: Brand, lang: Lang, self: string, opts: { number?: string; error?: string; notice?: string; codeStep?: boolean } = {}): string {
  const n = esc(opts.number ?? "");
  const body = `<h1>${tr(lang, "Lacak pengaduan", "Track a complaint")}</h1>
${opts.error ? `<p class="err" role="alert">${esc(opts.error)}</p>` : ""}${opts.notice ? `<p class="ok" role="status">${esc(opts.notice)}</p>` : ""}
<p>${tr(lang, "Buka tautan pelacakan yang kami kirim saat pengaduan diterima. Tidak punya tautannya? Minta kode sekali pakai: kode dikirim ke telepon, e-mail atau akun yang Anda pakai untuk melapor.", "Open the tracking link we sent when your complaint was received. No link? Ask for a one-time code: it is sent to the phone, e-mail or account you reported from.")}</p>
<form method="post" action="/lacak/kode">
<label for="nomor">${tr(lang, "Nomor pengaduan", "Complaint number")}</label><input id="nomor" name="nomor" value="${n}" required pattern="${TICKET_NUMBER_HTML_PATTERN}" placeholder="${TICKET_NUMBER_EXAMPLE}" autocomplete="off">
<button type="submit">${tr(lang, "Kirim kode", "Send a code")}</button>
</form>
<h2>${tr(lang, "Sudah punya kode?", "Have a code?")}</h2>
<form method="post" action="/lacak/masuk">
<label for="nomor2">${tr(lang, "Nomor pengaduan", "Complaint number")}</label><input id="nomor2" name="nomor" value="${n}" required autocomplete="off">
<label for="kode">${tr(lang, "Kode (6 angka)", "Code (6 digits)")}</label><input id="kode" name="kode" required inputmode="numeric" pattern="[0-9 ]{6,8}" autocomplete="one-time-code"${opts.codeStep ? " autofocus" : ""}>
<button type="submit">${tr(lang, "Buka", "Open")}</button>
</form>`;
  return page({ brand, lang, self, title: tr(lang, "Lacak pengaduan", "Track a complaint"), body });
}

const NOT_FOUND = (lang: Lang) => tr(lang, "Nomor, tautan atau kode tidak cocok, atau sudah kedaluwarsa. Periksa kembali, atau minta kode baru.", "The number, link or code does not match or has expired. Check it, or ask for a new code.");
const minutesOf = (seconds: number) => Math.max(1, Math.ceil(seconds / 60));
const CODES_FOR_NUMBER = (lang: Lang, seconds: number) =>
  tr(
    lang,
    `Kode untuk nomor ini sudah terlalu sering diminta. Kode dan tautan yang sudah dikirim tetap berlaku; gunakan itu, atau minta kode baru dalam ${minutesOf(seconds)} menit.`,
    `Codes for this number were asked for too often. Codes and links already sent still work; use one of those, or ask for a new code in ${minutesOf(seconds)} minutes.`,
  );
const CODES_FROM_ADDRESS = (lang: Lang, seconds: number) =>
  tr(lang, `Terlalu banyak permintaan kode dari alamat ini. Silakan coba lagi dalam ${minutesOf(seconds)} menit.`, `Too many code requests from this address. Please try again in ${minutesOf(seconds)} minutes.`);
const THROTTLED = (lang: Lang) => tr(lang, "Terlalu banyak percobaan. Silakan coba lagi nanti.", "Too many tries. Please try again later.");

export function lacakRoutes(deps: AppDeps): Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: "64kb", parameterLimit: 20 });
  const ctx = (): CommandContext => ({ actor: CITIZEN, at: deps.clock.now(), secretKey: deps.config.sessionSecret });
  router.use((_req, res, next) => {
    cachePrivate(res);
    next();
  });

  const refuse = async (req: Request, res: Response, lang: Lang, opts: { number?: string; codeStep?: boolean } = {}) => {
    const r = await deps.db.tx((m) => hitThrottle(m, `lacak-ip:${clientKey(req)}`, FAILURE_RULE, deps.clock.now()));
    if (!r.allowed) return throttled(res, lang, r.retryAfterSeconds);
    sendHtml(res, 404, startPage(brandOf(deps.config), lang, "/lacak", { ...opts, error: NOT_FOUND(lang) }));
  };
  const throttled = (res: Response, lang: Lang, retryAfterSeconds: number, message = THROTTLED(lang), number?: string) => {
    res.setHeader("Retry-After", String(retryAfterSeconds));
    sendHtml(res, 429, startPage(brandOf(deps.config), lang, "/lacak", { error: message, ...(number ? { number, codeStep: true } : {}) }));
  };
  const blocked = (req: Request) => throttleBlocked(deps.db.manager, `lacak-ip:${clientKey(req)}`, deps.clock.now());

  router.get("/", (req, res) => {
    const lang = langOf(req, res);
    const number = typeof req.query.nomor === "string" ? req.query.nomor.slice(0, 20) : undefined;
    sendHtml(res, 200, startPage(brandOf(deps.config), lang, selfOf(req), { number }));
  });

  router.post("/kode", form, async (req, res, next) => {
    try {
      const lang = langOf(req, res);
      const number = numberSchema.safeParse(req.body?.nomor);
      const limit = await deps.db.tx((m) => hitThrottle(m, `kode-ip:${clientKey(req)}`, CODE_REQUEST_RULE, deps.clock.now()));
      if (!limit.allowed) return throttled(res, lang, limit.retryAfterSeconds, CODES_FROM_ADDRESS(lang, limit.retryAfterSeconds));
      if (!number.success) return sendHtml(res, 400, startPage(brandOf(deps.config), lang, "/lacak", { error: tr(lang, `Tulis nomor pengaduan seperti ${TICKET_NUMBER_EXAMPLE}.`, `Write the complaint number like ${TICKET_NUMBER_EXAMPLE}.`) }));
      // Counted for any well-formed number, known or not: the 429 says nothing about whether it exists.
      const perNumber = await deps.db.tx((m) => hitThrottle(m, `kode-no:${number.data}`, CODE_PER_NUMBER_RULE, deps.clock.now()));
      if (!perNumber.allowed) return throttled(res, lang, perNumber.retryAfterSeconds, CODES_FOR_NUMBER(lang, perNumber.retryAfterSeconds), number.data);
      const out = await deps.db.tx((m) => issueTrackingCode(m, ctx(), { number: number.data, locale: lang }));
      deps.logger.info({ outcome: out.kind }, "tracking code requested");
      // The same answer whether the number exists or is reachable.
      sendHtml(
        res,
        200,
        startPage(brandOf(deps.config), lang, "/lacak", {
          number: number.data,
          codeStep: true,
          notice: tr(
            lang,
            `Jika nomor itu terdaftar, kode sekali pakai telah dikirim ke saluran yang Anda pakai untuk melapor. Kode berlaku ${TRACKING_CODE_MINUTES} menit.`,
            `If that number exists, a one-time code has been sent on the channel you reported from. It is valid for ${TRACKING_CODE_MINUTES} minutes.`,
          ),
        }),
      );
    } catch (err) {
      next(err);
    }
  });

  router.post("/masuk", form, async (req, res, next) => {
    try {
      const lang = langOf(req, res);
      const b = await blocked(req);
      if (!b.allowed) return throttled(res, lang, b.retryAfterSeconds);
      const number = numberSchema.safeParse(req.body?.nomor);
      const code = z.string().trim().max(12).safeParse(req.body?.kode);
      if (!number.success || !code.success) return refuse(req, res, lang, { codeStep: true });
      const out = await deps.db.tx((m) => checkTrackingCode(m, ctx(), { number: number.data, code: code.data }));
      if (out.kind !== "ok") return refuse(req, res, lang, { number: number.data, codeStep: true });
      res.append("Set-Cookie", accessCookie(deps, out.ticket, deps.clock.now()));
      res.redirect(303, `/lacak/${out.ticket.number}`);
    } catch (err) {
      next(err);
    }
  });

  router.get("/:number", async (req, res, next) => {
    try {
      const lang = langOf(req, res);
      const b = await blocked(req);
      if (!b.allowed) return throttled(res, lang, b.retryAfterSeconds);
      const number = numberSchema.safeParse(req.params.number);
      const secret = typeof req.query.k === "string" ? req.query.k : undefined;
      if (!number.success) return refuse(req, res, lang);
      if (secret !== undefined) {
        // A link of the acknowledgement (or the confirmation page): only keyed hashes are stored to compare with.
        const ticket = await ticketByTrackingSecret(deps.db.manager, deps.config.sessionSecret, number.data, secret);
        if (!ticket) return refuse(req, res, lang, { number: number.data });
        res.append("Set-Cookie", accessCookie(deps, ticket, deps.clock.now()));
        return res.redirect(303, `/lacak/${ticket.number}${lang === "en" ? "?lang=en" : ""}`);
      }
      const access = await ticketFromCookie(deps, req, number.data);
      if (!access) return refuse(req, res, lang, { number: number.data });
      const view = await loadTrackingView(deps.db.manager, access.ticket.id, deps.clock.now());
      if (!view) return refuse(req, res, lang);
      const flash = typeof req.query.ok === "string" ? req.query.ok : typeof req.query.err === "string" ? `err:${req.query.err}` : null;
      sendHtml(res, 200, trackingPage(brandOf(deps.config), lang, selfOf(req), view, csrfOf(deps, access.cookie), flash));
    } catch (err) {
      next(err);
    }
  });

  /** Every action on an opened ticket: the access cookie and its CSRF token, then the command. */
  const action = (name: string, run: (req: Request, ticket: Ticket, fields: Record<string, string>, files: CitizenPhoto[]) => Promise<string>) =>
    router.post(`/:number/${name}`, express.raw({ type: () => true, limit: `${MAX_PHOTOS * MAX_PHOTO_BYTES + 1024 * 1024}b` }), async (req, res, next) => {
      try {
        const lang = langOf(req, res);
        const number = numberSchema.safeParse(req.params.number);
        if (!number.success) return refuse(req, res, lang);
        const access = await ticketFromCookie(deps, req, number.data);
        if (!access) return refuse(req, res, lang, { number: number.data });
        let body;
        try {
          body = readWebFormBody({ headers: req.headers, rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0) });
        } catch {
          return res.redirect(303, `/lacak/${number.data}?err=form`);
        }
        if (!body.fields.csrf || !safeEqualStrings(body.fields.csrf, csrfOf(deps, access.cookie))) return res.redirect(303, `/lacak/${number.data}?err=form`);
        const files: CitizenPhoto[] = [];
        for (const f of body.files.filter((x) => x.field === "foto" && x.content.length > 0)) {
          const type = sniffImageType(f.content);
          if (!type || f.content.length > MAX_PHOTO_BYTES || files.length >= MAX_PHOTOS) return res.redirect(303, `/lacak/${number.data}?err=foto`);
          files.push({ fileName: f.fileName, mimeType: type, content: f.content });
        }
        const outcome = await run(req, access.ticket, body.fields, files);
        res.redirect(303, `/lacak/${number.data}?${outcome}`);
      } catch (err) {
        next(err);
      }
    });

  action("informasi", async (_req, ticket, fields, photos) => {
    const text = (fields.informasi ?? "").slice(0, 5000);
    const web = await deps.db.manager.getRepository(ChannelAccount).findOne({ where: { connector: "web", active: true }, order: { id: "ASC" } });
    const out = await deps.db.tx((m) => addCitizenInfo(m, ctx(), { ticketId: ticket.id, text, photos, channelAccountId: web?.id ?? null }));
    return out.kind === "added" ? "ok=informasi" : out.kind === "closed" ? "err=ditutup" : "err=kosong";
  });
  action("konfirmasi", async (_req, ticket, fields) => {
    const decision = fields.keputusan === "selesai" ? ({ decision: "confirm" } as const) : fields.keputusan === "belum" ? ({ decision: "dispute", reason: (fields.alasan ?? "").trim().slice(0, 2000) } as const) : null;
    if (!decision) return "err=form";
    if (decision.decision === "dispute" && !decision.reason) return "err=alasan";
    const out = await deps.db.tx((m) => citizenDecide(m, ctx(), ticket.id, decision));
    return out.kind === "ok" ? `ok=${decision.decision === "confirm" ? "selesai" : "dibuka"}` : "err=status";
  });
  action("nilai", async (_req, ticket, fields) => {
    const rating = Number(fields.nilai);
    if (!Number.isInteger(rating) || rating < 1 || rating > 5) return "err=nilai";
    const out = await deps.db.tx((m) => rateAnswer(m, ctx(), { ticketId: ticket.id, rating, comment: (fields.komentar ?? "").slice(0, 2000) }));
    return out.kind === "rated" ? "ok=nilai" : "err=status";
  });
  return router;
}

const FLASH: Record<string, [string, string]> = {
  informasi: ["Informasi Anda sudah kami terima. Terima kasih.", "Your information has been received. Thank you."],
  selesai: ["Terima kasih atas konfirmasinya.", "Thank you for confirming."],
  dibuka: ["Pengaduan dibuka kembali; pusat kendali akan menindaklanjuti.", "The complaint has been reopened; the command center will follow up."],
  nilai: ["Terima kasih atas penilaian Anda.", "Thank you for your rating."],
  "err:ditutup": ["Pengaduan ini sudah ditutup; informasi tidak dapat ditambahkan.", "This complaint is closed; no information can be added."],
  "err:kosong": ["Tulis informasi atau lampirkan foto.", "Write some information or attach a photo."],
  "err:foto": ["Foto harus JPEG, PNG, WebP atau HEIC, paling banyak 3 berkas masing-masing 5 MB.", "Photos must be JPEG, PNG, WebP or HEIC, at most 3 files of 5 MB each."],
  "err:alasan": ["Tuliskan mengapa masalahnya belum selesai.", "Say why the problem is not solved."],
  "err:nilai": ["Pilih nilai 1 sampai 5.", "Choose a rating from 1 to 5."],
  "err:status": ["Langkah itu tidak dapat dilakukan pada status pengaduan saat ini.", "That step is not possible in the complaint's current state."],
  "err:form": ["Formulir tidak terbaca atau kedaluwarsa. Silakan coba lagi.", "The form could not be read or has expired. Please try again."],
};

function trackingPage(brand: Brand, lang: Lang, self: string, view: NonNullable<Awaited<ReturnType<typeof loadTrackingView>>>, csrf: string, flash: string | null): string {
  const v = presentTracking(view, lang);
  const f = flash ? FLASH[flash] : undefined;
  const hidden = `<input type="hidden" name="csrf" value="${esc(csrf)}">`;
  const base = `/lacak/${esc(v.number)}`;
  const timeline = v.timeline
    .map((e) => `<li><time datetime="${e.at.toISOString()}">${esc(fmtTime(lang, e.at))}</time><strong>${esc(e.label)}</strong>${e.text ? `<div class="answer">${esc(e.text)}</div>` : ""}</li>`)
    .join("");
  const next = v.nextStep
    ? `<p class="note"><strong>${tr(lang, "Langkah berikutnya", "Next step")}:</strong> ${esc(v.nextStep.label)}${v.nextStep.dueAt ? `, ${tr(lang, "paling lambat", "expected by")} <time datetime="${v.nextStep.dueAt.toISOString()}">${esc(fmtTime(lang, v.nextStep.dueAt))}</time>` : ""}.</p>`
    : "";
  const confirm =
    v.canConfirm || v.disputeUntil
      ? `<h2>${tr(lang, "Apakah masalah Anda sudah selesai?", "Is your problem solved?")}</h2>
${v.canConfirm ? `<form method="post" action="${base}/konfirmasi">${hidden}<input type="hidden" name="keputusan" value="selesai"><button type="submit">${tr(lang, "Ya, sudah selesai", "Yes, it is solved")}</button></form>` : ""}
${v.disputeUntil ? `<form method="post" action="${base}/konfirmasi">${hidden}<input type="hidden" name="keputusan" value="belum"><label for="alasan">${tr(lang, "Belum selesai? Jelaskan alasannya", "Not solved? Say why")} <small>(${tr(lang, "sampai", "until")} ${esc(fmtTime(lang, v.disputeUntil))})</small></label><textarea id="alasan" name="alasan" required maxlength="2000"></textarea><button type="submit" class="secondary">${tr(lang, "Belum selesai, buka kembali", "Not solved, reopen")}</button></form>` : ""}`
      : "";
  const rate = v.canRate
    ? `<h2>${tr(lang, "Nilai tanggapan", "Rate the answer")}</h2>${v.rating ? `<p>${tr(lang, "Nilai Anda", "Your rating")}: ${v.rating.rating}/5</p>` : ""}
<form method="post" action="${base}/nilai">${hidden}<fieldset><legend>${tr(lang, "Nilai (1 = sangat buruk, 5 = sangat baik)", "Rating (1 = very poor, 5 = very good)")}</legend>${[1, 2, 3, 4, 5]
        .map((n) => `<input type="radio" id="nilai-${n}" name="nilai" value="${n}" required${v.rating?.rating === n ? " checked" : ""}><label class="inline" for="nilai-${n}">${n}</label>`)
        .join("")}</fieldset>
<label for="komentar">${tr(lang, "Komentar (boleh kosong)", "Comment (optional)")}</label><textarea id="komentar" name="komentar" maxlength="2000">${esc(v.rating?.comment ?? "")}</textarea><button type="submit">${tr(lang, "Kirim penilaian", "Send rating")}</button></form>`
    : "";
  const addInfo = v.canAddInfo
    ? `<h2>${tr(lang, "Tambah informasi atau foto", "Add information or photos")}</h2>
<form method="post" action="${base}/informasi" enctype="multipart/form-data">${hidden}<label for="informasi">${tr(lang, "Informasi tambahan", "More information")}</label><textarea id="informasi" name="informasi" maxlength="5000"></textarea>
<label for="foto">${tr(lang, "Foto (paling banyak 3, masing-masing ≤ 5 MB)", "Photos (up to 3, ≤ 5 MB each)")}</label><input id="foto" type="file" name="foto" accept="image/jpeg,image/png,image/webp,image/heic" multiple>
<button type="submit">${tr(lang, "Kirim", "Send")}</button></form>`
    : "";
  const body = `<h1>${tr(lang, "Pengaduan", "Complaint")} ${esc(v.number)}</h1>
${f ? `<p class="${flash!.startsWith("err:") ? "err" : "ok"}" role="${flash!.startsWith("err:") ? "alert" : "status"}">${esc(tr(lang, f[0], f[1]))}</p>` : ""}
<p><strong>${tr(lang, "Status", "Status")}:</strong> ${esc(v.statusLabel)}${v.category ? ` · <strong>${tr(lang, "Kategori", "Category")}:</strong> ${esc(v.category)}` : ""}</p>
<p><strong>${esc(v.subject)}</strong></p><div class="answer">${esc(v.description)}</div>
${next}
<h2>${tr(lang, "Perjalanan pengaduan", "Timeline")}</h2><ol class="timeline">${timeline}</ol>
${confirm}${rate}${addInfo}`;
  return page({ brand, lang, self, title: `${tr(lang, "Pengaduan", "Complaint")} ${v.number}`, body });
}

