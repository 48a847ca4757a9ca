import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import supertest from "supertest";
import { startFakeTwilio, type FormParams } from "../../channels/testing/index.js";
import { testTargets } from "../support/databases.js";
import { DEMO, type TestApp } from "../support/app.js";
import { axeViolations, browserSkip, screenshot } from "../support/browser.js";
import { startConsole, type ConsoleHarness } from "../support/console-harness.js";
import { jobDepsOf, postTwilio } from "../support/channels.js";
import { runOutboxSweep } from "../../server/jobs/channel-jobs.js";

/** Issue 19, item 11: the call log in the console, with the recording of a recorded complaint playable. */
const VOICE = { accountSid: `AC${"d".repeat(32)}`, authToken: "voice-browser-auth-token-0123456", phoneNumber: "+6271100002222", smsFrom: "+6281100008888" };
const [target] = await testTargets();
describe("console: the call log", { skip: browserSkip }, () => {
  let t: TestApp;
  let c: ConsoleHarness;
  const call = (sid: string, from: string, extra: FormParams = {}): FormParams => ({ AccountSid: VOICE.accountSid, CallSid: sid, CallStatus: "in-progress", From: from, To: VOICE.phoneNumber, Direction: "inbound", ...extra });
  const post = async (url: string, params: FormParams) => {
    const r = await postTwilio(supertest(t.app), url, params, { authToken: VOICE.authToken });
    assert.equal(r.status, 200, r.text);
    return r.text;
  };

  before(async () => {
    c = await startConsole(target, {
      seed: async (app, own) => {
        t = app;
        const tw = await startFakeTwilio({ accountSid: VOICE.accountSid, authToken: VOICE.authToken });
        own(() => tw.close());
        const admin = await t.loginAs(DEMO.admin);
        const account = (await admin.post("/api/channel-accounts").send({ connector: "twilio-voice", name: "IVR", config: { ...VOICE, apiBaseUrl: tw.baseUrl } }).expect(201)).body as { webhookUrl: string };
        // A recorded complaint (with its recording fetched) and a missed call.
        const sid = `CA${"7".repeat(32)}`;
        const { recordingSid, recordingUrl } = tw.addRecording(Buffer.from("ID3-fake-mp3-recording-bytes"));
        await post(`${account.webhookUrl}?step=recorded&lang=id`, call(sid, "+6281234511111", { RecordingUrl: recordingUrl, RecordingSid: recordingSid, RecordingDuration: "30", Digits: "#" }));
        await runOutboxSweep(jobDepsOf(t));
        await post(`${account.webhookUrl}?step=call-status`, call(sid, "+6281234511111", { CallStatus: "completed", CallDuration: "75" }));
        await post(`${account.webhookUrl}?step=call-status`, call(`CA${"8".repeat(32)}`, "+6281234522222", { CallStatus: "no-answer", CallDuration: "0" }));
      },
    });
  });
  after(() => c?.close());

  it("an operator sees answered and missed calls, opens the ticket, and the recording loads in the player", async () => {
    const page = await c.signedIn(DEMO.operator, { bypassCSP: true, viewport: { width: 1280, height: 900 } });
    await page.getByRole("menuitem", { name: "Log panggilan" }).click();
    await page.getByText("+6281234522222").waitFor();
    await page.getByText("Tak terjawab").waitFor();
    await page.getByText("1 mnt 15 dtk").waitFor();
    const player = page.getByTestId("call-recording");
    assert.equal(await player.count(), 1, "one call has a recording");
    // The player fetches the bytes through the gate: the browser gets them with the audio type.
    const src = await player.getAttribute("src");
    const fetched = await page.evaluate(async (u) => {
      const r = await fetch(u!, { credentials: "same-origin" });
      return { status: r.status, type: r.headers.get("content-type"), text: await r.text() };
    }, src);
    assert.deepEqual(fetched, { status: 200, type: "audio/mpeg", text: "ID3-fake-mp3-recording-bytes" });
    assert.deepEqual((await axeViolations(page)).filter((v) => v.impact === "serious" || v.impact === "critical"), []);
    await screenshot(page, "console-calls");
    await page.getByRole("link", { name: /^ADU-/ }).first().click();
    await page.waitForURL(/#\/tickets\/\d+\/show/);
  });
});
