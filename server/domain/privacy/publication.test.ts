import { test } from "node:test";
import assert from "node:assert/strict";
import { TICKET_STATUSES } from "../ticket/lifecycle.js";
import { PRIVACY_LEVELS } from "./levels.js";
import { isPublishable } from "./publication.js";

test("only verified publik and anonim tickets of public (or no) categories, neither rejected nor merged, are publishable", () => {
  const published: string[] = [];
  for (const privacy of PRIVACY_LEVELS)
    for (const status of TICKET_STATUSES)
      for (const verified of [true, false])
        for (const categoryIsPublic of [true, false, null])
          if (isPublishable({ privacy, status, verified, categoryIsPublic })) published.push(`${privacy}/${status}/${verified}/${categoryIsPublic}`);
  assert.ok(published.every((p) => !p.startsWith("rahasia")), "rahasia never");
  assert.ok(published.every((p) => p.includes("/true/")), "unverified never");
  assert.ok(published.every((p) => !p.endsWith("/false")), "non-public categories never");
  assert.ok(published.every((p) => !/\/(rejected|merged)\//.test(p)), "spam and duplicates never");
  assert.equal(published.length, 2 * (TICKET_STATUSES.length - 2) * 2, "everything else is published");
});
