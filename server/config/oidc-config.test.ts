import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { loadConfig } from "./env.js";

describe("single sign-on configuration", () => {
  const base = { NODE_ENV: "test", SESSION_SECRET: "s".repeat(32), ENCRYPTION_KEY: Buffer.alloc(32, 2).toString("base64"), PUBLIC_URL: "https://aduan.example.go.id" };
  it("is off by default and derives the redirect URL from PUBLIC_URL", () => {
    assert.equal(loadConfig(base).oidc, null);
    const c = loadConfig({ ...base, OIDC_ISSUER: "https://sso.example.go.id/realms/prov", OIDC_CLIENT_ID: "aduan", OIDC_ROLE_MAP: "kepala-opd=opd_head" });
    assert.equal(c.oidc?.redirectUrl, "https://aduan.example.go.id/api/auth/oidc/callback");
    assert.deepEqual(c.oidc?.roleMap, { "kepala-opd": "opd_head" });
  });
  it("refuses plain http except on loopback, a missing client id and an unknown role in the map", () => {
    assert.throws(() => loadConfig({ ...base, OIDC_ISSUER: "http://sso.example.go.id", OIDC_CLIENT_ID: "aduan" }), /OIDC_ISSUER: must be https/);
    assert.ok(loadConfig({ ...base, OIDC_ISSUER: "http://127.0.0.1:9000", OIDC_CLIENT_ID: "aduan" }).oidc);
    assert.throws(() => loadConfig({ ...base, OIDC_ISSUER: "https://sso.example.go.id" }), /OIDC_CLIENT_ID: is required/);
    assert.throws(() => loadConfig({ ...base, OIDC_ISSUER: "https://sso.example.go.id", OIDC_CLIENT_ID: "a", OIDC_ROLE_MAP: "x=raja" }), /OIDC_ROLE_MAP/);
  });
});
