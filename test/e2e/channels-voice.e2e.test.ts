import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import supertest from "supertest";
import { startFakeTwilio, type FakeTwilio, type FormParams } from "../../channels/testing/index.js";
import { testTargets } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";
import { jobDepsOf, pathOf, postTwilio } from "../support/channels.js";
import { runOutboxSweep } from "../../server/jobs/channel-jobs.js";
import { Attachment, AuditEvent, Call, InboundReceipt, Message, Ticket } from "../../server/entities/index.js";

/**
 * Issue 7, acceptance 2: the IVR driven as Twilio drives it — a sequence of signed webhook
 * requests, each answered with TwiML: a recorded complaint becomes a ticket with the recording,
 * keying a known ticket number speaks its status, a missed call is logged on the caller's history.
 */
const VOICE = { accountSid: `AC${"c".repeat(32)}`, authToken: "voice-e2e-auth-token-0123456789", phoneNumber: "+6271100001111", smsFrom: "+6281100009999" };
const CALLER = "+6281234500001";

for (const target of await testTargets()) {
  describe(`channels: phone calls through the Twilio Voice IVR (${target.name})`, () => {
    let t: TestApp;
    let tw: FakeTwilio;
    let admin: supertest.Agent, operator: supertest.Agent;
    let account: { id: number; webhookUrl: string };
    const http = () => supertest(t.app);
    const m = () => t.database.db.manager;
    let n = 0;
    const newCallSid = () => `CA${String(++n).padStart(32, "0")}`;
    const callParams = (callSid: string, from: string, extra: FormParams = {}): FormParams => ({
      AccountSid: VOICE.accountSid, ApiVersion: "2010-04-01", CallSid: callSid, CallStatus: "in-progress", Called: VOICE.phoneNumber, Caller: from,
      Direction: "inbound", From: from, FromCountry: "ID", To: VOICE.phoneNumber, ToCountry: "ID", ...extra,
    });
    /** A signed POST to a URL of ours, as Twilio makes it; answers the TwiML text. */
    const twilioPost = async (url: string, params: FormParams, expectStatus = 200) => {
      const res = await postTwilio(http(), url, params, { authToken: VOICE.authToken });
      assert.equal(res.status, expectStatus, res.text);
      return res.text;
    };
    /** The URL a TwiML verb points at next (Gather/Record action, Redirect). */
    const next = (twiml: string, verb: "Gather" | "Record") => {
      const m = new RegExp(`<${verb}[^>]* action="([^"]+)"`).exec(twiml);
      assert.ok(m, `${verb} in ${twiml}`);
      return m[1]!.replace(/&amp;/g, "&");
    };
    const callStatusUrl = () => `${account.webhookUrl}?step=call-status`;

    before(async () => {
      tw = await startFakeTwilio({ accountSid: VOICE.accountSid, authToken: VOICE.authToken });
      t = await startTestApp(target);
      admin = await t.loginAs(DEMO.admin);
      operator = await t.loginAs(DEMO.operator);
      const res = await admin.post("/api/channel-accounts").send({ connector: "twilio-voice", name: "Call center 112", config: { ...VOICE, apiBaseUrl: tw.baseUrl, operatorClients: ["operator-1"] } });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      account = res.body;
    });
    after(async () => {
      await t.close();
      await tw.close();
    });

    it("a wrong signature is refused on every Voice URL and stores nothing", async () => {
      const before = [await m().getRepository(InboundReceipt).count(), await m().getRepository(AuditEvent).count(), await m().getRepository(Call).count()];
      const sid = newCallSid();
      const recorded = `${account.webhookUrl}?step=recorded&lang=id`;
      assert.equal((await postTwilio(http(), recorded, callParams(sid, CALLER, { RecordingUrl: "https://api.twilio.com/x", RecordingDuration: "9" }), { authToken: "not-the-auth-token-000000000" })).status, 401);
      assert.equal((await postTwilio(http(), callStatusUrl(), callParams(sid, CALLER, { CallStatus: "no-answer" }), { authToken: "not-the-auth-token-000000000" })).status, 401);
      assert.equal((await postTwilio(http(), recorded, callParams(sid, CALLER), { authToken: VOICE.authToken, signedUrl: `${account.webhookUrl}?step=welcome&lang=id` })).status, 401, "signed for another step");
      assert.deepEqual([await m().getRepository(InboundReceipt).count(), await m().getRepository(AuditEvent).count(), await m().getRepository(Call).count()], before);
    });

    it("1: a recorded complaint becomes a ticket with the recording and the transcript; the caller gets the number by SMS; the call is logged", async () => {
      const sid = newCallSid();
      const menu = await twilioPost(account.webhookUrl, callParams(sid, CALLER, { CallStatus: "ringing" }));
      assert.match(menu, /Selamat datang di layanan pengaduan/);
      const record = await twilioPost(next(menu, "Gather"), callParams(sid, CALLER, { Digits: "1" }));
      assert.match(record, /Silakan sampaikan pengaduan Anda/);
      const { recordingSid, recordingUrl } = tw.addRecording(Buffer.from("ID3-fake-mp3-recording-bytes"));
      const done = await twilioPost(next(record, "Record"), callParams(sid, CALLER, { RecordingUrl: recordingUrl, RecordingSid: recordingSid, RecordingDuration: "42", Digits: "#" }));
      assert.match(done, /telah kami rekam[\s\S]*<Hangup\/>/);

      const msg = await m().getRepository(Message).findOneByOrFail({ channelAccountId: account.id, externalId: `call:${sid}:recording` });
      const ticket = await m().getRepository(Ticket).findOneByOrFail({ id: msg.ticketId });
      assert.equal(ticket.channel, "voice");
      assert.equal(ticket.status, "received");
      const swept = await runOutboxSweep(jobDepsOf(t));
      assert.equal(swept.attachments, 1);
      const att = await m().getRepository(Attachment).findOneByOrFail({ ticketId: ticket.id });
      assert.deepEqual([att.fetchState, att.mimeType, att.sizeBytes], ["fetched", "audio/mpeg", 28]);
      const sms = tw.messages.at(-1)!;
      assert.equal(sms.to, CALLER);
      assert.equal(sms.from, VOICE.smsFrom);
      assert.ok(sms.body.includes(ticket.number), sms.body);

      const transcript = `${account.webhookUrl}?step=transcription&lang=id`;
      await twilioPost(transcript, callParams(sid, CALLER, { TranscriptionStatus: "completed", TranscriptionText: "Jalan di depan Pasar Cinde berlubang besar.", RecordingSid: recordingSid, RecordingUrl: recordingUrl }));
      const bodies = (await m().getRepository(Message).find({ where: { ticketId: ticket.id, direction: "inbound" }, order: { id: "ASC" } })).map((x) => x.body);
      assert.deepEqual(bodies, ["Pengaduan melalui telepon (rekaman 42 detik).", "Transkrip rekaman: Jalan di depan Pasar Cinde berlubang besar."]);

      await twilioPost(callStatusUrl(), callParams(sid, CALLER, { CallStatus: "completed", CallDuration: "95" }));
      const call = await m().getRepository(Call).findOneByOrFail({ callSid: sid });
      assert.deepEqual([call.answered, call.durationSeconds, call.ticketId, call.contactId, call.recordingRef], [true, 95, ticket.id, ticket.contactId, `call:${sid}:recording`]);
      const log = await operator.get(`/api/calls?filter=${encodeURIComponent(JSON.stringify({ contactId: ticket.contactId }))}`).expect(200);
      assert.deepEqual(log.body.map((c: { callSid: string; answered: boolean; durationSeconds: number }) => [c.callSid, c.answered, c.durationSeconds]), [[sid, true, 95]]);
      // The call log names the recording, and it plays in the page (audio served inline, through the gate).
      assert.equal(log.body[0].recordingAttachmentId, att.id);
      const audio = await operator.get(`/api/attachments/${att.id}/content`).buffer(true).parse((res, cb) => { const chunks: Buffer[] = []; res.on("data", (c: Buffer) => chunks.push(c)); res.on("end", () => cb(null, Buffer.concat(chunks))); }).expect(200);
      assert.equal(audio.headers["content-type"], "audio/mpeg");
      assert.match(String(audio.headers["content-disposition"]), /^inline/);
      assert.equal((audio.body as Buffer).toString(), "ID3-fake-mp3-recording-bytes");
    });

    it("2: keying a known ticket number speaks its status; another caller hears 'not found'", async () => {
      const ticket = await m().getRepository(Ticket).findOneByOrFail({ id: (await m().getRepository(Message).findOneByOrFail({ channelAccountId: account.id, direction: "inbound" })).ticketId });
      const digits = ticket.number.replace(/\D/g, "");
      const sid = newCallSid();
      const menu = await twilioPost(account.webhookUrl, callParams(sid, CALLER, { CallStatus: "ringing" }));
      const ask = await twilioPost(next(menu, "Gather"), callParams(sid, CALLER, { Digits: "2" }));
      assert.match(ask, /Masukkan nomor tiket/);
      const said = await twilioPost(next(ask, "Gather"), callParams(sid, CALLER, { Digits: digits, FinishedOnKey: "#" }));
      const spoken = ticket.number.replace(/^ADU-/, "A D U ").replace(/-/g, ", ").replace(/(\d)(?=\d)/g, "$1 ");
      assert.match(said, new RegExp(`<Say language="id-ID">Status tiket ${spoken} adalah: Diterima\\. Terima kasih\\.</Say><Hangup/>`));

      const stranger = await twilioPost(next(ask, "Gather"), callParams(newCallSid(), "+6281299998888", { Digits: digits, FinishedOnKey: "#" }));
      assert.match(stranger, /tidak ditemukan untuk nomor telepon ini/);
      assert.doesNotMatch(stranger, /Diterima/);
    });

    it("a missed call is logged on the caller's history with no ticket; 0 outside office hours offers to record", async () => {
      const sid = newCallSid();
      const from = "+6281377776666";
      await twilioPost(callStatusUrl(), callParams(sid, from, { CallStatus: "no-answer", CallDuration: "0" }));
      const call = await m().getRepository(Call).findOneByOrFail({ callSid: sid });
      assert.deepEqual([call.answered, call.status, call.durationSeconds, call.ticketId], [false, "no-answer", 0, null]);
      assert.ok(call.contactId, "the caller is on the contact list, with the missed call on their history");
      const missed = await operator.get(`/api/calls?filter=${encodeURIComponent(JSON.stringify({ contactId: call.contactId, answered: false }))}`).expect(200);
      assert.equal(missed.body.length, 1);
      assert.ok(await m().getRepository(AuditEvent).findOneBy({ type: "call.missed", entityId: String(call.id) }));

      t.clock.set(new Date("2026-11-23T12:00:00Z")); // 19:00 WIB
      const menu = await twilioPost(account.webhookUrl, callParams(newCallSid(), from, { CallStatus: "ringing" }));
      const closed = await twilioPost(next(menu, "Gather"), callParams(newCallSid(), from, { Digits: "0" }));
      assert.match(closed, /di luar jam layanan operator[\s\S]*<Record /);
      t.clock.set(new Date("2026-11-23T03:30:00Z"));
      const open = await twilioPost(next(menu, "Gather"), callParams(newCallSid(), from, { Digits: "0" }));
      assert.match(open, /<Enqueue [^>]*>aduan-operator<\/Enqueue>/);
      // Christmas Day (Friday 25 December 2026, a national holiday in the calendar) at 10:00 WIB.
      t.clock.set(new Date("2026-12-25T03:00:00Z"));
      const holiday = await twilioPost(next(menu, "Gather"), callParams(newCallSid(), from, { Digits: "0" }));
      assert.match(holiday, /Hari ini hari libur, operator tidak bertugas[\s\S]*<Record /);
      t.clock.set(new Date("2026-11-23T03:30:00Z"));
    });

    it("junk signed by Twilio is answered without a crash", async () => {
      assert.ok((await postTwilio(http(), `${account.webhookUrl}?step=recorded`, { AccountSid: VOICE.accountSid }, { authToken: VOICE.authToken })).status < 500);
      assert.equal((await postTwilio(http(), callStatusUrl(), { AccountSid: VOICE.accountSid }, { authToken: VOICE.authToken })).status, 400);
      assert.equal((await http().get(pathOf(account.webhookUrl))).status, 401);
    });
  });
}
