import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import supertest from "supertest";
import { startFakeTwilio, type FakeTwilio, type FormParams } from "../../channels/testing/index.js";
import { testTargets } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";
import { jobDepsOf, postTwilio } from "../support/channels.js";
import { writeSyntheticWhisperModel } from "../support/synthetic-whisper-model.js";
import { wordErrorRate, wordsOf } from "../support/wer.js";
import { runOutboxSweep } from "../../server/jobs/channel-jobs.js";
import { runTranscribeSweep } from "../../server/jobs/transcription-jobs.js";
import { WhisperEngine } from "../../server/transcription/whisper.js";
import { AuditEvent, Message, Transcription } from "../../server/entities/index.js";

/**
 * Issue 19 item 3: a recorded IVR complaint is transcribed on the server (whisper.cpp, no network)
 * by the worker's transcribe job, and the ticket shows the transcript with the recording. The call
 * is the shipped fixture test/fixtures/call-id.mp3: Indonesian speech made with Debian's espeak-ng
 * from test/fixtures/call-id.txt (scripts/make-call-fixture.mjs), served by the fake Twilio as
 * Twilio serves a recording.
 *
 * Transcribing needs a whisper model (ggml, multilingual). None is shipped by a registry package
 * (docs/transcription.md), so the words-and-WER test runs when WHISPER_TEST_MODEL (or WHISPER_MODEL)
 * names an installed ggml model such as ggml-base.bin, and says so when it cannot.
 */
const VOICE = { accountSid: `AC${"d".repeat(32)}`, authToken: "voice-transcribe-auth-token-0123", phoneNumber: "+6271100002222", smsFrom: "+6281100008888" };
const CALLER = "+6281234500077";
const FIXTURES = join(import.meta.dirname, "..", "fixtures");
const SCRIPT = readFileSync(join(FIXTURES, "call-id.txt"), "utf8").trim();
const RECORDING = readFileSync(join(FIXTURES, "call-id.mp3"));
const KEY_WORDS = ["jalan", "pasar", "berlubang", "kecelakaan", "diperbaiki"];
const REAL_MODEL = [process.env.WHISPER_TEST_MODEL, process.env.WHISPER_MODEL].find((p): p is string => !!p && existsSync(p));

type MessageRow = { id: number; body: string; direction: string; transcription?: { state: string; engine: string | null; language: string | null; text: string | null; reason?: string | null } };

for (const target of await testTargets()) {
  describe(`call transcription on the server (${target.name})`, () => {
    let t: TestApp;
    let tw: FakeTwilio;
    let admin: supertest.Agent, operator: supertest.Agent, opd: supertest.Agent;
    let account: { id: number; webhookUrl: string };
    const http = () => supertest(t.app);
    const m = () => t.database.db.manager;
    let n = 0;
    const newCallSid = () => `CA${String(++n).padStart(32, "7")}`;
    const callParams = (callSid: string, extra: FormParams = {}): FormParams => ({
      AccountSid: VOICE.accountSid, ApiVersion: "2010-04-01", CallSid: callSid, CallStatus: "in-progress", Called: VOICE.phoneNumber, Caller: CALLER,
      Direction: "inbound", From: CALLER, FromCountry: "ID", To: VOICE.phoneNumber, ToCountry: "ID", ...extra,
    });
    const twilioPost = async (url: string, params: FormParams) => {
      const res = await postTwilio(http(), url, params, { authToken: VOICE.authToken });
      assert.equal(res.status, 200, res.text);
      return res.text;
    };
    /** A caller records a complaint (menu 1); the recording's bytes are fetched as the worker does. */
    async function recordedCall(): Promise<{ sid: string; ticketId: number; recordingSid: string; recordingUrl: string }> {
      const sid = newCallSid();
      const { recordingSid, recordingUrl } = tw.addRecording(RECORDING);
      await twilioPost(`${account.webhookUrl}?step=recorded&lang=id`, callParams(sid, { RecordingUrl: recordingUrl, RecordingSid: recordingSid, RecordingDuration: "12", Digits: "#" }));
      const msg = await m().getRepository(Message).findOneByOrFail({ channelAccountId: account.id, externalId: `call:${sid}:recording` });
      const swept = await runOutboxSweep(jobDepsOf(t));
      assert.equal(swept.attachments, 1, "the recording's MP3 is fetched into DATA_DIR");
      return { sid, ticketId: msg.ticketId, recordingSid, recordingUrl };
    }
    const conversation = async (agent: supertest.Agent, ticketId: number): Promise<MessageRow[]> =>
      (await agent.get(`/api/messages?filter=${encodeURIComponent(JSON.stringify({ ticketId }))}`).expect(200)).body;

    before(async () => {
      tw = await startFakeTwilio({ accountSid: VOICE.accountSid, authToken: VOICE.authToken });
      t = await startTestApp(target);
      admin = await t.loginAs(DEMO.admin);
      operator = await t.loginAs(DEMO.operator);
      opd = await t.loginAs(DEMO.staffPU);
      const res = await admin.post("/api/channel-accounts").send({ connector: "twilio-voice", name: "Call center transkripsi", config: { ...VOICE, apiBaseUrl: tw.baseUrl } });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      account = res.body;
    });
    after(async () => {
      await t.close();
      await tw.close();
    });

    it("no whisper model installed: the provider's transcript is kept and the ticket says so", async () => {
      assert.equal(t.config.transcription.modelPath, null, "the tests' config installs no model");
      const { sid, ticketId, recordingSid, recordingUrl } = await recordedCall();
      const engine = new WhisperEngine(t.config.transcription);
      const r = await runTranscribeSweep({ ...jobDepsOf(t), engine });
      assert.deepEqual([r.added, r.noModel, r.done], [1, 1, 0]);
      // Twilio's own transcription arrives as before (no language setting, 2 minutes at most).
      await twilioPost(`${account.webhookUrl}?step=transcription&lang=id`, callParams(sid, { TranscriptionStatus: "completed", TranscriptionText: "Jalan di depan pasar berlubang.", RecordingSid: recordingSid, RecordingUrl: recordingUrl }));

      const rows = await conversation(operator, ticketId);
      const recording = rows.find((x) => x.transcription);
      assert.ok(recording, JSON.stringify(rows));
      assert.equal(recording.transcription!.state, "no-model");
      assert.equal(recording.transcription!.text, null);
      assert.match(String(recording.transcription!.reason), /no whisper model is installed/);
      assert.ok(rows.some((x) => x.body === "Transkrip rekaman: Jalan di depan pasar berlubang."), "the provider's transcript is on the ticket");
      // A second sweep leaves it alone (no retry loop while no model is installed).
      assert.deepEqual(await runTranscribeSweep({ ...jobDepsOf(t), engine }), { added: 0, pending: 0, done: 0, noModel: 0, failed: 0 });
    });

    it("the whisper.cpp binding loads a ggml model file offline (a tiny made-up model)", async () => {
      const dir = mkdtempSync(join(tmpdir(), "aduan-whisper-"));
      try {
        const path = join(dir, "ggml-synthetic.bin");
        writeSyntheticWhisperModel(path);
        const engine = new WhisperEngine({ ...t.config.transcription, modelPath: path });
        assert.deepEqual(engine.status(), { available: true, engine: "whisper.cpp ggml-synthetic.bin" });
        await engine.warmUp();
        await engine.close();
        const broken = join(dir, "ggml-broken.bin");
        (await import("node:fs")).writeFileSync(broken, Buffer.from("not a model"));
        await assert.rejects(new WhisperEngine({ ...t.config.transcription, modelPath: broken }).warmUp(), /Failed to initialize whisper context/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it("whisper giving no result: the job fails after the time limit, is retried, then the ticket says it failed", async () => {
      const dir = mkdtempSync(join(tmpdir(), "aduan-whisper-"));
      try {
        const path = join(dir, "ggml-synthetic.bin");
        writeSyntheticWhisperModel(path);
        const { ticketId } = await recordedCall();
        // On the made-up model the binding never settles its promise (docs/transcription.md).
        const engine = new WhisperEngine({ ...t.config.transcription, modelPath: path, timeoutMs: 1500 });
        const states: string[] = [];
        for (let i = 0; i < 3; i++) {
          await runTranscribeSweep({ ...jobDepsOf(t), engine });
          states.push((await m().getRepository(Transcription).findOneByOrFail({ ticketId })).state);
        }
        await engine.close();
        assert.deepEqual(states, ["pending", "pending", "failed"]);
        const row = await m().getRepository(Transcription).findOneByOrFail({ ticketId });
        assert.deepEqual([row.attempts, row.text], [3, null]);
        assert.match(String(row.error), /whisper gave no result within 2 s/);
        const shown = (await conversation(operator, ticketId)).find((x) => x.transcription);
        assert.equal(shown?.transcription?.state, "failed");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    // Declared only where a real model is installed (WHISPER_TEST_MODEL, e.g. ggml-base.bin): no
    // registry package ships a ggml whisper model, so CI here has none, and a CI run declares no
    // test it cannot run (issue 19, acceptance 3 is open on this point; docs/transcription.md).
    if (REAL_MODEL) it("a recorded call is transcribed on the server: key words, word error rate, the ticket shows it", async () => {
      const { ticketId } = await recordedCall();
      const engine = new WhisperEngine({ ...t.config.transcription, modelPath: REAL_MODEL!, threads: 2 });
      const started = Date.now();
      const r = await runTranscribeSweep({ ...jobDepsOf(t), engine });
      const seconds = (Date.now() - started) / 1000;
      await engine.close();
      assert.equal(r.done, 1, JSON.stringify(r));
      const row = await m().getRepository(Transcription).findOneByOrFail({ ticketId });
      const wer = wordErrorRate(SCRIPT, row.text ?? "");
      console.log(`# whisper (${row.engine}) on 2 threads: ${seconds.toFixed(1)} s for ${(row.audioMs ?? 0) / 1000} s of audio; WER ${(wer * 100).toFixed(1)} % against the script`);
      console.log(`#   script:     ${SCRIPT}`);
      console.log(`#   transcript: ${row.text}`);
      const words = new Set(wordsOf(row.text ?? ""));
      for (const w of KEY_WORDS) assert.ok(words.has(w), `"${w}" in the transcript: ${row.text}`);

      const rows = await conversation(operator, ticketId);
      const recording = rows.find((x) => x.transcription?.state === "done");
      assert.ok(recording);
      assert.equal(recording.transcription!.text, row.text);
      assert.match(String(recording.transcription!.engine), /^whisper\.cpp /);
      assert.ok(await m().getRepository(AuditEvent).findOneBy({ type: "message.transcribed", entityId: String(recording.id) }));
      // An OPD user without a forward of this ticket cannot read it (the access gate).
      assert.equal((await opd.get(`/api/messages?filter=${encodeURIComponent(JSON.stringify({ ticketId }))}`)).status, 404);
    });
  });
}
