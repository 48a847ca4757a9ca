import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { describe, test } from "node:test";
import type { WebhookOutcome, WebhookRequest } from "../connector.js";
import { spokenTicketNumber, ticketNumberFromDigits } from "../rules/ticket-number.js";
import { flipOneByte, parseForm, signedTwilioRequest, testContext } from "../testing/index.js";
import {
  isOfficeHours,
  twilioVoiceConfigSchema,
  twilioVoiceConnector as voice,
  type TwilioVoiceConfig,
} from "./twilio-voice.connector.js";

const AUTH = "voice-auth-token-0123456789abcdef";
const config = twilioVoiceConfigSchema.parse({
  accountSid: `AC${"a".repeat(32)}`,
  authToken: AUTH,
  phoneNumber: "+6271100001111",
  operatorNumbers: ["+6281100000001"],
  operatorClients: ["operator-1"],
  holdSeconds: 60,
});
const HOOK = "https://aduan.example.go.id/webhooks/twilio-voice/7";
// Monday 23 November 2026, 10:00 WIB (03:00 UTC): office hours.
const MONDAY_10 = new Date("2026-11-23T03:00:00Z");
const ctx = (now = MONDAY_10, over: Partial<TwilioVoiceConfig> = {}) => testContext<TwilioVoiceConfig>({ ...config, ...over }, { publicWebhookUrl: HOOK, now: () => now });
const dir = new URL("./__fixtures__/", import.meta.url);
const fixtures = readdirSync(dir).filter((f) => f.endsWith(".form")).sort();
const params = (name: string) => parseForm(readFileSync(new URL(name, dir), "utf8").trim());
const at = (name: string, query = "") => signedTwilioRequest(`${HOOK}${query}`, params(name), AUTH);
const twiml = (o: WebhookOutcome) => {
  assert.equal(o.kind, "events", JSON.stringify(o));
  const reply = (o as Extract<WebhookOutcome, { kind: "events" }>).reply;
  assert.equal(reply?.status, 200);
  assert.equal(reply?.headers["content-type"], "text/xml; charset=utf-8");
  return reply!.body;
};
const run = (req: WebhookRequest, now = MONDAY_10, over: Partial<TwilioVoiceConfig> = {}) => voice.parse(ctx(now, over), req);

describe("twilio-voice verify (X-Twilio-Signature on every Voice request)", () => {
  for (const name of fixtures) {
    test(`${name}: Twilio's signature verifies; one changed byte, another URL or token do not`, () => {
      const req = at(name, "?step=menu&lang=id");
      assert.equal(voice.verify(ctx(), req), true);
      assert.equal(voice.verify(ctx(), { ...req, rawBody: flipOneByte(req.rawBody) }), false);
      assert.equal(voice.verify(ctx(), { ...req, url: `${HOOK}?step=recorded&lang=id` }), false, "the step is part of what is signed");
      assert.equal(voice.verify(ctx(new Date(), { authToken: "another-auth-token-000000000" }), req), false);
    });
  }
  test("GET and unsigned requests are refused", () => {
    const req = at("incoming-call.form");
    assert.equal(voice.verify(ctx(), { ...req, method: "GET" }), false);
    assert.equal(voice.verify(ctx(), { ...req, headers: { "content-type": "application/x-www-form-urlencoded" } }), false);
  });
});

describe("twilio-voice IVR (TwiML)", () => {
  test("an incoming call hears the menu in Bahasa Indonesia, one digit gathered, then the menu again", () => {
    const x = twiml(run(at("incoming-call.form")));
    assert.match(x, /<Gather numDigits="1" action="https:\/\/aduan\.example\.go\.id\/webhooks\/twilio-voice\/7\?step=menu&amp;lang=id" method="POST" timeout="6"><Say language="id-ID">Selamat datang di layanan pengaduan/);
    assert.match(x, /Tekan 1 untuk menyampaikan pengaduan\. Tekan 2 untuk mengetahui status tiket\. Tekan 0 untuk berbicara dengan operator\. For English, press 9\./);
    assert.match(x, /<Redirect method="POST">https:\/\/aduan\.example\.go\.id\/webhooks\/twilio-voice\/7\?step=welcome&amp;lang=id<\/Redirect>/);
  });
  test("9 switches to English for the rest of the call", () => {
    const x = twiml(run(at("menu-digit-9.form", "?step=menu&lang=id")));
    assert.match(x, /<Say language="en-US">Welcome to the provincial government complaint line/);
    assert.match(x, /step=menu&amp;lang=en/);
  });
  test("1 records the complaint with transcription; the recording becomes a voice message with the audio", () => {
    const x = twiml(run(at("menu-digit-1.form", "?step=menu&lang=id")));
    assert.match(x, /<Say language="id-ID">Silakan sampaikan pengaduan Anda setelah nada/);
    assert.match(x, /<Record maxLength="180" finishOnKey="#" playBeep="true" action="[^"]*step=recorded&amp;lang=id" method="POST" transcribe="true" transcribeCallback="[^"]*step=transcription&amp;lang=id"\/>/);
    const out = run(at("recorded.form", "?step=recorded&lang=id"));
    assert.match(twiml(out), /telah kami rekam/);
    const [m] = (out as Extract<WebhookOutcome, { kind: "events" }>).messages;
    const rec = params("recorded.form").RecordingUrl as string;
    assert.deepEqual({ ...m, raw: undefined, sentAt: undefined }, {
      channelKind: "voice",
      externalId: `call:CA${"1".repeat(32)}:recording`,
      externalThreadId: `CA${"1".repeat(32)}`,
      sender: { externalId: "+6281234567890", phone: "+6281234567890" },
      sentAt: undefined,
      text: "Pengaduan melalui telepon (rekaman 42 detik).",
      attachments: [{ kind: "audio", ref: `${rec}.mp3`, mimeType: "audio/mpeg", fileName: `rekaman-CA${"1".repeat(32)}.mp3` }],
      call: { durationSeconds: 42, recordingRef: rec },
      raw: undefined,
    });
  });
  test("an empty recording stores nothing and returns to the menu", () => {
    const out = run(at("recorded-silence.form", "?step=recorded&lang=id"));
    assert.equal((out as Extract<WebhookOutcome, { kind: "events" }>).messages.length, 0);
    assert.match(twiml(out), /tidak menerima rekaman[\s\S]*step=welcome/);
  });
  test("the transcription joins the recording's ticket", () => {
    const out = run(at("transcription.form", "?step=transcription&lang=id")) as Extract<WebhookOutcome, { kind: "events" }>;
    const [m] = out.messages;
    assert.equal(m?.text, "Transkrip rekaman: Jalan di depan pasar berlubang besar sudah dua minggu.");
    assert.equal(m?.inReplyToExternalId, `call:CA${"1".repeat(32)}:recording`);
    assert.equal(out.reply, undefined, "a transcription callback needs no TwiML");
  });
  test("2 gathers the ticket digits; the keyed number is a status question the server answers, spoken in the caller's language", () => {
    const x = twiml(run(at("menu-digit-2.form", "?step=menu&lang=id")));
    assert.match(x, /<Gather numDigits="10" finishOnKey="#" timeout="10" action="https:\/\/aduan\.example\.go\.id\/webhooks\/twilio-voice\/7\?step=status-lookup&amp;lang=id" method="POST"><Say language="id-ID">Masukkan nomor tiket/);
    const q = run({ ...at("menu-digit-2.form", "?step=status-lookup&lang=id"), rawBody: Buffer.from(new URLSearchParams({ ...params("menu-digit-2.form"), Digits: "261100042#" }).toString()) });
    assert.equal(q.kind, "status-question");
    const question = q as Extract<WebhookOutcome, { kind: "status-question" }>;
    assert.equal(question.ticketNumber, "ADU-2611-00042");
    assert.equal(question.askerPhone, params("menu-digit-2.form").From);
    const said = question.answer({ id: "Diproses OPD", en: "With the agency" }).body;
    assert.match(said, /<Say language="id-ID">Status tiket A D U 2 6 1 1, 0 0 0 4 2 adalah: Diproses OPD\. Terima kasih\.<\/Say><Hangup\/>/);
    assert.match(question.answer(null).body, /tidak ditemukan untuk nomor telepon ini[\s\S]*<Redirect/);
    const en = run({ ...at("menu-digit-2.form", "?step=status-lookup&lang=en"), rawBody: Buffer.from(new URLSearchParams({ ...params("menu-digit-2.form"), Digits: "2611" }).toString()) }) as Extract<WebhookOutcome, { kind: "status-question" }>;
    assert.equal(en.ticketNumber, undefined);
    assert.match(en.answer(null).body, /<Say language="en-US">/);
  });
  test("0 in office hours queues the caller with a hold message, then dials the operators' phones and browser clients", () => {
    const x = twiml(run(at("menu-digit-0.form", "?step=menu&lang=id")));
    assert.match(x, /<Say language="id-ID">Mohon tunggu, Anda akan dihubungkan dengan operator\.<\/Say><Enqueue waitUrl="[^"]*step=hold&amp;lang=id" waitUrlMethod="POST" action="[^"]*step=queue-result&amp;lang=id" method="POST">aduan-operator<\/Enqueue>/);
    assert.match(twiml(run(at("queue-hold.form", "?step=hold&lang=id"))), /<Say language="id-ID">Semua operator sedang melayani[\s\S]*<Pause length="10"\/>/);
    assert.match(twiml(run(at("queue-leave.form", "?step=hold&lang=id"))), /<Response><Leave\/><\/Response>/);
    assert.match(twiml(run(at("queue-leave.form", "?step=queue-result&lang=id"))), /<Dial timeout="20" action="[^"]*step=dialed&amp;lang=id" method="POST" answerOnBridge="true"><Number>\+6281100000001<\/Number><Client>operator-1<\/Client><\/Dial>/);
    assert.match(twiml(run(at("dial-no-answer.form", "?step=dialed&lang=id"))), /operator belum dapat menjawab[\s\S]*<Record/);
  });
  test("0 outside office hours says so (with the hours) and offers to record", () => {
    const saturday = new Date("2026-11-28T03:00:00Z");
    const evening = new Date("2026-11-23T10:30:00Z"); // 17:30 WIB
    for (const now of [saturday, evening]) {
      const x = twiml(run(at("menu-digit-0.form", "?step=menu&lang=id"), now));
      assert.match(x, /di luar jam layanan operator, Senin sampai Jumat pukul 08\.00 sampai 16\.00 WIB\. Silakan tinggalkan pesan/);
      assert.match(x, /<Record /);
    }
    assert.equal(isOfficeHours(config, MONDAY_10), true);
    assert.equal(isOfficeHours(config, MONDAY_10, new Set(["2026-11-23"])), false, "a holiday of the province's calendar closes the day");
    assert.equal(isOfficeHours(config, MONDAY_10, new Set(["2026-11-24"])), true);
    const holiday = twiml(voice.parse({ ...ctx(), closedDays: new Set(["2026-11-23"]) }, at("menu-digit-0.form", "?step=menu&lang=id")));
    assert.match(holiday, /Hari ini hari libur, operator tidak bertugas[\s\S]*<Record /);
    assert.equal(isOfficeHours({ ...config, timeZone: "Asia/Jayapura" }, new Date("2026-11-23T08:00:00Z")), false, "17:00 WIT");
  });
  test("call status callbacks are read for the call log; other accounts' and unknown steps are ignored", () => {
    const done = run(at("call-status-completed.form", "?step=call-status")) as Extract<WebhookOutcome, { kind: "events" }>;
    assert.deepEqual(done.calls, [{ callSid: `CA${"1".repeat(32)}`, from: "+6281234567890", to: "+6271100001111", direction: "inbound", status: "completed", durationSeconds: 73, final: true, recordingExternalId: `call:CA${"1".repeat(32)}:recording` }]);
    assert.match(done.reply?.body ?? "", /<Response\/>/);
    assert.equal((run(at("call-status-no-answer.form", "?step=call-status")) as Extract<WebhookOutcome, { kind: "events" }>).calls?.[0]?.status, "no-answer");
    const noSid = signedTwilioRequest(`${HOOK}?step=call-status`, { AccountSid: config.accountSid, From: "+6281234567890", CallStatus: "completed" }, AUTH);
    assert.throws(() => run(noSid), /CallSid, From and CallStatus/);
    assert.equal(run(at("incoming-call.form", "?step=nonsense")).kind, "ignored");
    assert.match((run(at("incoming-call.form"), MONDAY_10, { accountSid: `AC${"b".repeat(32)}` }) as { reason: string }).reason, /another Twilio account/);
  });
});
