import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  CHANNEL_KINDS,
  findTicketNumber,
  followMerged,
  followMergedContact,
  formatTicketNumber,
  isChannelKind,
  parseLinkCode,
  parseLinkRequest,
  isSecretFieldName,
  MERGE_HOPS_LIMIT,
  parseStatusRequest,
  parseTicketNumber,
  spokenTicketNumber,
  ticketNumberFromDigits,
} from "./index.js";

describe("ticket numbers", () => {
  it("formats, parses and finds the same numbers", () => {
    assert.equal(formatTicketNumber("2611", 42), "ADU-2611-00042");
    assert.equal(formatTicketNumber("2611", 123456), "ADU-2611-123456");
    assert.equal(parseTicketNumber(" adu-2611-00042 "), "ADU-2611-00042");
    assert.equal(parseTicketNumber("ADU-2611-123456789"), "ADU-2611-123456789");
    assert.equal(parseTicketNumber("ADU-2611-0004"), null);
    assert.equal(parseTicketNumber("ADU-2611-1234567890"), null);
    assert.equal(parseTicketNumber("XADU-2611-00042"), null);
    assert.equal(findTicketNumber("Re: [adu-2611-00042] Jalan rusak"), "ADU-2611-00042");
    assert.equal(findTicketNumber("no number here"), undefined);
  });

  it("reads a number keyed in as digits and spells it for text-to-speech", () => {
    assert.equal(ticketNumberFromDigits("2611 00042#"), "ADU-2611-00042");
    assert.equal(ticketNumberFromDigits("2611"), undefined);
    assert.equal(spokenTicketNumber("ADU-2611-00042"), "A D U 2 6 1 1, 0 0 0 4 2");
  });
});

describe("status questions", () => {
  for (const text of ["STATUS ADU-2611-00042", "status adu-2611-00042", "cek ADU-2611-00042", "Cek status ADU-2611-00042.", "info: ADU-2611-00042", "check ADU-2611-00042", "/status ADU-2611-00042", "/status@AduanBot ADU-2611-00042"]) {
    it(`"${text}" asks for ADU-2611-00042`, () => assert.equal(parseStatusRequest(text), "ADU-2611-00042"));
  }
  for (const text of ["jalan rusak di ADU-2611-00042", "status", "cek jalan rusak", "STATUS ADU-2611-00042 tolong cepat"]) {
    it(`"${text}" is not a status question`, () => assert.equal(parseStatusRequest(text), undefined));
  }
});

describe("channel kinds and secret fields", () => {
  it("knows the nine kinds", () => {
    assert.equal(CHANNEL_KINDS.length, 9);
    assert.ok(isChannelKind("whatsapp"));
    assert.ok(!isChannelKind("fax"));
  });
  it("treats credential-like names as secret", () => {
    for (const n of ["botToken", "appSecret", "password", "apiKey", "api_key", "privateKey", "credential", "authToken"]) assert.ok(isSecretFieldName(n), n);
    for (const n of ["phoneNumber", "accountSid", "keyword", "tokenizer"]) assert.ok(!isSecretFieldName(n), n);
  });
});

describe("following merged tickets", () => {
  const tickets = new Map([
    [1, { id: 1, status: "merged", mergedIntoId: 2 }],
    [2, { id: 2, status: "merged", mergedIntoId: 3 }],
    [3, { id: 3, status: "verified", mergedIntoId: null }],
    [8, { id: 8, status: "merged", mergedIntoId: 9 }],
    [9, { id: 9, status: "merged", mergedIntoId: 8 }],
  ]);
  const load = async (id: number) => tickets.get(id) ?? null;
  it("follows a chain of merges to the open ticket", async () => assert.equal((await followMerged(tickets.get(1)!, load))?.id, 3));
  it("stops after the hop limit on a cycle", async () => {
    let loads = 0;
    const t = await followMerged(tickets.get(8)!, async (id) => (loads++, load(id)));
    assert.equal(loads, MERGE_HOPS_LIMIT);
    assert.equal(t?.status, "merged");
  });
});

describe("identity links", () => {
  for (const [text, id] of [["HUBUNGKAN 0812-3456-7890", "0812-3456-7890"], ["tautkan +62 812 3456 7890", "+62 812 3456 7890"], ["LINK budi@example.id", "budi@example.id"], ["/link 081234567890", "081234567890"], ["/hubungkan@AduanBot 081234567890", "081234567890"]] as const) {
    it(`"${text}" asks to link ${id}`, () => assert.equal(parseLinkRequest(text), id));
  }
  for (const text of ["hubungkan saya dengan petugas", "link", "jalan rusak, hubungkan 0812", "HUBUNGKAN"]) {
    it(`"${text}" is not a link request`, () => assert.equal(parseLinkRequest(text), undefined));
  }
  it("reads a code alone or after KODE / CODE", () => {
    for (const text of ["123456", " KODE 123456 ", "code: 123456", "/kode 123456"]) assert.equal(parseLinkCode(text), "123456", text);
    for (const text of ["12345", "1234567", "kode pos 123456", "rumah no 123456"]) assert.equal(parseLinkCode(text), undefined, text);
  });
  it("follows merged contacts to the one they live in, and stops on a cycle", async () => {
    const contacts = new Map([
      [1, { id: 1, mergedIntoId: 2 }],
      [2, { id: 2, mergedIntoId: 3 }],
      [3, { id: 3, mergedIntoId: null }],
      [8, { id: 8, mergedIntoId: 9 }],
      [9, { id: 9, mergedIntoId: 8 }],
    ]);
    const load = async (id: number) => contacts.get(id) ?? null;
    assert.equal((await followMergedContact(contacts.get(1)!, load))?.id, 3);
    assert.ok([8, 9].includes((await followMergedContact(contacts.get(8)!, load))!.id));
  });
});
