import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { readDataRef, type InboundMessage, type WebhookOutcome } from "../connector.js";
import { flipOneByte, testContext, webFormRequest } from "../testing/index.js";
import {
  WEB_FORM_FIELDS as F,
  checkWebFormToken,
  issueWebFormToken,
  parseMultipart,
  webConfigSchema,
  webConnector as web,
  type WebConfig,
} from "./web.connector.js";

const config: WebConfig = webConfigSchema.parse({ formSecret: "k3y-for-signing-web-form-tokens-0123456789" });
const ISSUED = new Date("2026-11-04T02:00:00Z");
const SUBMITTED = new Date("2026-11-04T02:03:10Z");
const ctx = (now = SUBMITTED, over: Partial<WebConfig> = {}) => testContext<WebConfig>({ ...config, ...over }, { now: () => now });
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from("JFIF"), Buffer.alloc(200, 7), Buffer.from([0xff, 0xd9])]);
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(50, 1)]);

const fields = {
  [F.category]: "jalan-jembatan",
  [F.description]: "Jembatan gantung di Desa Muara Kuang rusak, papan lantainya lepas. Anak sekolah terpaksa memutar 5 km.",
  [F.location]: "Desa Muara Kuang, Ogan Ilir",
  [F.privacy]: "rahasia",
  [F.name]: "Ahmad Rifai",
  [F.phone]: "0812-3456-7890",
  [F.email]: "",
  [F.honeypot]: "",
};

function message(o: WebhookOutcome): InboundMessage {
  assert.equal(o.kind, "events", JSON.stringify(o));
  const e = o as Extract<WebhookOutcome, { kind: "events" }>;
  assert.equal(e.messages.length, 1);
  return e.messages[0]!;
}
const ignoredReason = (o: WebhookOutcome) => {
  assert.equal(o.kind, "ignored", JSON.stringify(o));
  return (o as { reason: string }).reason;
};

describe("web form verify (signed form token)", () => {
  test("a token we issued is accepted; one changed byte of the body (in the token) is rejected", () => {
    const token = issueWebFormToken(config, ISSUED);
    const req = webFormRequest({ token, fields });
    assert.equal(web.verify(ctx(), req), true);
    const at = req.rawBody.indexOf(Buffer.from(encodeURIComponent(token).slice(-10)));
    assert.ok(at > 0);
    assert.equal(web.verify(ctx(), { ...req, rawBody: flipOneByte(req.rawBody, at + 3) }), false);
  });

  test("also for multipart bodies with photos", () => {
    const token = issueWebFormToken(config, ISSUED);
    const req = webFormRequest({ token, fields, files: [{ fileName: "jembatan.jpg", mimeType: "image/jpeg", content: JPEG }] });
    assert.equal(web.verify(ctx(), req), true);
    const at = req.rawBody.indexOf(Buffer.from(token)) + 20;
    assert.equal(web.verify(ctx(), { ...req, rawBody: flipOneByte(req.rawBody, at) }), false);
  });

  test("rejects a missing token, another site's key, an expired token, GET", () => {
    const token = issueWebFormToken(config, ISSUED);
    assert.equal(web.verify(ctx(), webFormRequest({ token: "", fields })), false);
    assert.equal(web.verify(ctx(SUBMITTED, { formSecret: "x".repeat(40) }), webFormRequest({ token, fields })), false);
    assert.equal(web.verify(ctx(new Date(ISSUED.getTime() + 25 * 3600_000)), webFormRequest({ token, fields })), false);
    assert.equal(web.verify(ctx(), { ...webFormRequest({ token, fields }), method: "GET" }), false);
    assert.deepEqual(checkWebFormToken(config, token, new Date(ISSUED.getTime() - 3600_000)), { ok: false, reason: "form token from the future" });
  });
});

describe("web form parse", () => {
  test("fields -> normalized message: E.164 phone, privacy, category, location text", () => {
    const token = issueWebFormToken(config, ISSUED);
    const m = message(web.parse(ctx(), webFormRequest({ token, fields })));
    const nonce = token.split(".")[1];
    assert.deepEqual({ ...m, raw: undefined }, {
      channelKind: "web",
      externalId: `web:${nonce}`,
      externalThreadId: `web:${nonce}`,
      sender: { externalId: "+6281234567890", displayName: "Ahmad Rifai", phone: "+6281234567890" },
      sentAt: SUBMITTED,
      text: fields[F.description],
      form: { category: "jalan-jembatan", privacy: "rahasia", locationText: "Desa Muara Kuang, Ogan Ilir" },
      attachments: [],
      raw: undefined,
    });
    assert.equal(JSON.stringify(m.raw).includes(token), false, "the token is not kept");
  });

  test("the same form posted twice is the same message (idempotent externalId)", () => {
    const token = issueWebFormToken(config, ISSUED);
    const a = message(web.parse(ctx(), webFormRequest({ token, fields })));
    const b = message(web.parse(ctx(new Date(SUBMITTED.getTime() + 5000)), webFormRequest({ token, fields })));
    assert.equal(a.externalId, b.externalId);
    assert.notEqual(message(web.parse(ctx(), webFormRequest({ token: issueWebFormToken(config, ISSUED), fields }))).externalId, a.externalId);
  });

  test("e-mail only contact, default privacy publik", () => {
    const m = message(web.parse(ctx(), webFormRequest({ token: issueWebFormToken(config, ISSUED), fields: { ...fields, [F.phone]: "", [F.email]: "Warga@Example.CO.ID", [F.privacy]: "" } })));
    assert.deepEqual(m.sender, { externalId: "warga@example.co.id", displayName: "Ahmad Rifai", email: "warga@example.co.id" });
    assert.equal(m.form?.privacy, "publik");
  });

  test("photos: sniffed type, data: refs, count/size/type limits", () => {
    const token = issueWebFormToken(config, ISSUED);
    const m = message(
      web.parse(ctx(), webFormRequest({ token, fields, files: [
        { fileName: "jembatan.jpg", mimeType: "image/jpeg", content: JPEG },
        { fileName: "screenshot.png", mimeType: "application/octet-stream", content: PNG },
      ] })),
    );
    assert.deepEqual(m.attachments.map((a) => [a.kind, a.mimeType, a.fileName, a.sizeBytes]), [
      ["image", "image/jpeg", "jembatan.jpg", JPEG.length],
      ["image", "image/png", "screenshot.png", PNG.length],
    ]);
    assert.deepEqual(readDataRef(m.attachments[0]!.ref)?.content, JPEG);

    const notImage = web.parse(ctx(), webFormRequest({ token, fields, files: [{ fileName: "virus.jpg", mimeType: "image/jpeg", content: Buffer.from("MZ\x90\x00 not a jpeg") }] }));
    assert.match(ignoredReason(notImage), /^invalid: photos: .*bukan foto/);
    const tooBig = web.parse(ctx(SUBMITTED, { maxPhotoBytes: 100 }), webFormRequest({ token, fields, files: [{ fileName: "besar.jpg", mimeType: "image/jpeg", content: JPEG }] }));
    assert.match(ignoredReason(tooBig), /terlalu besar/);
    const tooMany = web.parse(ctx(), webFormRequest({ token, fields, files: Array.from({ length: 4 }, (_, i) => ({ fileName: `${i}.jpg`, mimeType: "image/jpeg", content: JPEG })) }));
    assert.match(ignoredReason(tooMany), /Paling banyak 3 foto/);
  });

  test("an empty file input (no photo chosen) is not an attachment", () => {
    const token = issueWebFormToken(config, ISSUED);
    const m = message(web.parse(ctx(), webFormRequest({ token, fields, files: [{ fileName: "", mimeType: "application/octet-stream", content: Buffer.alloc(0) }] })));
    assert.deepEqual(m.attachments, []);
  });

  test("field errors in Bahasa Indonesia", () => {
    const token = issueWebFormToken(config, ISSUED);
    const reason = ignoredReason(web.parse(ctx(), webFormRequest({ token, fields: { [F.description]: "rusak", [F.phone]: "12", [F.privacy]: "bebas" } })));
    assert.match(reason, /description: Uraian aduan wajib diisi/);
    assert.match(reason, /phone: Nomor telepon tidak valid/);
    assert.match(reason, /privacy: Pilihan kerahasiaan tidak dikenal/);
    const noContact = ignoredReason(web.parse(ctx(), webFormRequest({ token, fields: { ...fields, [F.phone]: "", [F.email]: "" } })));
    assert.match(noContact, /Isi nomor telepon atau alamat e-mail/);
  });

  test("spam: honeypot filled, or sent faster than the minimum fill time", () => {
    const token = issueWebFormToken(config, ISSUED);
    assert.match(ignoredReason(web.parse(ctx(), webFormRequest({ token, fields: { ...fields, [F.honeypot]: "http://spam.example" } }))), /^spam: honeypot/);
    assert.match(ignoredReason(web.parse(ctx(new Date(ISSUED.getTime() + 1200)), webFormRequest({ token, fields }))), /^spam: form filled in 1\.2 s/);
  });

  test("malformed bodies and invalid UTF-8 are ignored, not thrown", () => {
    const token = issueWebFormToken(config, ISSUED);
    const good = webFormRequest({ token, fields });
    const cases = [
      { ...good, rawBody: Buffer.concat([good.rawBody, Buffer.from("&uraian=%FF%FE")]) },
      { ...good, headers: { "content-type": "application/json" } },
      { ...good, headers: { "content-type": "multipart/form-data; boundary=zzz" } },
      { ...good, headers: { "content-type": "multipart/form-data" } },
    ];
    for (const req of cases) assert.match(ignoredReason(web.parse(ctx(), req)), /^invalid: /);
    assert.equal(web.verify(ctx(), cases[1]!), false);
  });

  test("multipart: RFC 5987 file names, quoted names, first value of a repeated field wins", () => {
    const b = "XyZ";
    const body = Buffer.from(
      `--${b}\r\nContent-Disposition: form-data; name="a"\r\n\r\nsatu\r\n` +
        `--${b}\r\nContent-Disposition: form-data; name="a"\r\n\r\ndua\r\n` +
        `--${b}\r\nContent-Disposition: form-data; name="foto"; filename="x.jpg"; filename*=UTF-8''jalan%20rusak%C3%A9.jpg\r\nContent-Type: image/jpeg\r\n\r\nABC\r\n` +
        `--${b}--\r\n`,
    );
    const parsed = parseMultipart(body, b);
    assert.deepEqual(parsed.fields, { a: "satu" });
    assert.equal(parsed.files[0]?.fileName, "jalan rusaké.jpg");
    assert.equal(parsed.files[0]?.content.toString(), "ABC");
  });

  test("send is a permanent failure: web reporters are notified by phone or e-mail", async () => {
    const res = await web.send(ctx(), { to: "x", text: "y" });
    assert.equal(res.status === "failed" && res.retryable, false);
  });
});
