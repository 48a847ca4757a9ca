import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { testTargets } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";
import { AuditEvent } from "../../server/entities/audit-event.entity.js";
import { createAuditAnchor } from "../../server/commands/create-audit-anchor.js";

/** Runs `npm run audit:verify` as an operator would, against the test database. */
function auditVerify(t: TestApp) {
  const env = { ...process.env, DATA_DIR: t.config.dataDir, DATABASE_URL: t.database.settings.databaseUrl ?? "", LOG_LEVEL: "silent" };
  if (!t.database.settings.databaseUrl) delete (env as Record<string, string | undefined>).DATABASE_URL;
  return spawnSync("npm", ["run", "--silent", "audit:verify"], { env, encoding: "utf8", timeout: 120_000 });
}

for (const target of await testTargets()) {
  describe(`npm run audit:verify (${target.name})`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(target);
      // The SQLite test database lives in DATA_DIR/aduan.sqlite, where the CLI looks for it.
      const operator = await t.loginAs(DEMO.operator);
      await operator.put("/api/tickets/1").send({ priority: "high" });
      await t.database.db.tx((m) => createAuditAnchor(m, t.clock.now()));
    });
    after(() => t.close());

    it("passes on an untouched log and names the first edited row when one is changed", async () => {
      const ok = auditVerify(t);
      assert.equal(ok.status, 0, ok.stderr + ok.stdout);
      assert.match(ok.stdout, /audit log intact: \d+ events in \d+ chains, 1 anchors verified/);

      const repo = t.database.db.manager.getRepository(AuditEvent);
      const victim = (await repo.find({ where: { type: "ticket.forwarded" }, order: { id: "ASC" }, take: 1 }))[0];
      await t.database.db.tx((m) => m.getRepository(AuditEvent).update({ id: victim.id }, { afterJson: victim.afterJson!.replace('"status":"forwarded"', '"status":"rejected"') }));
      const broken = auditVerify(t);
      assert.equal(broken.status, 1, broken.stdout + broken.stderr);
      assert.match(broken.stderr, new RegExp(`first broken event ${victim.id} \\(chain ${victim.chainKey}, seq ${victim.seq}\\): content does not match its hash`));
    });

    it("detects a deleted event through the chain and the anchor", async () => {
      const repo = t.database.db.manager.getRepository(AuditEvent);
      const victim = (await repo.find({ where: { type: "ticket.verified" }, order: { id: "DESC" }, take: 1 }))[0];
      await t.database.db.tx((m) => m.getRepository(AuditEvent).delete({ id: victim.id }));
      const broken = auditVerify(t);
      assert.equal(broken.status, 1);
      assert.match(broken.stderr + broken.stdout, new RegExp(`chain ${victim.chainKey}`));
    });
  });
}
