// Phone calls through Twilio Voice: an IVR in Bahasa Indonesia (English on 9) answered in TwiML.
//   1  report a complaint: <Record> with transcription; the recording becomes a ticket
//   2  hear the status of a ticket: its digits are keyed; step=status-lookup is a
//      "status-question" the server answers (it needs the database)
//   0  an operator: office hours -> <Enqueue> with a hold message, then the operators' phones and
//      browser clients are dialled; outside office hours it says so and offers to record
// Every request is signed by Twilio (X-Twilio-Signature over the URL and the form) and checked
// here; each step's URL carries ?step=…&lang=… so parse() stays a pure function of the request.
// Call status callbacks (answered or missed, with duration) go to the same webhook URL with
// ?step=call-status and reach the call log.
import twilio from "twilio";
import { z } from "zod";
import {
  errorMessage,
  fetchDataRef,
  fetchUrlAttachment,
  isNetworkError,
  isRetryableStatus,
  type ConnectorContext,
  type HttpReply,
  type InboundMessage,
  type SendResult,
  type WebhookConnector,
  type WebhookOutcome,
  type WebhookRequest,
  type CallStatusReport,
} from "../connector.js";
import { formParams, single, twilioClient, verifyTwilioSignature } from "../twilio/twilio-wire.js";
import { spokenTicketNumber, ticketNumberFromDigits } from "../rules/ticket-number.js";

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "HH:MM, 24-hour");

export const twilioVoiceConfigSchema = z.object({
  accountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, "an Account SID: AC followed by 32 hex digits").describe("Twilio Account SID"),
  authToken: z.string().min(16).describe("Auth Token; signs every Voice request").meta({ secret: true }),
  phoneNumber: z.string().regex(/^\+[1-9]\d{6,14}$/, "an E.164 number").describe("The complaint line (E.164)"),
  smsFrom: z.string().regex(/^\+[1-9]\d{6,14}$/).optional().describe("Number that sends SMS to callers (ticket number after a recorded complaint)"),
  operatorNumbers: z.array(z.string().regex(/^\+[1-9]\d{6,14}$/)).max(10).default([]).describe("Operators' phones dialled when no browser client takes the queued call"),
  operatorClients: z.array(z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/)).max(20).default([]).describe("Twilio Client identities of operators' browser phones"),
  timeZone: z.string().default("Asia/Jakarta").describe("Time zone of the office hours (WIB Asia/Jakarta, WITA Asia/Makassar, WIT Asia/Jayapura)"),
  officeDays: z.array(z.number().int().min(1).max(7)).default([1, 2, 3, 4, 5]).describe("ISO weekdays with office hours (1 = Monday)"),
  officeOpen: hhmm.default("08:00"),
  officeClose: hhmm.default("16:00"),
  holdSeconds: z.number().int().min(10).max(600).default(60).describe("How long a caller waits in the queue before the operators' phones are dialled"),
  maxRecordingSeconds: z.number().int().min(30).max(600).default(180),
  apiBaseUrl: z.url().optional().describe("Override of https://api.twilio.com (tests)"),
});
export type TwilioVoiceConfig = z.infer<typeof twilioVoiceConfigSchema>;

export type VoiceLang = "id" | "en";

/** What the IVR says, in Bahasa Indonesia and English. */
export const IVR_TEXT = {
  id: {
    welcome: "Selamat datang di layanan pengaduan Pemerintah Provinsi. Tekan 1 untuk menyampaikan pengaduan. Tekan 2 untuk mengetahui status tiket. Tekan 0 untuk berbicara dengan operator. For English, press 9.",
    record: "Silakan sampaikan pengaduan Anda setelah nada: apa yang terjadi, di mana, dan sejak kapan. Tekan tanda pagar jika selesai.",
    recorded: "Terima kasih. Pengaduan Anda telah kami rekam dan akan segera ditindaklanjuti. Nomor tiket akan dikirim melalui SMS.",
    noRecording: "Maaf, kami tidak menerima rekaman.",
    askNumber: "Masukkan nomor tiket Anda tanpa huruf A D U, yaitu sembilan angka, lalu tekan tanda pagar.",
    badNumber: "Nomor tiket tidak lengkap.",
    status: (spoken: string, label: string) => `Status tiket ${spoken} adalah: ${label}. Terima kasih.`,
    unknownTicket: (spoken: string) => `Tiket ${spoken} tidak ditemukan untuk nomor telepon ini.`,
    connecting: "Mohon tunggu, Anda akan dihubungkan dengan operator.",
    hold: "Semua operator sedang melayani penelepon lain. Mohon tetap di saluran.",
    closed: (hours: string) => `Saat ini di luar jam layanan operator, ${hours}. Silakan tinggalkan pesan pengaduan setelah nada, tekan tanda pagar jika selesai.`,
    holiday: (hours: string) => `Hari ini hari libur, operator tidak bertugas. Jam layanan operator ${hours}, kecuali hari libur. Silakan tinggalkan pesan pengaduan setelah nada, tekan tanda pagar jika selesai.`,
    noOperator: "Maaf, operator belum dapat menjawab. Silakan tinggalkan pesan pengaduan setelah nada.",
    invalid: "Pilihan tidak dikenal.",
    goodbye: "Terima kasih telah menghubungi kami.",
    days: "Senin sampai Jumat",
  },
  en: {
    welcome: "Welcome to the provincial government complaint line. Press 1 to report a complaint. Press 2 to hear the status of a ticket. Press 0 to speak to an operator.",
    record: "Please describe your complaint after the tone: what happened, where, and since when. Press the hash key when you are done.",
    recorded: "Thank you. Your complaint has been recorded and will be followed up. You will receive the ticket number by SMS.",
    noRecording: "Sorry, we did not receive a recording.",
    askNumber: "Enter your ticket number without the letters A D U, nine digits, then press the hash key.",
    badNumber: "The ticket number is incomplete.",
    status: (spoken: string, label: string) => `The status of ticket ${spoken} is: ${label}. Thank you.`,
    unknownTicket: (spoken: string) => `Ticket ${spoken} was not found for this phone number.`,
    connecting: "Please hold, you will be connected to an operator.",
    hold: "All operators are busy with other callers. Please stay on the line.",
    closed: (hours: string) => `Operators are not available now; office hours are ${hours}. Please leave your complaint after the tone and press the hash key when done.`,
    holiday: (hours: string) => `Today is a public holiday and operators are off. Office hours are ${hours}, except holidays. Please leave your complaint after the tone and press the hash key when done.`,
    noOperator: "Sorry, no operator could answer. Please leave your complaint after the tone.",
    invalid: "That option is not recognised.",
    goodbye: "Thank you for calling.",
    days: "Monday to Friday",
  },
} as const;

const SAY_LANGUAGE: Record<VoiceLang, "id-ID" | "en-US"> = { id: "id-ID", en: "en-US" };
export const OPERATOR_QUEUE = "aduan-operator";

/** Twilio's signature over the URL and the form parameters; every IVR step is a POST. */
export function verifyTwilioVoice(config: TwilioVoiceConfig, req: WebhookRequest): boolean {
  return req.method.toUpperCase() === "POST" && verifyTwilioSignature(config.authToken, req);
}

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';
const xml = (body: string): HttpReply => ({ status: 200, headers: { "content-type": "text/xml; charset=utf-8" }, body });

function stepUrl(ctx: ConnectorContext<TwilioVoiceConfig>, step: string, lang: VoiceLang): string {
  const u = new URL(ctx.publicWebhookUrl);
  u.search = "";
  u.searchParams.set("step", step);
  u.searchParams.set("lang", lang);
  return u.toString();
}

/** "Monday to Friday 08:00–16:00 (Asia/Jakarta)" in the caller's language. */
function officeHoursText(c: TwilioVoiceConfig, lang: VoiceLang): string {
  const zone = c.timeZone === "Asia/Jakarta" ? "WIB" : c.timeZone === "Asia/Makassar" ? "WITA" : c.timeZone === "Asia/Jayapura" ? "WIT" : c.timeZone;
  const range = lang === "id" ? `pukul ${c.officeOpen.replace(":", ".")} sampai ${c.officeClose.replace(":", ".")} ${zone}` : `${c.officeOpen} to ${c.officeClose} ${zone}`;
  return `${IVR_TEXT[lang].days} ${range}`;
}

/** Whether `at` falls within the office hours of the config's time zone. */
/** Whether operators take calls now: "holiday" on a day the province's calendar closes. */
export function officeState(c: TwilioVoiceConfig, at: Date, closedDays?: ReadonlySet<string>): "open" | "closed" | "holiday" {
  const parts = new Intl.DateTimeFormat("en-GB", { timeZone: c.timeZone, year: "numeric", month: "2-digit", day: "2-digit", weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? "";
  if (closedDays?.has(`${get("year")}-${get("month")}-${get("day")}`)) return "holiday";
  const weekday = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].indexOf(get("weekday")) + 1;
  const minutes = Number(get("hour")) * 60 + Number(get("minute"));
  const toMin = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3));
  return c.officeDays.includes(weekday) && minutes >= toMin(c.officeOpen) && minutes < toMin(c.officeClose) ? "open" : "closed";
}

export const isOfficeHours = (c: TwilioVoiceConfig, at: Date, closedDays?: ReadonlySet<string>) => officeState(c, at, closedDays) === "open";

function welcome(ctx: ConnectorContext<TwilioVoiceConfig>, lang: VoiceLang, prefix?: string): string {
  const r = new twilio.twiml.VoiceResponse();
  if (prefix) r.say({ language: SAY_LANGUAGE[lang] }, prefix);
  const g = r.gather({ numDigits: 1, action: stepUrl(ctx, "menu", lang), method: "POST", timeout: 6 });
  g.say({ language: SAY_LANGUAGE[lang] }, IVR_TEXT[lang].welcome);
  r.redirect({ method: "POST" }, stepUrl(ctx, "welcome", lang));
  return r.toString();
}

function recordTwiml(ctx: ConnectorContext<TwilioVoiceConfig>, lang: VoiceLang, intro: string): string {
  const r = new twilio.twiml.VoiceResponse();
  r.say({ language: SAY_LANGUAGE[lang] }, intro);
  r.record({
    maxLength: ctx.config.maxRecordingSeconds,
    finishOnKey: "#",
    playBeep: true,
    action: stepUrl(ctx, "recorded", lang),
    method: "POST",
    transcribe: true,
    transcribeCallback: stepUrl(ctx, "transcription", lang),
  });
  r.say({ language: SAY_LANGUAGE[lang] }, IVR_TEXT[lang].noRecording);
  r.hangup();
  return r.toString();
}

/** The TwiML answer to a status lookup (the server found the ticket's state, or not). */
function statusLookupTwiml(lang: VoiceLang, ticketNumber: string | undefined, statusLabel: string | null, welcomeUrl: string): string {
  const r = new twilio.twiml.VoiceResponse();
  const say = (text: string) => r.say({ language: SAY_LANGUAGE[lang] }, text);
  if (!ticketNumber) say(IVR_TEXT[lang].badNumber);
  else if (statusLabel === null) say(IVR_TEXT[lang].unknownTicket(spokenTicketNumber(ticketNumber)));
  else {
    say(IVR_TEXT[lang].status(spokenTicketNumber(ticketNumber), statusLabel));
    r.hangup();
    return r.toString();
  }
  r.redirect({ method: "POST" }, welcomeUrl);
  return r.toString();
}

/** A call status callback, for the call log. */
function readCallStatus(p: Record<string, string | string[]>): CallStatusReport | undefined {
  const callSid = single(p, "CallSid");
  const from = single(p, "From");
  const status = single(p, "CallStatus");
  if (!callSid || !from || !status) return undefined;
  const recordingUrl = single(p, "RecordingUrl");
  return {
    callSid,
    from,
    to: single(p, "To") ?? "",
    direction: single(p, "Direction") ?? "inbound",
    status,
    durationSeconds: Math.max(0, Number(single(p, "CallDuration") ?? single(p, "Duration") ?? "0") || 0),
    ...(recordingUrl ? { recordingUrl } : {}),
    final: ["completed", "busy", "no-answer", "failed", "canceled"].includes(status),
    recordingExternalId: recordingExternalId(callSid),
  };
}

/** Where the recording of a call's complaint is kept: one per call. */
export const recordingExternalId = (callSid: string) => `call:${callSid}:recording`;

export function parseVoice(ctx: ConnectorContext<TwilioVoiceConfig>, req: WebhookRequest): WebhookOutcome {
  const p = formParams(req.rawBody);
  const c = ctx.config;
  const accountSid = single(p, "AccountSid");
  if (accountSid !== undefined && accountSid !== c.accountSid) return { kind: "ignored", reason: `webhook for another Twilio account (${accountSid})` };
  const url = new URL(req.url);
  const step = url.searchParams.get("step") ?? "welcome";
  const lang: VoiceLang = url.searchParams.get("lang") === "en" ? "en" : "id";
  const t = IVR_TEXT[lang];
  const say = { language: SAY_LANGUAGE[lang] } as const;
  const callSid = single(p, "CallSid");
  const from = single(p, "From") ?? "";
  const reply = (body: string): WebhookOutcome => ({ kind: "events", messages: [], deliveries: [], reply: xml(body) });

  switch (step) {
    case "status-lookup": {
      // The caller keyed a ticket number (menu option 2): the server answers with its state.
      const ticketNumber = ticketNumberFromDigits(single(p, "Digits"));
      return {
        kind: "status-question",
        ticketNumber,
        askerPhone: single(p, "From"),
        answer: (state) => xml(statusLookupTwiml(lang, ticketNumber, state ? state[lang] : null, stepUrl(ctx, "welcome", lang))),
      };
    }
    case "call-status": {
      // The number's status callback: every call, answered or missed, goes on the call log.
      const report = readCallStatus(p);
      if (!report) throw new Error("a call status callback needs CallSid, From and CallStatus");
      return { kind: "events", messages: [], deliveries: [], calls: [report], reply: xml(EMPTY_TWIML) };
    }
    case "welcome":
      return reply(welcome(ctx, lang));
    case "menu": {
      const digit = single(p, "Digits");
      if (digit === "9") return reply(welcome(ctx, "en"));
      if (digit === "1") return reply(recordTwiml(ctx, lang, t.record));
      if (digit === "2") {
        const r = new twilio.twiml.VoiceResponse();
        const g = r.gather({ numDigits: 10, finishOnKey: "#", timeout: 10, action: stepUrl(ctx, "status-lookup", lang), method: "POST" });
        g.say(say, t.askNumber);
        r.redirect({ method: "POST" }, stepUrl(ctx, "welcome", lang));
        return reply(r.toString());
      }
      if (digit === "0") {
        const office = officeState(c, ctx.now(), ctx.closedDays);
        if (office === "holiday") return reply(recordTwiml(ctx, lang, t.holiday(officeHoursText(c, lang))));
        if (office === "closed") return reply(recordTwiml(ctx, lang, t.closed(officeHoursText(c, lang))));
        const r = new twilio.twiml.VoiceResponse();
        r.say(say, t.connecting);
        r.enqueue({ waitUrl: stepUrl(ctx, "hold", lang), waitUrlMethod: "POST", action: stepUrl(ctx, "queue-result", lang), method: "POST" }, OPERATOR_QUEUE);
        return reply(r.toString());
      }
      return reply(welcome(ctx, lang, t.invalid));
    }
    case "hold": {
      // waitUrl: played in a loop while the caller is queued; after holdSeconds, leave the queue.
      const r = new twilio.twiml.VoiceResponse();
      if (Number(single(p, "QueueTime") ?? "0") >= c.holdSeconds) r.leave();
      else {
        r.say(say, t.hold);
        r.pause({ length: 10 });
      }
      return reply(r.toString());
    }
    case "queue-result": {
      const result = single(p, "QueueResult");
      if (result !== "leave" && result !== "redirected-from-queue" && result !== "error" && result !== "system-error") return reply(new twilio.twiml.VoiceResponse().toString());
      if (!c.operatorNumbers.length && !c.operatorClients.length) return reply(recordTwiml(ctx, lang, t.noOperator));
      const r = new twilio.twiml.VoiceResponse();
      const d = r.dial({ timeout: 20, action: stepUrl(ctx, "dialed", lang), method: "POST", answerOnBridge: true });
      for (const n of c.operatorNumbers) d.number(n);
      for (const id of c.operatorClients) d.client(id);
      return reply(r.toString());
    }
    case "dialed": {
      if (single(p, "DialCallStatus") === "completed") {
        const r = new twilio.twiml.VoiceResponse();
        r.hangup();
        return reply(r.toString());
      }
      return reply(recordTwiml(ctx, lang, t.noOperator));
    }
    case "operator": {
      // An operator's browser client (TwiML App) calling in to take the next caller from the queue.
      const r = new twilio.twiml.VoiceResponse();
      r.dial().queue(OPERATOR_QUEUE);
      return reply(r.toString());
    }
    case "recorded": {
      const recordingUrl = single(p, "RecordingUrl");
      const duration = Number(single(p, "RecordingDuration") ?? "0") || 0;
      const r = new twilio.twiml.VoiceResponse();
      if (!callSid || !recordingUrl || duration < 1) {
        r.say(say, t.noRecording);
        r.redirect({ method: "POST" }, stepUrl(ctx, "welcome", lang));
        return reply(r.toString());
      }
      r.say(say, t.recorded);
      r.hangup();
      const message: InboundMessage = {
        channelKind: "voice",
        externalId: recordingExternalId(callSid),
        externalThreadId: callSid,
        sender: { externalId: from, phone: from },
        sentAt: ctx.now(),
        text: lang === "id" ? `Pengaduan melalui telepon (rekaman ${duration} detik).` : `Complaint by phone (recording, ${duration} seconds).`,
        attachments: [{ kind: "audio", ref: `${recordingUrl}.mp3`, mimeType: "audio/mpeg", fileName: `rekaman-${callSid}.mp3` }],
        call: { durationSeconds: duration, recordingRef: recordingUrl },
        raw: p,
      };
      return { kind: "events", messages: [message], deliveries: [], reply: xml(r.toString()) };
    }
    case "transcription": {
      const text = single(p, "TranscriptionText")?.trim();
      if (single(p, "TranscriptionStatus") !== "completed" || !text || !callSid) return { kind: "ignored", reason: `transcription ${single(p, "TranscriptionStatus") ?? "without text"}` };
      const message: InboundMessage = {
        channelKind: "voice",
        externalId: `call:${callSid}:transcript`,
        externalThreadId: callSid,
        sender: { externalId: from, phone: from },
        sentAt: ctx.now(),
        text: `${lang === "id" ? "Transkrip rekaman" : "Transcript"}: ${text}`,
        inReplyToExternalId: recordingExternalId(callSid),
        // The text already holds the transcript (call.transcript would repeat it in the body).
        attachments: [],
        raw: p,
      };
      return { kind: "events", messages: [message], deliveries: [] };
    }
    default:
      return { kind: "ignored", reason: `unknown IVR step ${step}` };
  }
}

export const twilioVoiceConnector: WebhookConnector<TwilioVoiceConfig> = {
  id: "twilio-voice",
  kind: "voice",
  title: "Telepon (Twilio Voice, IVR)",
  inbound: "webhook",
  configSchema: twilioVoiceConfigSchema,
  // Text to a caller goes as one SMS from smsFrom.
  limits: { maxTextLength: 1600, attachments: null, replyWindow: null },

  verify: (ctx, req) => verifyTwilioVoice(ctx.config, req),
  parse: (ctx, req) => parseVoice(ctx, req),

  async send(ctx, msg): Promise<SendResult> {
    const c = ctx.config;
    if (!c.smsFrom) return { status: "failed", retryable: false, reason: "a phone line cannot deliver text: set smsFrom on the twilio-voice account, or answer the caller by phone" };
    const client = twilioClient(c);
    try {
      const m = await client.messages.create({ to: msg.to, from: c.smsFrom, body: msg.text.slice(0, 1600) });
      return { status: "sent", externalId: m.sid };
    } catch (err) {
      const status = (err as { status?: unknown }).status;
      if (typeof status === "number") return { status: "failed", retryable: isRetryableStatus(status), reason: `Twilio ${status}: ${errorMessage(err)}` };
      return { status: "failed", retryable: isNetworkError(err), reason: errorMessage(err) };
    }
  },

  async fetchAttachment(ctx, ref) {
    const inline = fetchDataRef(ref);
    if (inline) return inline;
    let url = ref;
    if (ctx.config.apiBaseUrl) {
      const u = new URL(ref);
      const b = new URL(ctx.config.apiBaseUrl);
      u.protocol = b.protocol;
      u.host = b.host;
      url = u.toString();
    }
    const auth = Buffer.from(`${ctx.config.accountSid}:${ctx.config.authToken}`).toString("base64");
    return fetchUrlAttachment(ctx, url, { headers: { authorization: `Basic ${auth}` } });
  },
};
