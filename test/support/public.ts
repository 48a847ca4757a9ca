import assert from "node:assert/strict";
import type supertest from "supertest";
import { Agency, Category, TicketRating } from "../../server/entities/index.js";
import { mintTrackingLink } from "../../server/commands/tracking-secrets.js";
import { DEMO, type TestApp } from "./app.js";

/**
 * A complaint recorded by the operator (as from a phone call): its id and number. The tracking link
 * is not in the answer (the operator never sees its secret): it goes to the citizen's channel.
 */
export async function recordTicket(
  operator: supertest.Agent,
  input: { description: string; subject?: string; privacy?: "publik" | "anonim" | "rahasia"; categoryId?: number | null; caller?: { name?: string; phone?: string; email?: string }; channel?: string; locationText?: string },
): Promise<{ id: number; number: string }> {
  const res = await operator.post("/api/tickets").send({ channel: "sms", privacy: "publik", ...input });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.doesNotMatch(JSON.stringify(res.body), /[?&]k=/, "the operator's answer carries no tracking secret");
  return { id: res.body.id, number: res.body.number };
}

/**
 * A tracking link for the ticket, minted as the delivery of an acknowledgement mints one (for tests
 * with no channel to the citizen): the path to open on /lacak.
 */
export async function mintedTrackingPath(t: TestApp, ticket: { id: number; number: string }): Promise<string> {
  const url = await t.database.db.tx((m) => mintTrackingLink(m, t.config.sessionSecret, ticket, t.config.publicUrl, t.clock.now()));
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
}

export async function agencyId(t: TestApp, code: string): Promise<number> {
  return (await t.database.db.manager.getRepository(Agency).findOneByOrFail({ code })).id;
}
export async function categoryId(t: TestApp, code: string): Promise<number> {
  return (await t.database.db.manager.getRepository(Category).findOneByOrFail({ code })).id;
}

/** Operator verifies and forwards to an OPD; the OPD head answers (when `answer` is given). */
export async function verifyAndForward(t: TestApp, operator: supertest.Agent, ticketId: number, agencyCode = "DPU"): Promise<void> {
  await operator.post(`/api/tickets/${ticketId}/transitions`).send({ action: "verify" }).expect(200);
  await operator.post(`/api/tickets/${ticketId}/transitions`).send({ action: "forward", agencyIds: [await agencyId(t, agencyCode)], instruction: "Mohon ditindaklanjuti." }).expect(200);
}
export async function answerAsHeadPU(t: TestApp, ticketId: number, response: string): Promise<void> {
  const head = await t.loginAs(DEMO.headPU);
  await head.post(`/api/tickets/${ticketId}/transitions`).send({ action: "answer", response }).expect(200);
}

/** Decodes the HTML entities our pages write (&#NN;). */
export const unescapeHtml = (s: string) => s.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n))).replace(/&amp;/g, "&");

/** An OPD answer with long paragraphs, an unbroken word and long URLs: what must still fit a 360-px phone. */
export const LONG_ANSWER = [
  "Terima kasih atas laporan Anda. Tim UPT Jalan dan Jembatan Wilayah Timur telah meninjau lokasi pada hari Senin dan menemukan kerusakan sepanjang kurang lebih 120 meter pada kedua lajur.",
  "Rincian pekerjaan dapat dilihat di https://dpu.provinsi.go.id/pengumuman/2026/11/perbaikan-jalan-provinsi-ruas-cibeunying-kaler-tahap-kedua-dengan-penambalan-dan-pelapisan-ulang-aspal-hotmix?utm_source=aduan&utm_medium=tanggapan&utm_campaign=pemeliharaan-rutin-akhir-tahun",
  `Kode paket pekerjaan: ${"PEMELIHARAANJALANPROVINSI".repeat(6)}.`,
  ...Array.from({ length: 12 }, (_, i) => `Tahap ${i + 1}: pekerjaan galian, pemadatan, pelapisan dan pengecatan marka dilaksanakan bertahap pada malam hari agar lalu lintas tidak terganggu; warga diminta berhati-hati ketika melintas.`),
].join("\n\n");

/**
 * Enough data to fill every public page: a forward to every demo OPD this month (some answered and
 * rated, one returned), and a public report whose answer is LONG_ANSWER. Returns that report's number.
 */
export async function fillPublicPages(t: TestApp): Promise<{ longReport: string }> {
  const { DEMO_AGENCIES } = await import("../../server/demo/demo-data.js");
  const operator = await t.loginAs(DEMO.operator);
  const long = await recordTicket(operator, {
    subject: "Jalan provinsi ruas Cibeunying Kaler rusak berat sepanjang seratus dua puluh meter dan belum diperbaiki",
    description: `Jalan rusak berat, banyak lubang dalam. Foto di https://contoh.example/galeri/${"jalanrusak".repeat(12)}.jpg`,
    categoryId: await categoryId(t, "jalan-jembatan"),
  });
  await verifyAndForward(t, operator, long.id, "DPU");
  for (const agency of DEMO_AGENCIES) {
    const tk = await recordTicket(operator, { description: `Pengaduan contoh untuk ${agency.name}, mohon ditindaklanjuti.` });
    await verifyAndForward(t, operator, tk.id, agency.code);
  }
  t.clock.advance(60 * 60_000);
  await answerAsHeadPU(t, long.id, LONG_ANSWER);
  await t.database.db.manager.getRepository(TicketRating).insert({ ticketId: long.id, rating: 5, comment: null, createdAt: t.clock.now(), updatedAt: t.clock.now() });
  return { longReport: long.number };
}

/** Indonesian labels that differ from their English: none may remain on an English page. */
export const indonesianOnly = (...sets: Record<string, readonly [string, string]>[]) =>
  sets
    .flatMap((s) => Object.values(s))
    .filter(([id, en]) => id !== en)
    .map(([id]) => id);
/** Indonesian month names that are not also English ones (April, September, November are both). */
export const INDONESIAN_MONTHS = ["Januari", "Februari", "Maret", "Mei", "Juni", "Juli", "Agustus", "Oktober", "Desember"];

/**
 * The public site of a served demo app (the browser harness's, on 127.0.0.1): its public URL is the
 * socket's (the web form's signature covers it) and it has a web-form account.
 */
export async function openPublicSite(site: { t: TestApp; url: string }): Promise<void> {
  site.t.config.publicUrl = site.url;
  const admin = await site.t.loginAs(DEMO.admin);
  await admin.post("/api/channel-accounts").send({ connector: "web", name: "Formulir web", config: { formSecret: "f".repeat(48) } }).expect(201);
}
