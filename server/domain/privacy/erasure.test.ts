import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { compileIdentifiers, eraseJson, eraseText, nationalDigits } from "./erasure.js";

const subject = compileIdentifiers({
  names: ["Sulastri Wiryawan", "Las"],
  phones: ["+6281377001122"],
  numbers: ["3273014506880007", "700112233"],
  literals: ["sulastri.wiryawan@contohmail.id", "@lastri_w"],
});

describe("erasure masker", () => {
  it("reads a phone number on its national digits", () => {
    assert.equal(nationalDigits("+62 813-7700-1122"), "81377001122");
    assert.equal(nationalDigits("081377001122"), "81377001122");
    assert.equal(nationalDigits("6281377001122"), "81377001122");
  });

  it("removes the citizen's identifiers in any spelling and keeps the rest of the text", () => {
    const text =
      "Saya SULASTRI WIRYAWAN (NIK 3273.0145.0688.0007), hp 0813 7700 1122 / +62-813-7700-1122, e-mail Sulastri.Wiryawan@ContohMail.id, telegram 700112233, IG @lastri_w. Lampu jalan mati di Gang Mawar RT 03.";
    const out = eraseText(text, subject);
    for (const gone of [/sulastri/i, /wiryawan/i, /3273/, /7700/, /1122/, /700112233/, /lastri_w/i, /contohmail/i]) assert.doesNotMatch(out, gone);
    assert.match(out, /Lampu jalan mati di Gang Mawar RT 03\./);
    assert.match(out, /\[nama disamarkan\]/);
    assert.match(out, /\[NIK disamarkan\]/);
  });

  it("leaves another citizen's similar number alone where no generic pattern applies", () => {
    assert.equal(eraseText("kode 700112244", subject), "kode 700112244");
    assert.equal(eraseText("kode 700112233", subject), "kode [identitas disamarkan]");
  });

  it("erases every string of a JSON payload but digests under texts", () => {
    const json = JSON.stringify({ name: "Sulastri Wiryawan", phone: "+6281377001122", texts: { "tickets#1.subject": "a".repeat(64) }, n: 5 });
    const out = JSON.parse(eraseJson(json, subject)!);
    assert.equal(out.name, "[nama disamarkan]");
    assert.doesNotMatch(out.phone, /1122/);
    assert.equal(out.texts["tickets#1.subject"], "a".repeat(64));
    assert.equal(out.n, 5);
    assert.equal(eraseJson(null, subject), null);
  });

  it("is idempotent", () => {
    const once = eraseText("Sulastri Wiryawan 081377001122", subject);
    assert.equal(eraseText(once, subject), once);
  });
});
