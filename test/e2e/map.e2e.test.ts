import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import supertest from "supertest";
import { metaSignature256, startFakeGraph, startFakeTelegram, type FakeGraph, type FakeTelegram } from "../../channels/testing/index.js";
import { toInbound } from "../../channels/whatsapp-web/whatsapp-web.connector.js";
import { testTargets } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";
import { pathOf } from "../support/channels.js";
import { inboundSink } from "../../server/ingest/inbound-sink.js";
import { ChannelAccount } from "../../server/entities/channel-account.entity.js";
import { Message, Ticket, TicketLocation } from "../../server/entities/index.js";

/**
 * Issue 16 (the map): every channel that can carry a point stores it on the ticket and in the
 * map's index — Telegram (a location before or after the text), WhatsApp Cloud and WhatsApp Web
 * locations, Open311 lat/long and the web form's optional point — and GET /api/map/points shows
 * them to the wall and the command center, never a rahasia ticket, an anonim one only coarsened.
 */
const TG = { token: "123456789:AAtest-token-for-the-fake-bot-api-0002", secret: "tg-secret-token-map-0123456789", bot: "AduanPetaBot" };
const META = { appSecret: "0a1b2c3d4e5f60718293a4b5c6d7e8f9", accessToken: "EAAGfake-graph-token-for-aduan-map-0001", verifyToken: "aduan-verify-token-map" };
const PHONE_ID = "106540352242977";
/** Palembang, Jakabaring, Lubuklinggau, Prabumulih, Sekayu: points in South Sumatra. */
const P = {
  tgAfter: [-2.9761, 104.7754],
  tgFirst: [-3.0211, 104.7872],
  waCloud: [-3.2945, 102.8614],
  waWeb: [-3.4346, 104.2353],
  open311: [-2.8996, 103.9041],
  web: [-2.9905, 104.7562],
  rahasia: [-3.0012, 104.7001],
  anonim: [-2.987654, 104.765432],
} as const;

for (const target of await testTargets()) {
  describe(`the map: coordinates from every channel, GET /api/map/points (${target.name})`, () => {
    let t: TestApp;
    let tg: FakeTelegram;
    let graph: FakeGraph;
    let admin: supertest.Agent, operator: supertest.Agent, supervisor: supertest.Agent, layar: supertest.Agent, headPU: supertest.Agent;
    let tgAccount: { id: number; webhookUrl: string };
    let waAccount: { id: number; webhookUrl: string };
    const http = () => supertest(t.app);
    const m = () => t.database.db.manager;
    let seq = 1;
    const tgUpdate = (userId: number, message: Record<string, unknown>) => ({
      update_id: seq++,
      message: { message_id: seq++, from: { id: userId, is_bot: false, first_name: "Rudi" }, chat: { id: userId, type: "private", first_name: "Rudi" }, date: 1_795_000_000, ...message },
    });
    const postTg = (update: unknown) => http().post(pathOf(tgAccount.webhookUrl)).set("content-type", "application/json").set("x-telegram-bot-api-secret-token", TG.secret).send(JSON.stringify(update));
    const waMessage = (from: string, message: Record<string, unknown>) => ({
      object: "whatsapp_business_account",
      entry: [
        {
          id: "102290129340398",
          changes: [
            {
              field: "messages",
              value: {
                messaging_product: "whatsapp",
                metadata: { display_phone_number: "6281100020009", phone_number_id: PHONE_ID },
                contacts: [{ profile: { name: "Rina Wulandari" }, wa_id: from }],
                messages: [{ from, id: `wamid.MAP${seq++}`, timestamp: String(Math.floor(t.clock.now().getTime() / 1000)), ...message }],
              },
            },
          ],
        },
      ],
    });
    const postWa = (body: unknown) => {
      const raw = JSON.stringify(body);
      return http().post(pathOf(waAccount.webhookUrl)).set("content-type", "application/json").set("x-hub-signature-256", metaSignature256(META.appSecret, raw)).send(raw);
    };
    /** The newest ticket a channel account's inbound message went to. */
    const lastTicketOf = async (accountId: number) => {
      const msg = await m().getRepository(Message).findOneOrFail({ where: { channelAccountId: accountId, direction: "inbound" }, order: { id: "DESC" } });
      return m().getRepository(Ticket).findOneByOrFail({ id: msg.ticketId });
    };
    /** The ticket's stored point and its row in the map's index agree with what was sent. */
    const assertPlaced = async (ticket: Ticket, [lat, lng]: readonly [number, number]) => {
      const fresh = await m().getRepository(Ticket).findOneByOrFail({ id: ticket.id });
      assert.equal(Number(fresh.latitude), lat, `ticket ${fresh.number} latitude`);
      assert.equal(Number(fresh.longitude), lng, `ticket ${fresh.number} longitude`);
      const row = await m().getRepository(TicketLocation).findOneByOrFail({ ticketId: ticket.id });
      assert.deepEqual([Number(row.latitude), Number(row.longitude)], [lat, lng]);
      assert.equal(row.receivedAt.getTime(), fresh.receivedAt.getTime());
      return fresh;
    };
    const formToken = async () => {
      const res = await http().get("/lapor");
      assert.equal(res.status, 200);
      return /name="_token" value="([^"]+)"/.exec(res.text)![1]!.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
    };
    const numbers: Record<string, string> = {};

    before(async () => {
      tg = await startFakeTelegram({ token: TG.token, botUsername: TG.bot });
      graph = await startFakeGraph({ accessToken: META.accessToken });
      t = await startTestApp(target);
      admin = await t.loginAs(DEMO.admin);
      operator = await t.loginAs(DEMO.operator);
      supervisor = await t.loginAs(DEMO.supervisor);
      layar = await t.loginAs("layar@demo.aduan.id");
      headPU = await t.loginAs(DEMO.headPU);
      // Telegram wants an HTTPS webhook (session cookies are Secure from here on: everyone logged in above).
      t.config.publicUrl = "https://aduan.test";
      tgAccount = (await admin.post("/api/channel-accounts").send({ connector: "telegram", name: "Bot peta", config: { botToken: TG.token, secretToken: TG.secret, botUsername: TG.bot, apiRoot: tg.apiRoot } }).expect(201)).body;
      waAccount = (await admin.post("/api/channel-accounts").send({ connector: "whatsapp-cloud", name: "WhatsApp peta", config: { phoneNumberId: PHONE_ID, ...META, graphApiBase: graph.baseUrl } }).expect(201)).body;
      await admin.post("/api/channel-accounts").send({ connector: "web", name: "Formulir web", config: { formSecret: "g".repeat(48) } }).expect(201);
    });
    after(async () => {
      await t?.close();
      await tg?.close();
      await graph?.close();
    });

    it("Telegram: a location sent after the complaint places its ticket; a location alone opens a placed ticket; a point out of range is not stored", async () => {
      assert.equal((await postTg(tgUpdate(7001, { text: "Jalan berlubang besar di depan pasar, mohon diperbaiki." }))).status, 200);
      const first = await lastTicketOf(tgAccount.id);
      assert.equal(first.latitude, null, "no point yet");
      assert.equal((await postTg(tgUpdate(7001, { location: { latitude: P.tgAfter[0], longitude: P.tgAfter[1] } }))).status, 200);
      const placed = await assertPlaced(first, P.tgAfter);
      assert.equal((await lastTicketOf(tgAccount.id)).id, placed.id, "the location joined the open ticket");
      numbers.tgAfter = placed.number;

      assert.equal((await postTg(tgUpdate(7002, { venue: { location: { latitude: P.tgFirst[0], longitude: P.tgFirst[1] }, title: "Jembatan Ampera", address: "Palembang" } }))).status, 200);
      const venue = await assertPlaced(await lastTicketOf(tgAccount.id), P.tgFirst);
      assert.equal(venue.locationText, "Palembang");
      numbers.tgFirst = venue.number;

      assert.equal((await postTg(tgUpdate(7003, { location: { latitude: 123.5, longitude: 104.7 } }))).status, 200);
      const wild = await lastTicketOf(tgAccount.id);
      assert.notEqual(wild.id, venue.id);
      assert.equal(wild.latitude, null, "latitude 123.5 is not a place");
      assert.equal(await m().getRepository(TicketLocation).countBy({ ticketId: wild.id }), 0);
    });

    it("WhatsApp Cloud: a location message places the ticket", async () => {
      const res = await postWa(waMessage("6281234567009", { type: "location", location: { latitude: P.waCloud[0], longitude: P.waCloud[1], name: "Pasar Lubuklinggau", address: "Jl. Yos Sudarso" } }));
      assert.equal(res.status, 200);
      numbers.waCloud = (await assertPlaced(await lastTicketOf(waAccount.id), P.waCloud)).number;
    });

    it("WhatsApp Web: a location from the page session places the ticket", async () => {
      const res = await admin.post("/api/channel-accounts").send({ connector: "whatsapp-web", name: "WhatsApp (Web) peta", config: { phoneNumber: "+6281100020010", minSendIntervalMs: 0 } });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      const account = await m().getRepository(ChannelAccount).findOneByOrFail({ id: res.body.id });
      const sink = inboundSink({ db: t.database.db, clock: t.clock, logger: t.deps.logger, config: t.config }, account);
      const base = { from: "6281234567010@c.us", fromMe: false, timestamp: Math.floor(t.clock.now().getTime() / 1000), hasMedia: false, notifyName: "Yanti" };
      await sink({ kind: "message", message: toInbound({ ...base, id: "wa-web-map-1", type: "chat", body: "Sampah menumpuk di tepi sungai sejak dua minggu." }) as never });
      const message = toInbound({ ...base, id: "wa-web-map-2", type: "location", body: "/9j/thumbnail", location: { latitude: P.waWeb[0], longitude: P.waWeb[1], description: "Tepi sungai" } });
      assert.ok(!("ignored" in message));
      await sink({ kind: "message", message });
      numbers.waWeb = (await assertPlaced(await lastTicketOf(account.id), P.waWeb)).number;
    });

    it("Open311: lat/long of a partner's request place the ticket", async () => {
      const key = (await admin.post("/api/open311-keys").send({ name: "Aplikasi peta" }).expect(201)).body.key as string;
      const res = await http()
        .post("/open311/v2/requests.json")
        .type("form")
        .send({ api_key: key, service_code: "jalan-jembatan", lat: String(P.open311[0]), long: String(P.open311[1]), description: "Jembatan kayu di desa retak dan miring.", email: "warga.peta@example.id" });
      assert.equal(res.status, 201, res.text);
      const number = res.body[0].service_request_id as string;
      numbers.open311 = (await assertPlaced(await m().getRepository(Ticket).findOneByOrFail({ number }), P.open311)).number;
    });

    it("/lapor: the optional point is stored (not copied into the complaint's text); a half or out-of-range point is refused with the form shown again", async () => {
      const token = await formToken();
      t.clock.advance(20_000);
      const form = (fields: Record<string, string>) => http().post("/lapor").type("form").send({ _token: token, website: "", uraian: "Lampu penerangan jalan padam di seluruh gang.", telepon: "0812 3456 7011", ...fields });
      const half = await form({ lintang: "-2.99" });
      assert.equal(half.status, 422);
      assert.match(half.text, /Koordinat tidak valid/);
      assert.match(half.text, /name="lintang" value="-2.99"/, "what the citizen typed stays");
      const far = await form({ lintang: "-2.99", bujur: "204.7" });
      assert.equal(far.status, 422);
      const ok = await form({ lintang: String(P.web[0]), bujur: String(P.web[1]).replace(".", ",") });
      assert.equal(ok.status, 201, ok.text);
      const number = /ADU-\d{4}-\d{5,}/.exec(ok.text)![0];
      const ticket = await assertPlaced(await m().getRepository(Ticket).findOneByOrFail({ number }), P.web);
      assert.ok(!ticket.description.includes("Lokasi:"), "the point is not added to the text that may become public");
      numbers.web = number;
    });

    it("GET /api/map/points: the wall roles and operators see every placed ticket (no text), no rahasia ticket, an anonim one coarsened; OPD users are refused", async () => {
      // A rahasia and an anonim complaint by phone (console), placed through the same command as the channels.
      const rahasia = (await operator.post("/api/tickets").send({ description: "Laporan rahasia tentang pungutan liar di kantor kelurahan.", privacy: "rahasia" }).expect(201)).body;
      const anonim = (await operator.post("/api/tickets").send({ description: "Laporan anonim tentang saluran air tersumbat di gang.", privacy: "anonim" }).expect(201)).body;
      const { setTicketLocation } = await import("../../server/commands/set-ticket-location.js");
      await t.database.db.tx(async (mm) => {
        await setTicketLocation(mm, await mm.getRepository(Ticket).findOneByOrFail({ id: rahasia.id }), { latitude: P.rahasia[0], longitude: P.rahasia[1] });
        await setTicketLocation(mm, await mm.getRepository(Ticket).findOneByOrFail({ id: anonim.id }), { latitude: P.anonim[0], longitude: P.anonim[1] });
      });
      for (const agent of [operator, admin, supervisor, layar]) {
        const res = await agent.get("/api/map/points");
        assert.equal(res.status, 200, JSON.stringify(res.body));
        const points = res.body.points as { ticketId: number; number: string; status: string; lat: number; lng: number; categoryName: string | null; receivedAt: string; approximate: boolean }[];
        const byNumber = new Map(points.map((p) => [p.number, p]));
        for (const [k, number] of Object.entries(numbers)) {
          const p = byNumber.get(number);
          assert.ok(p, `${k} (${number}) on the map`);
          assert.deepEqual([p.lat, p.lng], [...P[k as keyof typeof P]]);
          assert.equal(p.status, "received");
          assert.ok(!Number.isNaN(Date.parse(p.receivedAt)));
        }
        assert.ok(!points.some((p) => p.ticketId === rahasia.id), "no rahasia ticket on the map");
        const a = points.find((p) => p.ticketId === anonim.id);
        assert.ok(a, "the anonim ticket is on the map");
        assert.deepEqual([a.lat, a.lng, a.approximate], [-2.99, 104.77, true], "an anonim point coarsened to 0.01°");
        for (const p of points) assert.deepEqual(Object.keys(p).sort(), ["approximate", "categoryName", "lat", "lng", "number", "receivedAt", "status", "ticketId"], "nothing but the point's fields");
        const newestFirst = points.map((p) => Date.parse(p.receivedAt));
        assert.deepEqual(newestFirst, [...newestFirst].sort((x, y) => y - x));
      }
      assert.equal((await headPU.get("/api/map/points")).status, 403);
      assert.equal((await http().get("/api/map/points")).status, 401);
      // Bounded: a limit, and a window in days.
      assert.equal((await operator.get("/api/map/points?limit=2")).body.points.length, 2);
      assert.equal((await operator.get("/api/map/points?limit=5000")).status, 400);
      assert.equal((await operator.get("/api/map/points?days=91")).status, 400);
      // The window (the sessions above would expire if the app's clock jumped a month: the query itself).
      const { mapPoints } = await import("../../server/queries/map.js");
      const viewer = { id: 1, email: DEMO.supervisor, name: "s", role: "supervisor" as const, agencyId: null };
      const now = t.clock.now().getTime();
      assert.ok((await mapPoints(m(), viewer, { since: new Date(now - 86_400_000) })).length >= Object.keys(numbers).length);
      assert.equal((await mapPoints(m(), viewer, { since: new Date(now + 60_000) })).length, 0, "nothing received after the window's start");
    });

    it("the basemap and Leaflet are served from our origin; the tile server is off unless configured", async () => {
      const base = await http().get("/publik/peta/provinsi.json");
      assert.equal(base.status, 200);
      const geo = JSON.parse(base.text) as { type: string; features: { properties: { name: string }; geometry: { type: string; coordinates: number[][][][] } }[] };
      assert.equal(geo.type, "FeatureCollection");
      assert.ok(geo.features.length >= 30, `${geo.features.length} provinces`);
      assert.ok(geo.features.some((f) => f.properties.name === "Sumatera Selatan"));
      assert.ok(base.text.length < 300_000, `the simplified basemap is ${base.text.length} bytes`);
      assert.match(base.headers["content-security-policy"], /default-src 'none'/);
      const config = await http().get("/publik/peta/config.json");
      assert.deepEqual(config.body.tileUrl, null);
      const leaflet = await http().get("/publik/peta/leaflet.js");
      assert.equal(leaflet.status, 200);
      assert.match(leaflet.headers["content-type"], /javascript/);
      assert.equal((await http().get("/publik/peta/images/../../../package.json")).status, 404);
      // /lapor: script from our origin only, geolocation for this origin, no inline script.
      const lapor = await http().get("/lapor");
      const csp = lapor.headers["content-security-policy"] as string;
      assert.match(csp, /script-src 'self'/);
      assert.ok(!/unsafe-inline|unsafe-eval|https?:/.test(csp), csp);
      assert.match(lapor.headers["permissions-policy"], /geolocation=\(self\)/);
      const scripts = [...lapor.text.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
      assert.deepEqual(scripts.map((s) => [s[1]!.trim(), s[2]]), [['src="/publik/peta/lapor.js" defer', ""]]);
      assert.equal((await http().get("/publik/peta/lapor.js")).status, 200);
    });
  });
}

describe("MAP_TILE_URL", () => {
  it("is validated, and its origin alone is added to the console's and /lapor's img-src", async () => {
    const { loadConfig } = await import("../../server/config/env.js");
    const base = { NODE_ENV: "test", SESSION_SECRET: "test-session-secret-that-is-long-enough-0123456789", ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64") };
    assert.throws(() => loadConfig({ ...base, MAP_TILE_URL: "https://tiles.example.go.id/tiles.png" }), /\{z\}/);
    assert.throws(() => loadConfig({ ...base, MAP_TILE_URL: "javascript:alert(1)/{z}/{x}/{y}" }));
    const config = loadConfig({ ...base, MAP_TILE_URL: "https://peta.example.go.id/tiles/{z}/{x}/{y}.png", MAP_TILE_ATTRIBUTION: "© OpenStreetMap" });
    assert.deepEqual(config.mapTiles, { url: "https://peta.example.go.id/tiles/{z}/{x}/{y}.png", origin: "https://peta.example.go.id", attribution: "© OpenStreetMap" });
    const { mapPageHeaders } = await import("../../server/http/public/map-assets.js");
    const headers: Record<string, string> = {};
    mapPageHeaders({ config })({} as never, { setHeader: (k: string, v: string) => (headers[k] = v) } as never, () => undefined);
    assert.match(headers["Content-Security-Policy"]!, /img-src 'self' data: https:\/\/peta\.example\.go\.id;/);
  });
});
