import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { classifyAddress, fieldRule, maskStaffText, type ReporterIdentifiers } from "./staff-mask.js";

const reporter = (): ReporterIdentifiers => {
  const ids: ReporterIdentifiers = { names: ["Siti Rahayu Lestari"], phones: [], emails: [], handles: [] };
  for (const a of ["+6281234567890", "siti.rahayu@example.com", "sitirahayu88", "@SitiBdg"]) classifyAddress(a, ids);
  return ids;
};

describe("staff-side field rule", () => {
  it("the command center sees every level as typed; an OPD publik only; admins nothing", () => {
    for (const p of ["publik", "anonim", "rahasia"] as const) {
      assert.equal(fieldRule("operator", p), "full");
      assert.equal(fieldRule("supervisor", p), "full");
      assert.equal(fieldRule("admin", p), "none");
    }
    assert.equal(fieldRule("opd_head", "publik"), "full");
    assert.equal(fieldRule("opd_staff", "anonim"), "masked");
    assert.equal(fieldRule("opd_head", "rahasia"), "masked");
  });

  it("masks the reporter's own phone in spellings the generic patterns may miss, their e-mail in any case, and their handles", () => {
    const ids = reporter();
    assert.deepEqual(ids.phones, ["+6281234567890"]);
    assert.deepEqual(ids.emails, ["siti.rahayu@example.com"]);
    assert.deepEqual(ids.handles, ["sitirahayu88", "SitiBdg"]);
    for (const spelling of ["0812.3456.7890", "(0812) 3456-7890", "+62 (812) 3456 7890", "0 8 1 2 3 4 5 6 7 8 9 0", "62-812-3456-7890"]) {
      const out = maskStaffText(`hubungi ${spelling} ya`, ids);
      assert.equal(out, "hubungi [nomor telepon disamarkan] ya", spelling);
    }
    assert.equal(maskStaffText("kirim ke SITI.RAHAYU@EXAMPLE.COM", ids), "kirim ke [email disamarkan]");
    assert.equal(maskStaffText("akun @sitibdg dan sitirahayu88", ids), "akun [nama disamarkan] dan [nama disamarkan]");
    assert.equal(maskStaffText("Saya Siti Rahayu Lestari, NIK 3201-2345-6789-0001", ids), "Saya [nama disamarkan], NIK [NIK disamarkan]");
  });

  it("leaves other numbers and words alone", () => {
    const ids = reporter();
    assert.equal(maskStaffText("Jalan rusak 20 meter di RT 03/RW 05 sejak 12 Maret 2026", ids), "Jalan rusak 20 meter di RT 03/RW 05 sejak 12 Maret 2026");
    assert.equal(maskStaffText("hubungi juga petugas di 081399998888", ids), "hubungi juga petugas di [nomor telepon disamarkan]", "other phones: the generic patterns");
  });
});
