import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import supertest from "supertest";
import { testTargets } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";
import { inboundSms, postTwilio, TWILIO } from "../support/channels.js";
import { AuditEvent } from "../../server/entities/audit-event.entity.js";
import { Attachment, Forward, Message, Ticket, TicketRating } from "../../server/entities/index.js";
import { addCitizenInfo } from "../../server/commands/add-citizen-info.js";
import { rateAnswer } from "../../server/commands/rate-answer.js";
import { createAuditAnchor } from "../../server/commands/create-audit-anchor.js";
import { verifyAudit } from "../../server/queries/verify-audit.js";

/** Runs `npm run audit:verify` as an operator would, against the test database. */
function auditVerify(t: TestApp) {
  const env = { ...process.env, DATA_DIR: t.config.dataDir, DATABASE_URL: t.database.settings.databaseUrl ?? "", LOG_LEVEL: "silent" };
  if (!t.database.settings.databaseUrl) delete (env as Record<string, string | undefined>).DATABASE_URL;
  return spawnSync("npm", ["run", "--silent", "audit:verify"], { env, encoding: "utf8", timeout: 120_000 });
}

for (const target of await testTargets()) {
  describe(`npm run audit:verify (${target.name})`, () => {
    let t: TestApp;
    /** A case walked over HTTP: SMS in (batch ingest), description corrected, forwarded, answered, replied to. */
    const kase = { ticketId: 0, inboundId: 0, replyId: 0, forwardId: 0, fileId: 0, ratingId: 0 };
    before(async () => {
      t = await startTestApp(target);
      // The SQLite test database lives in DATA_DIR/aduan.sqlite, where the CLI looks for it.
      const operator = await t.loginAs(DEMO.operator);
      await operator.put("/api/tickets/1").send({ priority: "high" });

      const admin = await t.loginAs(DEMO.admin);
      const account = (await admin.post("/api/channel-accounts").send({ connector: "twilio-sms", name: "SMS audit", config: { ...TWILIO, apiBaseUrl: "http://127.0.0.1:9" } })).body;
      const from = "+6281277123401";
      for (const body of ["Jalan berlubang di Jl. Kenari depan pasar", "Tambahan: lubangnya sudah dua minggu"]) {
        assert.equal((await postTwilio(supertest(t.app), account.webhookUrl, inboundSms(from, body))).status, 200);
      }
      const m = t.database.db.manager;
      const inbound = await m.getRepository(Message).findOneByOrFail({ channelAccountId: account.id, body: "Tambahan: lubangnya sudah dua minggu" });
      kase.ticketId = inbound.ticketId;
      kase.inboundId = inbound.id;
      const act = async (agent: supertest.Agent, body: object) => {
        const res = await agent.post(`/api/tickets/${kase.ticketId}/transitions`).send(body);
        assert.equal(res.status, 200, JSON.stringify(res.body));
      };
      // A correction through the console is recorded, so it still verifies.
      const edit = await operator.put(`/api/tickets/${kase.ticketId}`).send({ description: "Jalan berlubang di Jl. Kenari depan pasar, sudah dua minggu." });
      assert.equal(edit.status, 200, JSON.stringify(edit.body));
      await act(operator, { action: "verify" });
      const pu = (await operator.get("/api/agencies").query({ filter: JSON.stringify({ q: "Pekerjaan Umum" }) })).body[0];
      await act(operator, { action: "forward", agencyIds: [pu.id], instruction: "Mohon ditambal." });
      kase.forwardId = (await m.getRepository(Forward).findOneByOrFail({ ticketId: kase.ticketId })).id;
      // What the citizen adds and rates on the tracking page (the page's commands, called directly).
      const citizen = { actor: { userId: null, label: "warga via halaman lacak" }, at: t.clock.now(), secretKey: t.config.sessionSecret };
      const added = await t.database.db.tx((m) => addCitizenInfo(m, citizen, { ticketId: kase.ticketId, text: "Lubangnya makin lebar.", photos: [], channelAccountId: null }));
      assert.equal(added.kind, "added");
      const headPU = await t.loginAs(DEMO.headPU);
      const up = await headPU.post(`/api/forwards/${kase.forwardId}/attachments`).send({ fileName: "Berita acara.pdf", mimeType: "application/pdf", content: Buffer.from("%PDF-1.4\n%%EOF\n").toString("base64") });
      assert.equal(up.status, 201, JSON.stringify(up.body));
      kase.fileId = up.body.id;
      await act(headPU, { action: "answer", response: "Lubang sudah ditambal oleh UPT Jalan pada hari ini." });
      const rated = await t.database.db.tx((m) => rateAnswer(m, citizen, { ticketId: kase.ticketId, rating: 4, comment: "Cepat, terima kasih." }));
      assert.equal(rated.kind, "rated");
      if (rated.kind === "rated") kase.ratingId = rated.rating.id;
      const reply = await operator.post("/api/messages").send({ ticketId: kase.ticketId, direction: "outbound", body: "Terima kasih, laporan Anda sudah ditindaklanjuti." });
      assert.equal(reply.status, 201, JSON.stringify(reply.body));
      kase.replyId = reply.body.id;
      await t.database.db.tx((m) => createAuditAnchor(m, t.clock.now()));
    });
    after(() => t.close());

    /** The audit event that last recorded a text's digest (the one the verifier must name). */
    const recordedBy = async (ref: string) => {
      const events = await t.database.db.manager.getRepository(AuditEvent).find({ where: { ticketId: kase.ticketId }, order: { seq: "DESC" } });
      const e = events.find((x) => x.afterJson?.includes(`"${ref}":`));
      assert.ok(e, `an audit event records ${ref}`);
      return e;
    };

    it("every text of the case is in the audit log: an untouched database verifies with nothing uncovered", () => {
      const ok = auditVerify(t);
      assert.equal(ok.status, 0, ok.stderr + ok.stdout);
      const [, verified, uncovered] = /case texts: (\d+) verified, (\d+) not covered/.exec(ok.stdout) ?? [];
      assert.ok(Number(verified) > 0, ok.stdout);
      assert.equal(uncovered, "0", ok.stdout);
    });

    it("editing the OPD's answer, a citizen's message, a staff reply, the description, a file name or a rating comment in the database fails and names each", async () => {
      const m = t.database.db.manager;
      const original = {
        response: (await m.getRepository(Forward).findOneByOrFail({ id: kase.forwardId })).response,
        inbound: (await m.getRepository(Message).findOneByOrFail({ id: kase.inboundId })).body,
        reply: (await m.getRepository(Message).findOneByOrFail({ id: kase.replyId })).body,
        description: (await m.getRepository(Ticket).findOneByOrFail({ id: kase.ticketId })).description,
        file: (await m.getRepository(Attachment).findOneByOrFail({ id: kase.fileId })).fileName,
        comment: (await m.getRepository(TicketRating).findOneByOrFail({ id: kase.ratingId })).comment,
      };
      const refs = {
        response: `forwards#${kase.forwardId}.response`,
        inbound: `messages#${kase.inboundId}.body`,
        reply: `messages#${kase.replyId}.body`,
        description: `tickets#${kase.ticketId}.description`,
        file: `attachments#${kase.fileId}.file_name`,
        comment: `ticket_ratings#${kase.ratingId}.comment`,
      };
      const events = Object.fromEntries(await Promise.all(Object.entries(refs).map(async ([k, ref]) => [k, await recordedBy(ref)])));
      assert.equal(events.response.type, "forward.answered");
      assert.equal(events.inbound.type, "message.received");
      assert.equal(events.reply.type, "message.reply_queued");
      assert.equal(events.description.type, "ticket.updated", "the latest recording of a text is the one compared");
      assert.equal(events.file.type, "attachment.added");
      assert.equal(events.comment.type, "ticket.rated");

      const tamper = (v: typeof original) =>
        t.database.db.tx(async (m) => {
          await m.getRepository(Forward).update({ id: kase.forwardId }, { response: v.response });
          await m.getRepository(Message).update({ id: kase.inboundId }, { body: v.inbound });
          await m.getRepository(Message).update({ id: kase.replyId }, { body: v.reply });
          await m.getRepository(Ticket).update({ id: kase.ticketId }, { description: v.description });
          await m.getRepository(Attachment).update({ id: kase.fileId }, { fileName: v.file });
          await m.getRepository(TicketRating).update({ id: kase.ratingId }, { comment: v.comment });
        });
      // One character each: "ditambal" -> "ditambah", a trailing space, a changed number.
      await tamper({
        response: original.response!.replace("ditambal", "ditambah"),
        inbound: `${original.inbound} `,
        reply: original.reply.replace("Terima kasih", "Terimakasih"),
        description: original.description.replace("dua", "tiga"),
        file: original.file.replace("Berita", "Berita-palsu"),
        comment: "Lambat sekali.",
      });
      const broken = auditVerify(t);
      assert.equal(broken.status, 1, broken.stdout + broken.stderr);
      for (const [k, ref] of Object.entries(refs)) {
        const e = events[k]!;
        assert.match(broken.stderr, new RegExp(`${ref.replace(/[#.]/g, "\\$&")} changed after audit event #${e.id}\\b`), `${k}: ${broken.stderr}`);
      }
      assert.match(broken.stderr, /CASE TEXTS CHANGED \(6\)/);
      assert.doesNotMatch(broken.stderr, /content does not match its hash/, "the log itself is intact: it is the texts that changed");

      // Put back exactly as they were, the same database verifies again.
      await tamper(original);
      const restored = auditVerify(t);
      assert.equal(restored.status, 0, restored.stderr + restored.stdout);
    });

    it("texts from before digests were recorded count as not covered; a text added where there was none or a deleted message is named", async () => {
      const m = t.database.db.manager;
      // An older database: a message written without a digest in its event.
      const legacy = await m.getRepository(Message).save(m.getRepository(Message).create({ ticketId: kase.ticketId, direction: "note", channel: "sms", contactId: null, authorUserId: null, forwardId: null, subject: null, body: "catatan lama", bodyHtml: null, channelAccountId: null, externalId: null, deliveryStatus: null, sentAt: null, createdAt: t.clock.now() }));
      const old = await verifyAudit(t.database.db.ds);
      assert.ok(old.ok, JSON.stringify(old.problems));
      assert.equal(old.textsNotCovered, 1);

      await m.getRepository(Forward).update({ id: kase.forwardId }, { returnReason: "bukan wewenang" });
      const reply = await m.getRepository(Message).findOneByOrFail({ id: kase.replyId });
      await m.getRepository(Message).delete({ id: kase.replyId });
      const report = await verifyAudit(t.database.db.ds);
      assert.equal(report.ok, false);
      const named = report.problems.map((p) => p.problem);
      assert.ok(named.some((p) => p.startsWith(`forwards#${kase.forwardId}.return_reason changed after audit event #`)), named.join("\n"));
      assert.ok(named.some((p) => p.startsWith(`messages#${kase.replyId}.body: row messages#${kase.replyId} deleted after audit event #`)), named.join("\n"));

      await m.getRepository(Forward).update({ id: kase.forwardId }, { returnReason: null });
      await m.getRepository(Message).insert(reply);
      await m.getRepository(Message).delete({ id: legacy.id });
      assert.ok((await verifyAudit(t.database.db.ds)).ok);
    });

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
