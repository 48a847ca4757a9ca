import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { idpAssertsSecondFactor, secondFactorDue, twoFactorRequirements } from "./two-factor.js";

describe("second factor rules", () => {
  it("a session owes a code when the user has 2FA, enrolment when the role requires it, nothing once given", () => {
    assert.equal(secondFactorDue({ enrolled: true, sessionFactor: null, roleRequires: false }), "code");
    assert.equal(secondFactorDue({ enrolled: false, sessionFactor: null, roleRequires: true }), "enrol");
    assert.equal(secondFactorDue({ enrolled: false, sessionFactor: null, roleRequires: false }), "none");
    assert.equal(secondFactorDue({ enrolled: true, sessionFactor: "totp", roleRequires: true }), "none");
    assert.equal(secondFactorDue({ enrolled: false, sessionFactor: "idp", roleRequires: true }), "none");
  });

  it("admins require it by default in production only; an admin's choice wins", () => {
    assert.equal(twoFactorRequirements([], true).admin, true);
    assert.equal(twoFactorRequirements([], true).operator, false);
    assert.equal(twoFactorRequirements([], false).admin, false);
    assert.equal(twoFactorRequirements([{ role: "admin", requireTwoFactor: false }], true).admin, false);
    assert.equal(twoFactorRequirements([{ role: "opd_staff", requireTwoFactor: true }], false).opd_staff, true);
  });

  it("the identity provider's amr counts only when trusted; acr only when listed", () => {
    assert.equal(idpAssertsSecondFactor({ amr: ["pwd", "otp"] }, { trustAmr: true, acrValues: [] }), true);
    assert.equal(idpAssertsSecondFactor({ amr: ["pwd", "otp"] }, { trustAmr: false, acrValues: [] }), false);
    assert.equal(idpAssertsSecondFactor({ amr: ["pwd"] }, { trustAmr: true, acrValues: [] }), false);
    assert.equal(idpAssertsSecondFactor({ acr: "urn:prov:loa:3" }, { trustAmr: false, acrValues: ["urn:prov:loa:3"] }), true);
    assert.equal(idpAssertsSecondFactor({ acr: "urn:prov:loa:1" }, { trustAmr: false, acrValues: ["urn:prov:loa:3"] }), false);
  });
});
