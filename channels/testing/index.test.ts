// The helpers the server's end-to-end tests build on must themselves behave like the providers.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { simpleParser } from "mailparser";
import twilio from "twilio";
import { FailureSwitch } from "./local-server.js";
import {
  buildEmail,
  parseForm,
  signedTwilioRequest,
  startFakeTelegram,
  startFakeTwilio,
  telegramTextUpdate,
  telegramUpdateRequest,
  twilioInboundSmsParams,
  twilioStatusParams,
} from "./index.js";

const SID = `AC${"1".repeat(32)}`;
const TOKEN = "2".repeat(32);

describe("testing helpers", () => {
  test("signedTwilioRequest is accepted by twilio.validateRequest over the same URL and form", () => {
    const url = "https://aduan.example.go.id/webhooks/twilio-sms/a1";
    const params = twilioInboundSmsParams({ from: "+6281234567890", to: "+6281100020003", body: "Banjir di Jl. A. Yani", accountSid: SID });
    const req = signedTwilioRequest(url, params, TOKEN);
    assert.deepEqual(parseForm(req.rawBody), params);
    assert.equal(twilio.validateRequest(TOKEN, req.headers["x-twilio-signature"] as string, url, params), true);
    assert.equal(twilio.validateRequest(TOKEN, req.headers["x-twilio-signature"] as string, `${url}x`, params), false);
    const status = twilioStatusParams({ messageSid: `SM${"3".repeat(32)}`, status: "delivered", to: "+6281234567890", from: "+6281100020003", accountSid: SID });
    assert.equal(status.MessageStatus, "delivered");
  });

  test("telegramUpdateRequest carries the secret header only when given", () => {
    const u = telegramTextUpdate({ chatId: 5, text: "/start" });
    assert.equal(telegramUpdateRequest(u, "abc").headers["x-telegram-bot-api-secret-token"], "abc");
    assert.equal(telegramUpdateRequest(u, undefined).headers["x-telegram-bot-api-secret-token"], undefined);
    assert.deepEqual((JSON.parse(telegramUpdateRequest(u, "abc").rawBody.toString()) as typeof u).message.entities, [{ offset: 0, length: 6, type: "bot_command" }]);
  });

  test("buildEmail makes MIME that mailparser reads back (UTF-8 subject, alternative parts, threading)", async () => {
    const raw = buildEmail({
      from: "Siti Ω <siti@example.id>", to: "aduan@example.go.id", subject: "Re: Jalan rusak — [ADU-2611-00001]",
      text: "Baris satu\nBaris dua é", html: "<p>Baris satu</p>", inReplyTo: "<a@b>", references: ["<r@b>", "<a@b>"],
      headers: { "Auto-Submitted": "auto-replied" },
    });
    const m = await simpleParser(raw);
    assert.equal(m.subject, "Re: Jalan rusak — [ADU-2611-00001]");
    assert.equal(m.from?.value[0]?.name, "Siti Ω");
    assert.equal(m.text?.trim(), "Baris satu\nBaris dua é");
    assert.equal(m.html, "<p>Baris satu</p>");
    assert.equal(m.inReplyTo, "<a@b>");
    assert.deepEqual(m.references, ["<r@b>", "<a@b>"]);
    assert.equal(m.headers.get("auto-submitted"), "auto-replied");
  });

  test("fake Twilio refuses wrong credentials and unknown accounts like Twilio", async () => {
    const fake = await startFakeTwilio({ accountSid: SID, authToken: TOKEN });
    try {
      const post = (auth: string, sid = SID) =>
        fetch(`${fake.baseUrl}/2010-04-01/Accounts/${sid}/Messages.json`, {
          method: "POST",
          headers: { authorization: `Basic ${Buffer.from(auth).toString("base64")}`, "content-type": "application/x-www-form-urlencoded" },
          body: "To=%2B6281234567890&From=%2B6281100020003&Body=hi",
        });
      assert.equal((await post(`${SID}:wrong`)).status, 401);
      const ok = await post(`${SID}:${TOKEN}`);
      assert.equal(ok.status, 201);
      assert.match(((await ok.json()) as { sid: string }).sid, /^SM[0-9a-f]{32}$/);
      assert.equal(fake.messages.length, 1);
      assert.equal(fake.requests.length, 2);
    } finally {
      await fake.close();
    }
  });

  test("fake Telegram checks the token in the path", async () => {
    const fake = await startFakeTelegram({ token: "1:abc" });
    try {
      assert.equal((await fetch(`${fake.apiRoot}/bot1:wrong/getMe`)).status, 401);
      const me = (await (await fetch(`${fake.apiRoot}/bot1:abc/getMe`)).json()) as { ok: boolean };
      assert.equal(me.ok, true);
    } finally {
      await fake.close();
    }
  });

  test("FailureSwitch: queued failures first, then a time window", async () => {
    const s = new FailureSwitch<number>();
    s.next(2, 500);
    assert.deepEqual([s.take(), s.take(), s.take()], [500, 500, undefined]);
    s.forMs(50, 503);
    assert.equal(s.take(), 503);
    await new Promise((r) => setTimeout(r, 70));
    assert.equal(s.take(), undefined);
  });
});
