import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import type { InboundMessage, WebhookOutcome } from "../connector.js";
import { flipOneByte, startFakeTelegram, telegramTextUpdate, telegramUpdateRequest, testContext, webhookRequest, type FakeTelegram } from "../testing/index.js";
import {
  TELEGRAM_ALLOWED_UPDATES,
  TELEGRAM_MAX_TEXT,
  parseBotCommand,
  telegramConfigSchema,
  telegramConnector as tg,
  type TelegramConfig,
} from "./telegram.connector.js";

const TOKEN = "7000000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0";
const SECRET = "s3cr3t-Token_for-aduan-webhook";
const config: TelegramConfig = { botToken: TOKEN, secretToken: SECRET, botUsername: "aduan_bot" };
const ctx = (over: Partial<TelegramConfig> = {}) => testContext<TelegramConfig>({ ...config, ...over });
const fixtureDir = new URL("./__fixtures__/", import.meta.url);
const fixtureNames = readdirSync(fixtureDir).filter((f) => f.endsWith(".json")).sort();
/** The fixture's bytes exactly, posted as Telegram does with the webhook's secret_token header. */
const request = (name: string, ...secret: [string | undefined] | []) =>
  telegramUpdateRequest(readFileSync(new URL(name, fixtureDir), "utf8"), secret.length ? secret[0] : SECRET);

function message(outcome: WebhookOutcome): InboundMessage {
  assert.equal(outcome.kind, "events", JSON.stringify(outcome));
  const out = outcome as Extract<WebhookOutcome, { kind: "events" }>;
  assert.equal(out.messages.length, 1);
  assert.equal(out.deliveries.length, 0);
  return out.messages[0]!;
}

function ignored(outcome: WebhookOutcome): string {
  assert.equal(outcome.kind, "ignored", JSON.stringify(outcome));
  return (outcome as { reason: string }).reason;
}

describe("telegram verify (X-Telegram-Bot-Api-Secret-Token)", () => {
  for (const name of fixtureNames) {
    test(`${name}: accepts the secret, rejects one changed byte of it`, () => {
      assert.equal(tg.verify(ctx(), request(name)), true);
      const changed = flipOneByte(Buffer.from(SECRET), 3).toString("latin1");
      assert.equal(tg.verify(ctx(), request(name, changed)), false);
    });
  }

  test("rejects a missing header, a prefix of the secret, GET, and another bot's secret", () => {
    assert.equal(tg.verify(ctx(), request("text.json", undefined)), false);
    assert.equal(tg.verify(ctx(), request("text.json", SECRET.slice(0, -1))), false);
    assert.equal(tg.verify(ctx(), request("text.json", `${SECRET}x`)), false);
    assert.equal(tg.verify(ctx(), { ...request("text.json"), method: "GET" }), false);
    assert.equal(tg.verify(ctx({ secretToken: "another-bot-secret-0123456789" }), request("text.json")), false);
  });

  test("the header name is matched case-insensitively", () => {
    const req = webhookRequest({ url: "https://x.example/webhooks/telegram/a", headers: { "X-Telegram-Bot-Api-Secret-Token": SECRET }, body: "{}" });
    assert.equal(tg.verify(ctx(), req), true);
  });
});

describe("telegram parse", () => {
  const sender = { externalId: "5123456789", displayName: "Siti Rahmawati", username: "siti_rhm" };

  test("text message -> normalized message", () => {
    const m = message(tg.parse(ctx(), request("text.json")));
    assert.deepEqual({ ...m, raw: undefined }, {
      channelKind: "telegram",
      externalId: "5123456789:311",
      externalThreadId: "5123456789",
      sender,
      sentAt: new Date(1793337000 * 1000),
      text: "Selamat siang, lampu penerangan jalan di Jl. Merdeka depan kantor pos sudah mati seminggu. Mohon ditindaklanjuti.",
      attachments: [],
      raw: undefined,
    });
    assert.equal((m.raw as { update_id: number }).update_id, 861234501);
  });

  test("/start is a greeting command; /start with a ticket number carries a hint", () => {
    const start = message(tg.parse(ctx(), request("start.json")));
    assert.deepEqual(start.command, { name: "start" });
    assert.equal(start.ticketNumberHint, undefined);
    const deep = message(tg.parse(ctx(), request("start-payload.json")));
    assert.deepEqual(deep.command, { name: "start", argument: "ADU-2611-00042" });
    assert.equal(deep.ticketNumberHint, "ADU-2611-00042");
  });

  test("bot commands: @botname suffix, arguments, plain text is no command", () => {
    assert.deepEqual(parseBotCommand("/start@aduan_bot ADU-2611-00042"), { name: "start", argument: "ADU-2611-00042" });
    assert.deepEqual(parseBotCommand("/STATUS  adu-2611-00042 "), { name: "status", argument: "adu-2611-00042" });
    assert.equal(parseBotCommand("Jalan rusak / berlubang"), undefined);
    assert.equal(parseBotCommand("/"), undefined);
    const m = message(tg.parse(ctx(), telegramUpdateRequest(telegramTextUpdate({ chatId: 42, text: "/status ADU-2611-00007" }), SECRET)));
    assert.deepEqual(m.command, { name: "status", argument: "ADU-2611-00007" });
    assert.equal(m.ticketNumberHint, "ADU-2611-00007");
    const plain = message(tg.parse(ctx(), telegramUpdateRequest(telegramTextUpdate({ chatId: 42, text: "cek status adu-2611-00008" }), SECRET)));
    assert.deepEqual(plain.command, { name: "status", argument: "ADU-2611-00008" });
    const prose = message(tg.parse(ctx(), telegramUpdateRequest(telegramTextUpdate({ chatId: 42, text: "Status ADU-2611-00008 kok belum berubah?" }), SECRET)));
    assert.equal(prose.command, undefined, "a sentence mentioning a ticket is a message, not a status request");
  });

  test("photo -> the largest size only, caption as text", () => {
    const m = message(tg.parse(ctx(), request("photo.json")));
    assert.equal(m.text, "Sampah menumpuk di TPS Pasar 16 Ilir");
    assert.deepEqual(m.attachments, [{ kind: "image", ref: "AgACAgUAAxkBAAIBOWVzs_large", mimeType: "image/jpeg", sizeBytes: 152843 }]);
  });

  test("document -> attachment with name, type and size", () => {
    const m = message(tg.parse(ctx(), request("document.json")));
    assert.equal(m.text, "Surat pengantar dari RT 05");
    assert.deepEqual(m.attachments, [
      { kind: "document", ref: "BQACAgUAAxkBAAIBOmVzdocument", mimeType: "application/pdf", fileName: "surat-pengantar-rt.pdf", sizeBytes: 284113 },
    ]);
  });

  test("voice and sticker become audio and sticker attachments", () => {
    assert.deepEqual(message(tg.parse(ctx(), request("voice.json"))).attachments, [
      { kind: "audio", ref: "AwACAgUAAxkBAAIBP2Vzvoice", mimeType: "audio/ogg", sizeBytes: 21344 },
    ]);
    assert.equal(message(tg.parse(ctx(), request("sticker.json"))).attachments[0]?.kind, "sticker");
  });

  test("location and venue", () => {
    const loc = message(tg.parse(ctx(), request("location.json")));
    assert.deepEqual(loc.location, { latitude: -2.990934, longitude: 104.756554 });
    assert.equal(loc.text, "");
    const venue = message(tg.parse(ctx(), request("venue.json")));
    assert.deepEqual(venue.location, { latitude: -2.9761, longitude: 104.7754, title: "Pasar 16 Ilir", address: "Jl. Pasar 16 Ilir, Palembang" });
  });

  test("a reply points at the bot's message in the same id form send() returns", () => {
    assert.equal(message(tg.parse(ctx(), request("reply.json"))).inReplyToExternalId, "5123456789:1001");
  });

  test("the citizen's own contact card gives their phone number (E.164)", () => {
    const m = message(tg.parse(ctx(), request("contact.json")));
    assert.equal(m.sender.phone, "+6281234567890");
    assert.match(m.text, /6281234567890/);
  });

  test("edits, group chats, membership changes, callback queries are ignored with a reason", () => {
    assert.match(ignored(tg.parse(ctx(), request("edited.json"))), /^edited-message/);
    assert.match(ignored(tg.parse(ctx(), request("group.json"))), /^group-chat/);
    assert.match(ignored(tg.parse(ctx(), request("blocked.json"))), /kicked/);
    assert.match(ignored(tg.parse(ctx(), request("callback-query.json"))), /^unsupported-update: callback_query/);
  });

  test("malformed bodies are ignored, never thrown", () => {
    const bodies: (string | Buffer)[] = ["", "not json", "[]", "null", '{"message":{}}', '{"update_id":1,"message":{"message_id":"x"}}', Buffer.from([0x7b, 0xff, 0xfe, 0x7d])];
    for (const body of bodies) {
      const req = telegramUpdateRequest(body, SECRET);
      assert.match(ignored(tg.parse(ctx(), { ...req, rawBody: Buffer.isBuffer(body) ? body : Buffer.from(body) })), /^invalid/, String(body));
    }
  });

  test("a message from a bot or without content is ignored", () => {
    const u = telegramTextUpdate({ chatId: 1, text: "x" }) as { message: { from: { is_bot: boolean }; text?: string } };
    u.message.from.is_bot = true;
    assert.match(ignored(tg.parse(ctx(), telegramUpdateRequest(u, SECRET))), /^bot-sender/);
    const empty = telegramTextUpdate({ chatId: 1, text: "x" }) as { message: { text?: string } };
    delete empty.message.text;
    assert.match(ignored(tg.parse(ctx(), telegramUpdateRequest(empty, SECRET))), /^unsupported-content/);
  });
});

describe("telegram send, register and fetchAttachment against a fake Bot API", () => {
  let fake: FakeTelegram;
  before(async () => {
    fake = await startFakeTelegram({ token: TOKEN, botUsername: "aduan_bot" });
  });
  after(() => fake.close());
  const live = () => ctx({ apiRoot: fake.apiRoot });

  test("sendMessage to the chat; externalId is chat:message", async () => {
    const res = await tg.send(live(), { to: "5123456789", text: "Aduan Anda kami terima dengan nomor ADU-2611-00042." });
    assert.equal(res.status, "sent");
    const call = fake.calls.at(-1)!;
    assert.equal(call.method, "sendMessage");
    assert.equal(call.payload.chat_id, "5123456789");
    assert.equal(call.payload.text, "Aduan Anda kami terima dengan nomor ADU-2611-00042.");
    assert.match(res.status === "sent" ? res.externalId : "", /^5123456789:\d+$/);
  });

  test("a reply quotes the citizen's message", async () => {
    await tg.send(live(), { to: "5123456789", text: "Terima kasih", inReplyToExternalId: "5123456789:311" });
    assert.deepEqual(fake.calls.at(-1)!.payload.reply_parameters, { message_id: 311, allow_sending_without_reply: true });
  });

  test("photos go by sendPhoto, other files by sendDocument (multipart upload)", async () => {
    const before = fake.calls.length;
    const res = await tg.send(live(), {
      to: "5123456789",
      text: "Berikut hasil perbaikan",
      attachments: [
        { fileName: "hasil.jpg", mimeType: "image/jpeg", content: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 1]) },
        { fileName: "berita-acara.pdf", mimeType: "application/pdf", content: Buffer.from("%PDF-1.4\n") },
      ],
    });
    const calls = fake.calls.slice(before);
    assert.deepEqual(calls.map((c) => c.method), ["sendMessage", "sendPhoto", "sendDocument"]);
    assert.match(calls[1]!.contentType, /^multipart\/form-data/);
    assert.deepEqual(calls[2]!.payload.document && { ...(calls[2]!.payload.document as object), mimeType: undefined }, { fileName: "berita-acara.pdf", mimeType: undefined, size: 9 });
    assert.equal(res.status === "sent" && res.extraExternalIds?.length, 2);
  });

  test("text longer than 4096 characters is split", async () => {
    const before = fake.calls.length;
    const text = `${"a".repeat(4000)}\n${"b".repeat(1000)}`;
    await tg.send(live(), { to: "5123456789", text });
    const texts = fake.calls.slice(before).map((c) => String(c.payload.text));
    assert.deepEqual(texts.map((t) => t.length <= TELEGRAM_MAX_TEXT), [true, true]);
    assert.equal(texts.join("\n"), text);
  });

  test("blocked chat (403) is permanent; 429 and 502 are retryable; unreachable API is retryable", async () => {
    fake.blockChat(99);
    const blocked = await tg.send(live(), { to: "99", text: "x" });
    assert.deepEqual(blocked.status === "failed" && [blocked.retryable, /403/.test(blocked.reason)], [false, true]);
    fake.failNext(1, { status: 429, retryAfter: 3 }, "sendMessage");
    const limited = await tg.send(live(), { to: "5123456789", text: "x" });
    assert.deepEqual(limited.status === "failed" && [limited.retryable, /retry after 3s/.test(limited.reason), limited.retryAfterMs], [true, true, 3000]);
    fake.failNext(1, { status: 502 });
    const bad = await tg.send(live(), { to: "5123456789", text: "x" });
    assert.equal(bad.status === "failed" && bad.retryable, true);
    const down = await tg.send(ctx({ apiRoot: "http://127.0.0.1:9" }), { to: "5123456789", text: "x" });
    assert.equal(down.status === "failed" && down.retryable, true);
    assert.equal((await tg.send(live(), { to: "5123456789", text: "x" })).status, "sent");
  });

  test("register calls setWebhook with the secret_token and the updates we handle", async () => {
    const url = "https://aduan.sumselprov.go.id/webhooks/telegram/acc-7";
    await tg.register!(live(), url);
    assert.deepEqual(fake.webhook, { url, secret_token: SECRET, allowed_updates: [...TELEGRAM_ALLOWED_UPDATES] });
    await assert.rejects(tg.register!(live(), "http://insecure.example/hook"), /HTTPS/);
  });

  test("fetchAttachment resolves a file_id through getFile and downloads it", async () => {
    const bytes = Buffer.from("%PDF-1.4 surat");
    fake.addFile("BQACAgUAAxkBAAIBOmVzdocument", bytes, "documents/file_7.pdf");
    const res = await tg.fetchAttachment(live(), "BQACAgUAAxkBAAIBOmVzdocument");
    assert.equal(res.status, "fetched");
    assert.deepEqual(res.status === "fetched" && res.content, bytes);
    const missing = await tg.fetchAttachment(live(), "no-such-file");
    assert.equal(missing.status === "failed" && missing.retryable, false);
  });
});

describe("telegram config", () => {
  test("validates the bot token and the secret_token alphabet", () => {
    assert.equal(telegramConfigSchema.safeParse(config).success, true);
    assert.equal(telegramConfigSchema.safeParse({ ...config, botToken: "not-a-token" }).success, false);
    assert.equal(telegramConfigSchema.safeParse({ ...config, secretToken: "has spaces in it!!" }).success, false);
    assert.equal(telegramConfigSchema.safeParse({ ...config, secretToken: "short" }).success, false);
  });
});
