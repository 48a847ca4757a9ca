import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { failoverTemplateMessage, failoverTemplateOf, FAILOVER_TEXT_MAX } from "./whatsapp-failover.js";
import { sessionDownSince } from "../sessions/lease.js";
import type { ChannelAccount } from "../entities/channel-account.entity.js";
import type { SessionLease } from "../entities/session-lease.entity.js";

const at = (iso: string) => new Date(iso);
const lease = (p: Partial<SessionLease>): SessionLease =>
  ({ channelAccountId: 1, owner: "a", expiresAt: at("2026-11-23T03:10:00Z"), state: "connected", detail: null, qr: null, stateAt: at("2026-11-23T02:00:00Z"), downSince: null, updatedAt: at("2026-11-23T03:00:00Z"), ...p }) as SessionLease;

describe("WhatsApp fail-over rules", () => {
  it("measures a session's outage from its first moment, from the lease's end when the owner vanished, and from the account's creation when it never ran", () => {
    const now = at("2026-11-23T03:05:00Z");
    const created = at("2026-11-01T00:00:00Z");
    assert.equal(sessionDownSince(lease({}), created, now), null);
    assert.deepEqual(sessionDownSince(lease({ state: "disconnected", downSince: at("2026-11-23T02:50:00Z"), stateAt: at("2026-11-23T03:04:00Z") }), created, now), at("2026-11-23T02:50:00Z"));
    assert.deepEqual(sessionDownSince(lease({ expiresAt: at("2026-11-23T03:01:00Z") }), created, now), at("2026-11-23T03:01:00Z"), "owner died while connected");
    assert.deepEqual(sessionDownSince(null, created, now), created);
  });

  it("fills the failover template with the ticket number and the reply on one line, cut to the limit", () => {
    const t = { name: "balasan_aduan", language: "id", body: "Balasan untuk aduan {{1}}: {{2}}" };
    const out = failoverTemplateMessage(t, "ADU-2611-00042", "Terima kasih.\n\nPetugas   datang besok.");
    assert.deepEqual(out.template, { name: "balasan_aduan", language: "id", parameters: ["ADU-2611-00042", "Terima kasih. Petugas datang besok."] });
    assert.equal(out.rendered, "Balasan untuk aduan ADU-2611-00042: Terima kasih. Petugas datang besok.");
    const long = failoverTemplateMessage({ ...t, body: "Balasan: {{1}}" }, null, "x".repeat(2000)).template.parameters;
    assert.equal(long.length, 1);
    assert.equal([...long[0]!].length, FAILOVER_TEXT_MAX);
    assert.ok(long[0]!.endsWith("…"));
  });

  it("takes the pairing's template by name from either account, Bahasa Indonesia first", () => {
    const web = { failoverTemplate: "balasan_aduan" } as ChannelAccount;
    const cloud = { failoverTemplate: null } as ChannelAccount;
    const templates = [{ name: "balasan_aduan", language: "en_US", body: "Reply {{1}}" }, { name: "balasan_aduan", language: "id", body: "Balasan {{1}}" }, { name: "lain", language: "id", body: "x" }];
    assert.equal(failoverTemplateOf(web, cloud, templates)?.language, "id");
    assert.equal(failoverTemplateOf(cloud, web, templates)?.name, "balasan_aduan");
    assert.equal(failoverTemplateOf(cloud, { failoverTemplate: null } as ChannelAccount, templates), null);
  });
});
