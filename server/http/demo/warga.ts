// /demo/warga — the citizen's phone, for the demo only (404 unless the provider sandbox is on).
// Pick or type a citizen (a phone number, an e-mail address, a Telegram / Facebook / Instagram / X
// user), see what they received on each channel (acknowledgement with ticket number and tracking
// link, status notices, the OPD's answer, one-time codes) and write as them: the provider's signed
// webhook through our real /webhooks (e-mail: SMTP to the demo mailbox; WhatsApp Web: its page).
//
// Works without JavaScript (plain forms, 303 back to the page); with it, a small script polls the
// conversations every second. The same /kirim and /feed.json serve `npm run simulate`.
import express, { type Request, type Response, type Router } from "express";
import { z } from "zod";
import { citizenAddress } from "../../demo/sandbox/provider-wire.js";
import { CITIZEN_CONNECTORS, demoAccountOf, sendAsCitizen } from "../../demo/sandbox/citizen.js";
import { CHANNEL_OF_CONNECTOR, type DemoSandbox, type SandboxChannel, type SandboxEntry } from "../../demo/sandbox/sandbox.js";
import type { AppDeps } from "../types.js";
import { PUBLIC_CSP, brandOf, esc, fmtTime, langOf, page, selfOf, sendHtml, tr, type Lang } from "../public/layout.js";

/** How often the page's script asks for news (ms). */
export const POLL_MS = 500;

const CONNECTOR_LABEL: Record<string, [string, string]> = {
  "twilio-sms": ["Kirim SMS", "Send SMS"],
  "twilio-voice": ["Telepon dan rekam pesan suara", "Call and record a voice message"],
  "whatsapp-cloud": ["Kirim WhatsApp (nomor resmi)", "Send WhatsApp (official number)"],
  "whatsapp-web": ["Kirim WhatsApp (WhatsApp Web)", "Send WhatsApp (WhatsApp Web)"],
  telegram: ["Kirim ke bot Telegram", "Send to the Telegram bot"],
  email: ["Kirim e-mail", "Send e-mail"],
  facebook: ["Kirim pesan Facebook", "Send a Facebook message"],
  instagram: ["Kirim DM Instagram", "Send an Instagram DM"],
  x: ["Kirim DM X", "Send an X DM"],
};

const CHANNEL_TITLE: Record<SandboxChannel, [string, string]> = {
  sms: ["SMS dan telepon", "SMS and phone"],
  whatsapp: ["WhatsApp", "WhatsApp"],
  telegram: ["Telegram", "Telegram"],
  email: ["E-mail", "E-mail"],
  facebook: ["Facebook Messenger", "Facebook Messenger"],
  instagram: ["Instagram", "Instagram"],
  x: ["X (Twitter)", "X (Twitter)"],
};

const STATUS_LABEL: Record<string, [string, string]> = {
  queued: ["antre", "queued"],
  accepted: ["antre", "queued"],
  sent: ["terkirim", "sent"],
  delivered: ["diterima", "delivered"],
  read: ["dibaca", "read"],
  failed: ["gagal", "failed"],
};

const EXAMPLES = ["081234567890", "warga@example.id", "@budi_warga"];

/** Which channels a typed identity can use: a phone number, an e-mail address or a user handle / id. */
export function channelsOf(identity: string): SandboxChannel[] {
  const s = identity.trim();
  if (s.includes("@") && !s.startsWith("@")) return ["email"];
  if (/^(\+|0|62)[\d\s-]{7,}$/.test(s)) return ["sms", "whatsapp"];
  return ["telegram", "facebook", "instagram", "x"];
}

const identitySchema = z.string().trim().min(3).max(120).regex(/^[\w@.+\-\s]+$/u);
const sendSchema = z.object({
  c: identitySchema,
  connector: z.enum(CITIZEN_CONNECTORS),
  text: z.string().trim().min(1).max(1600),
  subject: z.string().trim().max(200).optional(),
});

const linkify = (text: string) => esc(text).replace(/https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)]/g, (u) => `<a href="${u}">${u}</a>`);

function bubble(lang: Lang, e: SandboxEntry): string {
  const status = e.status ? STATUS_LABEL[e.status] : undefined;
  return `<li class="${e.direction === "out" ? "me" : "them"}" data-id="${e.id}">${e.subject ? `<strong>${esc(e.subject)}</strong><br>` : ""}<span class="text">${linkify(e.text)}</span>
<small><time datetime="${e.at.toISOString()}">${esc(fmtTime(lang, e.at))}</time>${status ? ` · <span class="status">${esc(tr(lang, status[0], status[1]))}</span>` : ""}</small></li>`;
}

/** The conversation lists of one citizen, by channel (HTML of the <li>s). */
function lists(lang: Lang, sandbox: DemoSandbox, identity: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const channel of channelsOf(identity)) {
    const connector = Object.keys(CHANNEL_OF_CONNECTOR).find((k) => CHANNEL_OF_CONNECTOR[k] === channel)!;
    const entries = sandbox.conversation(channel, citizenAddress(connector, identity).address);
    out[channel] = entries.length ? entries.map((e) => bubble(lang, e)).join("") : `<li class="empty muted">${tr(lang, "Belum ada pesan.", "No messages yet.")}</li>`;
  }
  return out;
}

const CSS = `.chat{list-style:none;padding:.5rem;margin:.5rem 0;background:#f3f6fa;border-radius:6px;max-height:28rem;overflow-y:auto}
.chat li{max-width:85%;margin:.4rem 0;padding:.45rem .7rem;border-radius:8px;white-space:pre-wrap;overflow-wrap:anywhere}
.chat li.them{background:#fff;border:1px solid #d0d7de;margin-right:auto}.chat li.me{background:#dcf8c6;margin-left:auto}
.chat li small{display:block;margin-top:.2rem}.chat li.empty{background:none;border:0}
.channel{border:1px solid #ccc;border-radius:6px;padding:.25rem 1rem 1rem;margin:1rem 0}.channel h2{margin-top:.5rem}
.actions button{margin-right:.5rem}.citizens a{margin-right:.75rem}
@media (prefers-color-scheme:dark){.chat{background:#1e2630}.chat li.them{background:#121212;border-color:#444}.chat li.me{background:#1f3b24}}`;

const SCRIPT = `(function(){var root=document.getElementById("warga");if(!root)return;var url=root.getAttribute("data-feed");
function tick(){fetch(url,{headers:{accept:"application/json"}}).then(function(r){return r.ok?r.json():null}).then(function(d){if(!d)return;
Object.keys(d.lists).forEach(function(ch){var el=document.getElementById("chat-"+ch);if(el&&el.getAttribute("data-html")!==d.lists[ch]){el.innerHTML=d.lists[ch];el.setAttribute("data-html",d.lists[ch]);el.scrollTop=el.scrollHeight;}});}).catch(function(){}).then(function(){setTimeout(tick,${POLL_MS});});}
document.querySelectorAll(".chat").forEach(function(el){el.scrollTop=el.scrollHeight;});setTimeout(tick,${POLL_MS});})();`;

const DEMO_CSP = `${PUBLIC_CSP}; script-src 'self'; connect-src 'self'`;

function notFound(res: Response) {
  res.status(404).type("text").send("Not Found");
}

export function demoRoutes(deps: AppDeps): Router {
  const router = express.Router();
  const sandbox = deps.sandbox;
  if (!sandbox) {
    // Not a demo (or the sandbox is off): nothing here exists.
    router.use((_req, res) => notFound(res));
    return router;
  }
  router.use((_req, res, next) => {
    res.setHeader("Content-Security-Policy", DEMO_CSP);
    res.setHeader("Cache-Control", "no-store");
    next();
  });
  router.get("/warga.css", (_req, res) => void res.type("css").send(CSS));
  router.get("/warga.js", (_req, res) => void res.type("js").send(SCRIPT));

  router.get("/warga", async (req: Request, res: Response) => {
    const lang = langOf(req, res);
    const parsed = identitySchema.safeParse(req.query.c ?? "");
    const identity = parsed.success ? parsed.data : "";
    const notice = typeof req.query.galat === "string" ? req.query.galat.slice(0, 300) : "";
    const recent = [...new Set(sandbox.all().slice(-200).map((e) => e.address))].slice(-8);
    let body = `<h1>${tr(lang, "Ponsel warga (demo)", "Citizen's phone (demo)")}</h1>
<p class="note">${tr(lang, "Sandbox demo: pesan ke warga tidak keluar dari server ini. Halaman ini menampilkan apa yang diterima warga di setiap kanal, dan mengirim pesan sebagai warga, ditandatangani seperti penyedia layanan.", "Demo sandbox: messages to citizens never leave this server. This page shows what the citizen receives on each channel and writes as the citizen, signed as the provider would sign it.")}</p>
<form method="get" action="/demo/warga"><label for="c">${tr(lang, "Warga: nomor telepon, alamat e-mail, atau pengguna Telegram/Facebook/Instagram/X", "Citizen: phone number, e-mail address, or Telegram/Facebook/Instagram/X user")}</label>
<input id="c" name="c" value="${esc(identity)}" placeholder="081234567890" autocomplete="off">${lang === "en" ? '<input type="hidden" name="lang" value="en">' : ""}
<button type="submit">${tr(lang, "Buka ponsel", "Open phone")}</button></form>
<p class="citizens">${tr(lang, "Contoh", "Examples")}: ${[...EXAMPLES, ...recent.filter((r) => !r.startsWith("comment:") && !r.startsWith("tweet:"))].map((x) => `<a href="/demo/warga?c=${encodeURIComponent(x)}${lang === "en" ? "&lang=en" : ""}">${esc(x)}</a>`).join(" ")}</p>`;
    if (notice) body += `<p class="err" role="alert">${esc(notice)}</p>`;
    if (identity) {
      const feed = `/demo/warga/feed.json?c=${encodeURIComponent(identity)}${lang === "en" ? "&lang=en" : ""}`;
      const ls = lists(lang, sandbox, identity);
      body += `<div id="warga" data-feed="${esc(feed)}">`;
      for (const channel of channelsOf(identity)) {
        const connectors: string[] = [];
        for (const id of Object.keys(CHANNEL_OF_CONNECTOR)) if (CHANNEL_OF_CONNECTOR[id] === channel && (await demoAccountOf(deps.db, id))) connectors.push(id);
        const title = CHANNEL_TITLE[channel];
        const addr = citizenAddress(connectors[0] ?? "telegram", identity).address;
        body += `<section class="channel" id="${channel}" aria-labelledby="h-${channel}"><h2 id="h-${channel}">${esc(tr(lang, title[0], title[1]))}</h2>
<p class="muted">${tr(lang, "Sebagai", "As")} <code>${esc(addr)}</code></p>
<ol class="chat" id="chat-${channel}" aria-live="polite">${ls[channel]}</ol>`;
        if (connectors.length) {
          body += `<form method="post" action="/demo/warga/kirim"><input type="hidden" name="c" value="${esc(identity)}">${lang === "en" ? '<input type="hidden" name="lang" value="en">' : ""}
${channel === "email" ? `<label for="subject-${channel}">${tr(lang, "Subjek (kosong: balas e-mail terakhir)", "Subject (empty: reply to the last e-mail)")}</label><input id="subject-${channel}" name="subject">` : ""}
<label for="text-${channel}">${tr(lang, "Pesan", "Message")}</label><textarea id="text-${channel}" name="text" required maxlength="1600"></textarea>
<div class="actions">${connectors.map((id) => `<button type="submit" name="connector" value="${id}">${esc(tr(lang, CONNECTOR_LABEL[id]![0], CONNECTOR_LABEL[id]![1]))}</button>`).join("")}</div></form>`;
        } else body += `<p class="muted">${tr(lang, "Tidak ada akun kanal aktif untuk ini.", "No active channel account for this.")}</p>`;
        body += "</section>";
      }
      body += `</div><p>${tr(lang, "Formulir web:", "Web form:")} <a href="/lapor">/lapor</a></p>`;
    }
    sendHtml(res, 200, page({ brand: brandOf(deps.config), lang, self: selfOf(req), title: tr(lang, "Ponsel warga (demo)", "Citizen's phone (demo)"), body, head: '<link rel="stylesheet" href="/demo/warga.css"><script src="/demo/warga.js" defer></script>' }));
  });

  router.get("/warga/feed.json", (req: Request, res: Response) => {
    const lang: Lang = req.query.lang === "en" ? "en" : "id";
    const parsed = identitySchema.safeParse(req.query.c ?? "");
    if (!parsed.success) return void res.status(400).json({ error: "invalid_citizen" });
    const identity = parsed.data;
    const channels = channelsOf(identity).map((channel) => {
      const connector = Object.keys(CHANNEL_OF_CONNECTOR).find((k) => CHANNEL_OF_CONNECTOR[k] === channel)!;
      const address = citizenAddress(connector, identity).address;
      return { channel, address, entries: sandbox.conversation(channel, address).map((e) => ({ id: e.id, direction: e.direction, text: e.text, subject: e.subject, at: e.at.toISOString(), status: e.status })) };
    });
    res.json({ citizen: identity, channels, lists: lists(lang, sandbox, identity) });
  });

  router.post("/warga/kirim", express.urlencoded({ extended: false, limit: "16kb", parameterLimit: 10 }), express.json({ limit: "16kb" }), async (req: Request, res: Response, next) => {
    try {
      const wantsJson = !!req.is("application/json");
      const parsed = sendSchema.safeParse(req.body ?? {});
      const lang: Lang = (req.body as { lang?: string } | undefined)?.lang === "en" ? "en" : "id";
      const back = (extra = "") => `/demo/warga?c=${encodeURIComponent(String((req.body as { c?: string } | undefined)?.c ?? ""))}${lang === "en" ? "&lang=en" : ""}${extra}`;
      if (!parsed.success) {
        const reason = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
        if (wantsJson) return void res.status(400).json({ error: "invalid", message: reason });
        return void res.redirect(303, back(`&galat=${encodeURIComponent(tr(lang, "Pesan tidak valid", "Invalid message"))}`));
      }
      const { c, connector, text, subject } = parsed.data;
      const out = await sendAsCitizen({ db: deps.db, config: deps.config, sandbox }, { connector, from: c, text, ...(subject ? { subject } : {}) });
      if (wantsJson) return void res.status(out.ok ? 200 : out.status).json(out);
      if (!out.ok) return void res.redirect(303, back(`&galat=${encodeURIComponent(out.reason)}`));
      const channel = CHANNEL_OF_CONNECTOR[parsed.data.connector];
      res.redirect(303, back(channel ? `#${channel}` : ""));
    } catch (err) {
      next(err);
    }
  });

  router.use((_req, res) => notFound(res));
  return router;
}
