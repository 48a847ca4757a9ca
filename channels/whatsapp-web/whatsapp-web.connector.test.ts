import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { InboundEvent } from "../connector.js";
import { fakeWhatsappWebClientFactory, startFakeWhatsappWeb, testContext, type FakeWhatsappWeb } from "../testing/index.js";
import { createWhatsappWebConnector, toInbound, whatsappWebConfigSchema, type WhatsappWebConfig } from "./whatsapp-web.connector.js";

const config = whatsappWebConfigSchema.parse({ phoneNumber: "+6281100020003", minSendIntervalMs: 300, reconnectMaxMs: 1_000 });
const waitFor = async (what: string, ok: () => boolean, ms = 5_000) => {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

describe("whatsapp-web normalization", () => {
  test("person chats in E.164; groups, own messages and unsupported types are skipped", () => {
    const m = toInbound({ id: "false_6281234567890@c.us_3A1", from: "6281234567890@c.us", fromMe: false, timestamp: 1795000000, type: "chat", body: "Lampu jalan mati", hasMedia: false, notifyName: "Siti" });
    assert.ok(!("ignored" in m));
    assert.deepEqual([m.externalThreadId, m.sender, m.text, m.sentAt.getTime()], ["+6281234567890", { externalId: "+6281234567890", phone: "+6281234567890", displayName: "Siti" }, "Lampu jalan mati", 1795000000000]);
    assert.match((toInbound({ id: "x", from: "120363@g.us", fromMe: false, timestamp: 1, type: "chat", body: "hi", hasMedia: false }) as { ignored: string }).ignored, /not a person chat/);
    assert.match((toInbound({ id: "x", from: "6281@c.us", fromMe: true, timestamp: 1, type: "chat", body: "hi", hasMedia: false }) as { ignored: string }).ignored, /echo/);
    assert.match((toInbound({ id: "x", from: "6281234567890@c.us", fromMe: false, timestamp: 1, type: "call_log", body: "", hasMedia: false }) as { ignored: string }).ignored, /unsupported/);
  });
  test("voice notes, documents and locations", () => {
    const ptt = toInbound({ id: "v", from: "6281234567890@c.us", fromMe: false, timestamp: 1, type: "ptt", body: "", hasMedia: true, media: { mimeType: "audio/ogg; codecs=opus" } });
    assert.deepEqual(!("ignored" in ptt) && ptt.attachments, [{ kind: "audio", ref: "wa-web:v", mimeType: "audio/ogg; codecs=opus" }]);
    const doc = toInbound({ id: "d", from: "6281234567890@c.us", fromMe: false, timestamp: 1, type: "document", body: "Surat RT", hasMedia: true, media: { mimeType: "application/pdf", fileName: "surat.pdf", sizeBytes: 10 } });
    assert.deepEqual(!("ignored" in doc) && [doc.text, doc.attachments[0]?.fileName], ["Surat RT", "surat.pdf"]);
    const loc = toInbound({ id: "l", from: "6281234567890@c.us", fromMe: false, timestamp: 1, type: "location", body: "/9j/4AAQSkZJRg", hasMedia: false, location: { latitude: -2.99, longitude: 104.75, description: "Pasar 16" } });
    assert.deepEqual(!("ignored" in loc) && [loc.text, loc.location], ["", { latitude: -2.99, longitude: 104.75, title: "Pasar 16" }]);
  });
});

describe("whatsapp-web session through the seam (a stand-in WhatsApp Web page)", () => {
  let page: FakeWhatsappWeb;
  const events: InboundEvent[] = [];
  let failNextStore = false;
  let session: { stop(): Promise<void> };
  const connector = () => createWhatsappWebConnector(fakeWhatsappWebClientFactory(page.baseUrl, 30));
  const ctx = () => testContext<WhatsappWebConfig>(config, { accountId: "wa-1" });
  const messages = () => events.flatMap((e) => (e.kind === "message" ? [e.message] : []));
  const states = () => events.flatMap((e) => (e.kind === "state" ? [e] : []));
  let wa: ReturnType<typeof connector>;

  before(async () => {
    page = await startFakeWhatsappWeb();
    page.requireLogin();
    wa = connector();
    session = await wa.start(ctx(), async (e) => {
      if (e.kind === "message" && failNextStore) {
        failNextStore = false;
        throw new Error("database down");
      }
      events.push(e);
    });
  });
  after(async () => {
    await session.stop();
    await page.close();
  });

  test("needs login: the QR code is reported, and again when it is refreshed", async () => {
    await waitFor("a QR", () => states().some((s) => s.state === "needs-auth" && !!s.qr));
    const first = states().find((s) => s.qr)!.qr;
    const second = page.refreshQr();
    await waitFor("the new QR", () => states().some((s) => s.qr === second));
    assert.notEqual(first, second);
    assert.equal((await wa.send(ctx(), { to: "+6281234567890", text: "x" })).status, "failed", "nothing is sent before login");
  });

  test("after login, messages that arrived before are fetched (unread) and new ones come as events; chats are marked seen", async () => {
    page.receive({ from: "+6281234567890", body: "Pesan saat belum login", notifyName: "Siti" });
    page.login();
    await waitFor("connected", () => states().some((s) => s.state === "connected"));
    await waitFor("the unread message", () => messages().some((m) => m.text === "Pesan saat belum login"));
    page.receive({ from: "+6281234567890", media: { mimeType: "image/jpeg", data: Buffer.from("jpeg").toString("base64") }, body: "Fotonya" });
    await waitFor("the photo", () => messages().some((m) => m.text === "Fotonya"));
    await waitFor("seen", () => page.unread().length === 0);
    const photo = messages().find((m) => m.text === "Fotonya")!;
    const fetched = await wa.fetchAttachment(ctx(), photo.attachments[0]!.ref);
    assert.equal(fetched.status, "fetched");
    assert.equal((fetched as { content: Buffer }).content.toString(), "jpeg");
  });

  test("text goes out, spaced by minSendIntervalMs (rate shaping)", async () => {
    const [a, b] = await Promise.all([wa.send(ctx(), { to: "+6281234567890", text: "Satu" }), wa.send(ctx(), { to: "+6281234567890", text: "Dua" })]);
    assert.deepEqual([a.status, b.status], ["sent", "sent"]);
    const [x, y] = page.sent.slice(-2);
    assert.deepEqual([x!.chatId, x!.text, y!.text], ["6281234567890@c.us", "Satu", "Dua"]);
    assert.ok(y!.at - x!.at >= 280, `sends ${y!.at - x!.at} ms apart`);
  });

  test("a message the sink could not store stays unread and is taken after the reconnect that follows a disconnect", async () => {
    failNextStore = true;
    page.receive({ from: "+6281299990000", body: "Jangan sampai hilang" });
    await waitFor("the failed attempt", () => !failNextStore);
    assert.equal(page.unread().length, 1, "left unread");
    const connectionsBefore = page.connections;
    page.disconnect("CONFLICT");
    await waitFor("disconnected state", () => states().some((s) => s.state === "disconnected" && /CONFLICT/.test(s.detail ?? "")));
    await waitFor("reconnect", () => page.connections > connectionsBefore, 4_000);
    await waitFor("the message after reconnect", () => messages().some((m) => m.text === "Jangan sampai hilang"), 4_000);
    await waitFor("seen", () => page.unread().length === 0);
  });
});
