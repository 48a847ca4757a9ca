import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import supertest from "supertest";
import { startFakeTwilio, type FormParams } from "../../channels/testing/index.js";
import { testTargets } from "../support/databases.js";
import { DEMO, type TestApp } from "../support/app.js";
import { axeViolations, browserSkip, screenshot } from "../support/browser.js";
import { startConsole, type ConsoleHarness } from "../support/console-harness.js";
import { jobDepsOf, postTwilio } from "../support/channels.js";
import { runOutboxSweep } from "../../server/jobs/channel-jobs.js";
import { runTranscribeSweep } from "../../server/jobs/transcription-jobs.js";
import { WhisperEngine } from "../../server/transcription/whisper.js";
import { Message } from "../../server/entities/index.js";

/**
 * Issue 19 item 3 in the console: the ticket of a recorded call plays the recording and shows the
 * server's transcript, marked "Transkripsi otomatis (whisper, on-premise)"; with no model installed
 * it says that server transcription is off (the provider's transcript is a message of its own).
 */
const VOICE = { accountSid: `AC${"e".repeat(32)}`, authToken: "voice-transcript-browser-token-01", phoneNumber: "+6271100003333", smsFrom: "+6281100007777" };
const RECORDING = readFileSync(join(import.meta.dirname, "..", "fixtures", "call-id.mp3"));
const REAL_MODEL = [process.env.WHISPER_TEST_MODEL, process.env.WHISPER_MODEL].find((p): p is string => !!p && existsSync(p));
const [target] = await testTargets();

describe("console: a recorded call's transcript on the ticket", { skip: browserSkip }, () => {
  let t: TestApp;
  let c: ConsoleHarness;
  let ticketId: number;
  const call = (sid: string, extra: FormParams = {}): FormParams => ({ AccountSid: VOICE.accountSid, CallSid: sid, CallStatus: "in-progress", From: "+6281234533333", To: VOICE.phoneNumber, Direction: "inbound", ...extra });

  before(async () => {
    c = await startConsole(target, {
      seed: async (app, own) => {
        t = app;
        const tw = await startFakeTwilio({ accountSid: VOICE.accountSid, authToken: VOICE.authToken });
        own(() => tw.close());
        const admin = await t.loginAs(DEMO.admin);
        const account = (await admin.post("/api/channel-accounts").send({ connector: "twilio-voice", name: "IVR", config: { ...VOICE, apiBaseUrl: tw.baseUrl } }).expect(201)).body as { id: number; webhookUrl: string };
        const sid = `CA${"5".repeat(32)}`;
        const { recordingSid, recordingUrl } = tw.addRecording(RECORDING);
        const r = await postTwilio(supertest(t.app), `${account.webhookUrl}?step=recorded&lang=id`, call(sid, { RecordingUrl: recordingUrl, RecordingSid: recordingSid, RecordingDuration: "12", Digits: "#" }), { authToken: VOICE.authToken });
        assert.equal(r.status, 200, r.text);
        ticketId = (await t.database.db.manager.getRepository(Message).findOneByOrFail({ channelAccountId: account.id, externalId: `call:${sid}:recording` })).ticketId;
        await runOutboxSweep(jobDepsOf(t));
        const engine = new WhisperEngine({ ...t.config.transcription, modelPath: REAL_MODEL ?? null });
        await runTranscribeSweep({ ...jobDepsOf(t), engine });
        await engine.close();
      },
    });
  });
  after(() => c?.close());

  it("the operator plays the recording on the ticket page and reads what the server made of it", async () => {
    const page = await c.signedIn(DEMO.operator, { bypassCSP: true, viewport: { width: 1280, height: 900 } });
    await page.goto(`${c.url}/console/#/tickets/${ticketId}/show`);
    const player = page.getByTestId("ticket-recording");
    await player.waitFor();
    const fetched = await page.evaluate(async (u) => {
      const r = await fetch(u!, { credentials: "same-origin" });
      return { status: r.status, type: r.headers.get("content-type"), bytes: (await r.arrayBuffer()).byteLength };
    }, await player.getAttribute("src"));
    assert.deepEqual(fetched, { status: 200, type: "audio/mpeg", bytes: RECORDING.length });
    if (REAL_MODEL) {
      const transcript = page.getByTestId("call-transcript");
      await transcript.getByText("Transkripsi otomatis (whisper, on-premise)", { exact: false }).waitFor();
      assert.match((await transcript.textContent()) ?? "", /pasar/i);
    } else {
      await page.getByText("Transkripsi di server tidak aktif: model whisper belum terpasang.", { exact: false }).waitFor();
    }
    assert.deepEqual((await axeViolations(page)).filter((v) => v.impact === "serious" || v.impact === "critical"), []);
    await screenshot(page, "console-call-transcript");
  });
});
