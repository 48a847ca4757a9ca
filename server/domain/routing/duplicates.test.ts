import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { clusterDuplicates, type DuplicateCandidate, duplicateScore, suggestDuplicates } from "./duplicates.js";

const t0 = new Date("2026-11-02T01:00:00Z");
const hoursLater = (h: number) => new Date(t0.getTime() + h * 3_600_000);

const target: DuplicateCandidate = {
  id: 100,
  contactId: 10,
  categoryId: 3,
  subject: "Jalan berlubang di Jl. Merdeka",
  description: "Jalan di depan SDN 3 Merdeka berlubang besar, sudah dua motor jatuh minggu ini. Mohon segera diperbaiki.",
  receivedAt: t0,
  locationText: "Jl. Merdeka depan SDN 3, Kel. Sukajadi",
};

const sameCitizenFollowUp: DuplicateCandidate = {
  id: 101,
  contactId: 10,
  categoryId: 3,
  subject: "Re: jalan berlubang",
  description: "Pak, jalan berlubang di depan SDN 3 belum diperbaiki juga, kemarin ada motor jatuh lagi",
  receivedAt: hoursLater(50),
};
const otherCitizenSamePothole: DuplicateCandidate = {
  id: 102,
  contactId: 11,
  categoryId: 3,
  subject: "Lubang besar jalan Merdeka",
  description: "ada lubang besar di jalan merdeka dekat SD 3, bahaya buat pengendara motor",
  receivedAt: hoursLater(20),
  locationText: "Jalan Merdeka, Sukajadi",
};
const unrelatedSameDay: DuplicateCandidate = {
  id: 103,
  contactId: 12,
  categoryId: 5,
  subject: "Sampah menumpuk",
  description: "Sampah di TPS Pasar Baru menumpuk seminggu tidak diangkut, baunya sampai ke rumah warga",
  receivedAt: hoursLater(5),
  locationText: "Pasar Baru",
};
const sameCitizenOtherTopic: DuplicateCandidate = {
  id: 104,
  contactId: 10,
  categoryId: 7,
  subject: "KTP belum jadi",
  description: "Sudah tiga bulan KTP elektronik saya belum jadi, katanya blangko habis",
  receivedAt: hoursLater(2),
};
const sameCitizenSameCategoryOtherTopic: DuplicateCandidate = {
  id: 105,
  contactId: 10,
  categoryId: 3,
  subject: "Trotoar rusak",
  description: "Trotoar di alun-alun rusak, banyak keramik lepas",
  receivedAt: hoursLater(3),
};
const similarButOldAndElsewhere: DuplicateCandidate = {
  id: 106,
  contactId: 13,
  categoryId: 3,
  subject: "Jalan rusak",
  description: "Jalan provinsi di Cibodas rusak parah dan berlubang",
  receivedAt: hoursLater(24 * 30),
  locationText: "Cibodas km 12",
};
const sameReportViaEmail: DuplicateCandidate = {
  id: 107,
  contactId: 14,
  categoryId: null,
  subject: "Laporan jalan berlubang depan SDN 3 Merdeka",
  description:
    "Dengan hormat, kami sampaikan bahwa jalan di depan SDN 3 Merdeka, Kelurahan Sukajadi, berlubang cukup besar sehingga membahayakan pengendara motor. Mohon perbaikan.",
  receivedAt: hoursLater(30),
  locationText: "Jl. Merdeka, Sukajadi",
};

const ALL = [
  sameCitizenFollowUp,
  otherCitizenSamePothole,
  unrelatedSameDay,
  sameCitizenOtherTopic,
  sameCitizenSameCategoryOtherTopic,
  similarButOldAndElsewhere,
  sameReportViaEmail,
];

describe("duplicateScore", () => {
  it("is high for the same citizen writing again about the same thing", () => {
    const s = duplicateScore(target, sameCitizenFollowUp);
    assert.ok(s.score >= 0.6, JSON.stringify(s));
    assert.deepEqual(s.reasons, ["same_citizen", "similar_text", "same_category", "close_in_time"]);
  });

  it("finds another citizen reporting the same pothole", () => {
    const s = duplicateScore(target, otherCitizenSamePothole);
    assert.ok(s.score >= 0.45, JSON.stringify(s));
    assert.deepEqual(s.reasons, ["similar_text", "same_category", "close_in_time", "same_location"]);
  });

  it("is low for an unrelated complaint on the same day", () => {
    const s = duplicateScore(target, unrelatedSameDay);
    assert.ok(s.score < 0.2, JSON.stringify(s));
    assert.deepEqual(s.reasons, ["close_in_time"]);
  });

  it("does not let the same citizen alone make a duplicate", () => {
    assert.ok(duplicateScore(target, sameCitizenOtherTopic).score < 0.3);
    assert.ok(duplicateScore(target, sameCitizenSameCategoryOtherTopic).score < 0.35);
  });

  it("is symmetric and bounded", () => {
    for (const c of ALL) {
      const ab = duplicateScore(target, c);
      const ba = duplicateScore(c, target);
      assert.equal(ab.score, ba.score);
      assert.deepEqual(ab.reasons, ba.reasons);
      assert.ok(ab.score >= 0 && ab.score <= 1);
    }
  });

  it("scores an identical ticket near the top", () => {
    const s = duplicateScore(target, { ...target, id: 999 });
    assert.ok(s.score >= 0.95, JSON.stringify(s));
    assert.equal(s.signals.text, 1);
  });

  it("accepts ISO strings and tolerates missing text", () => {
    const s = duplicateScore(
      { id: "a", receivedAt: "2026-11-02T01:00:00Z" },
      { id: "b", receivedAt: "2026-11-02T03:00:00Z", subject: "banjir" },
    );
    assert.equal(s.signals.text, 0);
    assert.equal(s.signals.hoursApart, 2);
    assert.throws(() => duplicateScore({ id: 1, receivedAt: "kemarin" }, target), TypeError);
  });
});

describe("duplicateScore: map points", () => {
  const bridge = { lat: -6.9175, lon: 107.6191 };
  const a: DuplicateCandidate = { id: 1, subject: "Jembatan ambruk", description: "Jembatan ambruk, warga tidak bisa menyeberang.", receivedAt: t0, latitude: String(bridge.lat), longitude: String(bridge.lon) };
  it("two reports pinned within 150 m are at the same place, even without an address text", () => {
    const b: DuplicateCandidate = { id: 2, subject: "Jembatan putus", description: "Jembatannya putus, tolong.", receivedAt: hoursLater(3), latitude: bridge.lat + 0.0008, longitude: bridge.lon };
    const s = duplicateScore(a, b);
    assert.equal(s.signals.location, 1);
    assert.ok(s.reasons.includes("same_location"), JSON.stringify(s));
    assert.equal(suggestDuplicates(a, [b]).length, 1, "the place makes it a suggestion");
  });
  it("a point kilometres away is no support; a ticket without a point leaves the signal out", () => {
    const far: DuplicateCandidate = { ...a, id: 3, latitude: bridge.lat + 0.05, longitude: bridge.lon };
    assert.equal(duplicateScore(a, far).signals.location, 0);
    assert.equal(duplicateScore(a, { ...a, id: 4, latitude: null, longitude: null }).signals.location, null);
  });
});

describe("suggestDuplicates", () => {
  it("ranks likely duplicates first and leaves out the rest", () => {
    const ids = suggestDuplicates(target, ALL).map((s) => s.id);
    assert.deepEqual(ids.slice(0, 3).sort(), [101, 102, 107]);
    assert.ok(!ids.includes(103));
    assert.ok(!ids.includes(104));
    assert.ok(!ids.includes(105));
    assert.equal(ids[0], 101);
  });

  it("explains each suggestion", () => {
    const email = suggestDuplicates(target, ALL).find((s) => s.id === 107)!;
    assert.ok(email.reasons.includes("similar_text"));
    assert.ok(email.reasons.includes("same_location"));
    assert.ok(!email.reasons.includes("same_category"));
  });

  it("respects limit and minScore and skips the target itself", () => {
    assert.equal(suggestDuplicates(target, ALL, { limit: 1 }).length, 1);
    assert.deepEqual(suggestDuplicates(target, ALL, { limit: 0 }), []);
    assert.deepEqual(suggestDuplicates(target, [{ ...target }]), []);
    const strict = suggestDuplicates(target, ALL, { minScore: 0.99 });
    assert.deepEqual(strict, []);
  });

  it("handles a few thousand candidates quickly", () => {
    const many = Array.from({ length: 3000 }, (_, i) => ({ ...(ALL[i % ALL.length] as DuplicateCandidate), id: 1000 + i }));
    const started = performance.now();
    const top = suggestDuplicates(target, many, { limit: 10 });
    assert.equal(top.length, 10);
    assert.ok(performance.now() - started < 3000);
  });
});

describe("clusterDuplicates (the wall's trending clusters)", () => {
  it("groups the reports of one pothole and leaves unrelated complaints out", () => {
    const groups = clusterDuplicates([target, otherCitizenSamePothole, sameReportViaEmail, unrelatedSameDay, sameCitizenOtherTopic]);
    assert.equal(groups.length, 1);
    assert.deepEqual(groups[0]!.map((c) => c.id).sort(), [target.id, otherCitizenSamePothole.id, sameReportViaEmail.id].sort());
  });
  it("agrees with suggestDuplicates pair by pair", () => {
    const all = [sameCitizenFollowUp, otherCitizenSamePothole, unrelatedSameDay, sameCitizenOtherTopic, sameCitizenSameCategoryOtherTopic, similarButOldAndElsewhere, sameReportViaEmail];
    for (const c of all) {
      const pairs = clusterDuplicates([target, c]);
      const suggested = suggestDuplicates(target, [c]).length === 1;
      assert.equal(pairs.length === 1, suggested, `ticket ${c.id}`);
    }
  });
});
