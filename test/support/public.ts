import assert from "node:assert/strict";
import type supertest from "supertest";
import { Agency, Category } from "../../server/entities/index.js";
import { DEMO, type TestApp } from "./app.js";

/** A complaint recorded by the operator (as from a phone call): its id, number and tracking link. */
export async function recordTicket(
  operator: supertest.Agent,
  input: { description: string; subject?: string; privacy?: "publik" | "anonim" | "rahasia"; categoryId?: number | null; caller?: { name?: string; phone?: string; email?: string }; channel?: string; locationText?: string },
): Promise<{ id: number; number: string; link: string; path: string }> {
  const res = await operator.post("/api/tickets").send({ channel: "sms", privacy: "publik", ...input });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const link = res.body.trackingUrl as string;
  const u = new URL(link);
  return { id: res.body.id, number: res.body.number, link, path: `${u.pathname}${u.search}` };
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
