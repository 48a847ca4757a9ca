// POST /voice/:account/status-lookup and /voice/:account/call-status — the two Twilio Voice steps
// that need the database, for twilio-voice accounts. Same rules as /webhooks: raw body, Twilio's
// signature over the URL it called (401, nothing stored), 2xx only after commit.
//   status-lookup: the caller keyed a ticket number (IVR option 2): speak its state, only to the
//     reporter's own phone number (anyone else hears "not found", as by SMS: no enumeration).
//   call-status: the number's status callback: every call, answered or missed, on the call log.
import express, { type Request, type Response, type Router } from "express";
import type { WebhookRequest } from "../../channels/connector.js";
import { readCallStatus, recordingExternalId, statusLookupTwiml, ticketNumberFromDigits, verifyTwilioVoice, voiceParams, type TwilioVoiceConfig } from "../../channels/registry.js";
import { connectorContext, findConnector, openConfig } from "../channels/connectors.js";
import { logCall } from "../commands/log-call.js";
import { normalizePhone } from "../domain/contacts/identity.js";
import { STATUS_LABELS } from "../domain/ticket/lifecycle.js";
import { ChannelAccount } from "../entities/channel-account.entity.js";
import { ContactIdentity } from "../entities/contact-identity.entity.js";
import { Ticket } from "../entities/ticket.entity.js";
import type { AppDeps } from "./types.js";
import { candidateUrls } from "./webhooks.js";

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

function asWebhookRequest(req: Request, url: string): WebhookRequest {
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of new URL(url).searchParams) query[k] = v;
  return { method: req.method, url, headers: req.headers, rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0), query };
}

export function voiceRoutes(deps: AppDeps): Router {
  const router = express.Router();
  router.use(express.raw({ type: () => true, limit: "64kb" }));

  /** The account and the verified request, or an answer already sent. */
  async function verified(req: Request, res: Response) {
    res.setHeader("Cache-Control", "no-store");
    const param = String(req.params.account);
    const account = /^\d{1,9}$/.test(param) ? await deps.db.manager.getRepository(ChannelAccount).findOneBy({ id: Number(param), connector: "twilio-voice", active: true }) : null;
    const connector = findConnector("twilio-voice");
    if (!account || !connector) return void res.status(404).json({ error: "not_found", message: "no such voice account" });
    const opened = openConfig(deps.config.encryptionKey, connector, account);
    if (!opened.ok) return void res.status(503).json({ error: "account_unusable", message: "this channel account is misconfigured" });
    const config = opened.config as TwilioVoiceConfig;
    for (const url of candidateUrls(req, deps.config.publicUrl)) {
      const candidate = asWebhookRequest(req, url);
      if (verifyTwilioVoice(config, candidate)) return { account, config, request: candidate };
    }
    deps.logger.warn({ channelAccountId: account.id, ip: req.ip }, "voice request refused: signature does not verify");
    return void res.status(401).json({ error: "invalid_signature", message: "the request is not signed for this account" });
  }

  router.post("/:account/status-lookup", async (req, res, next) => {
    try {
      const v = await verified(req, res);
      if (!v) return;
      const p = voiceParams(v.request);
      const one = (k: string) => (Array.isArray(p[k]) ? p[k][0] : p[k]) as string | undefined;
      const lang = new URL(v.request.url).searchParams.get("lang") === "en" ? "en" : "id";
      const number = ticketNumberFromDigits(one("Digits"));
      let label: string | null = null;
      const phone = normalizePhone(one("From") ?? "");
      if (number && phone) {
        const m = deps.db.manager;
        const identity = await m.getRepository(ContactIdentity).findOneBy({ channel: "sms", address: phone });
        let ticket = await m.getRepository(Ticket).findOneBy({ number });
        if (ticket?.status === "merged" && ticket.mergedIntoId) ticket = await m.getRepository(Ticket).findOneBy({ id: ticket.mergedIntoId });
        if (ticket && identity && ticket.contactId === identity.contactId) label = STATUS_LABELS[ticket.status][lang];
      }
      const ctx = connectorContext({ publicUrl: deps.config.publicUrl, logger: deps.logger, now: () => deps.clock.now() }, v.account, v.config);
      const welcomeUrl = new URL(ctx.publicWebhookUrl);
      welcomeUrl.searchParams.set("step", "welcome");
      welcomeUrl.searchParams.set("lang", lang);
      res.status(200).type("text/xml").send(statusLookupTwiml(lang, number, label, welcomeUrl.toString()));
    } catch (err) {
      next(err);
    }
  });

  router.post("/:account/call-status", async (req, res, next) => {
    try {
      const v = await verified(req, res);
      if (!v) return;
      const report = readCallStatus(v.request);
      if (!report) return void res.status(400).json({ error: "malformed", message: "CallSid, From and CallStatus are required" });
      const at = deps.clock.now();
      await deps.db.tx((m) => logCall(m, { actor: { userId: null, label: "twilio-voice status" }, at, secretKey: deps.config.sessionSecret }, { account: v.account, report, recordingExternalId: recordingExternalId(report.callSid) }));
      res.status(200).type("text/xml").send(EMPTY_TWIML);
    } catch (err) {
      next(err);
    }
  });
  return router;
}
