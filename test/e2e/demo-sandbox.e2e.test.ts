// test-runner: alone (it measures that the acknowledgement reaches the phone within 2 s)
// The demo's provider sandbox with a real server started as `npm start` starts it: every
// connector of the registry can be simulated, the citizen gets the acknowledgement (ticket number
// and a working tracking link) on the citizen's phone page within 2 seconds, the console sees the
// message delivered, and nothing tries to reach a provider host (or any non-loopback address).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { connectors } from "../../channels/registry.js";
import { apiAs, simulate, startServer, type RunningServer } from "../support/demo-server.js";

type Feed = { channels: { channel: string; address: string; entries: { id: number; direction: string; text: string; status?: string }[] }[] };

describe("demo sandbox (embedded demo, npm start)", () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server?.stop();
  });

  it("says at start-up that the sandbox is on and where the citizen's phone is", () => {
    assert.match(server.output(), /Demo sandbox ON/);
    assert.match(server.output(), new RegExp(`${server.base}/demo/warga`));
  });

  it("SMS through /demo/warga: a ticket, the acknowledgement on the phone within 2 s, a working tracking link, delivered in the console", async () => {
    const citizen = "081234567890";
    const sentAt = Date.now();
    const res = await fetch(`${server.base}/demo/warga/kirim`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ c: citizen, connector: "twilio-sms", text: "Jalan berlubang di depan Pasar Baru, mohon segera diperbaiki." }),
    });
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { ok: boolean }).ok, true);

    let ack: { text: string; status?: string } | undefined;
    while (!ack && Date.now() - sentAt < 2000) {
      const feed = (await (await fetch(`${server.base}/demo/warga/feed.json?c=${citizen}`)).json()) as Feed;
      ack = feed.channels.find((c) => c.channel === "sms")?.entries.find((e) => e.direction === "in");
      if (!ack) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(ack, "the acknowledgement reached the citizen's phone within 2 seconds");
    const number = /ADU-\d{4}-\d{5,}/.exec(ack.text)?.[0];
    const link = /https?:\/\/\S+\/lacak\/\S+/.exec(ack.text)?.[0];
    assert.ok(number && link, `ticket number and tracking link in: ${ack.text}`);

    // The tracking link opens the ticket's status page (an access cookie, then the page, as in a browser).
    const opened = await fetch(link, { redirect: "manual" });
    assert.equal(opened.status, 303, await opened.text());
    const cookie = opened.headers.get("set-cookie")!.split(";")[0]!;
    const tracking = await fetch(new URL(opened.headers.get("location")!, link), { headers: { cookie } });
    assert.equal(tracking.status, 200);
    assert.match(await tracking.text(), new RegExp(number));

    // The console: the acknowledgement reaches "delivered" through Twilio's status callbacks.
    const api = await apiAs(server.base, "operator@demo.aduan.id");
    const [ticket] = await api<{ id: number; number: string }[]>(`/tickets?filter=${encodeURIComponent(JSON.stringify({ q: number }))}`);
    assert.equal(ticket?.number, number);
    let status = "";
    for (let i = 0; i < 40 && status !== "delivered"; i++) {
      const msgs = await api<{ direction: string; deliveryStatus: string | null }[]>(`/messages?filter=${encodeURIComponent(JSON.stringify({ ticketId: ticket!.id }))}`);
      status = msgs.find((m) => m.direction === "outbound")?.deliveryStatus ?? "";
      if (status !== "delivered") await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(status, "delivered");
  });

  it("npm run simulate -- sms 081234567890 \"…\" creates a ticket and prints the acknowledgement with its tracking link", async () => {
    const r = await simulate(server, ["sms", "081234567891", "Sampah menumpuk di TPS Jl. Kenanga"]);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /accepted by the server/);
    assert.match(r.out, /the citizen received on sms \(diterima\/delivered\)/);
    assert.match(r.out, /ADU-\d{4}-\d{5,}.*\/lacak\/ADU-/s);
  });

  // Every connector of the registry: a new one without simulator support fails here.
  for (const connector of connectors) {
    it(`npm run simulate -- ${connector.id}: a new citizen gets the acknowledgement`, async () => {
      const citizen = connector.id === "email" || connector.id === "web" ? `warga.${connector.id}@example.id` : ["twilio-sms", "twilio-voice", "whatsapp-cloud", "whatsapp-web"].includes(connector.id) ? `08129${String(connectors.indexOf(connector)).padStart(7, "0")}` : `@warga_${connector.id.replace(/\W/g, "")}`;
      const r = await simulate(server, [connector.id, citizen, `Aduan lewat ${connector.id}: lampu jalan mati`, "--wait", "8"]);
      assert.equal(r.code, 0, r.out);
      assert.match(r.out, /the citizen received on \w+/, r.out);
      assert.match(r.out, /ADU-\d{4}-\d{5,}/, r.out);
      assert.match(r.out, /\/lacak\/ADU-\d{4}-\d{5,}\?k=/, r.out);
    });
  }

  it("the front door links the citizen's phone, since the sandbox is on", async () => {
    const home = await (await fetch(`${server.base}/`)).text();
    assert.match(home, /href="\/demo\/warga"/);
  });

  it("/demo/warga answers in Indonesian, and in English with ?lang=en", async () => {
    const id = await (await fetch(`${server.base}/demo/warga?c=081234567890`)).text();
    assert.match(id, /Ponsel warga/);
    assert.match(id, /Kirim SMS/);
    const en = await (await fetch(`${server.base}/demo/warga?c=081234567890&lang=en`)).text();
    assert.match(en, /Citizen's phone/);
    assert.match(en, /Send SMS/);
  });

  it("nothing tried to reach a provider host or any other non-loopback address", () => {
    assert.deepEqual(server.egress(), []);
    assert.doesNotMatch(server.output(), /ENOTFOUND|EAI_AGAIN|api\.twilio\.com|graph\.facebook\.com|api\.telegram\.org|api\.x\.com/);
  });
});
