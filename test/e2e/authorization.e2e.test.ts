import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import supertest from "supertest";
import { testTargets } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";
import { routesOf } from "../../server/http/route.js";
import { DEFAULT_CALENDAR } from "../../server/domain/sla/holidays-id.js";
import { DEFAULT_POLICY } from "../../server/domain/sla/policy.js";
import { Forward } from "../../server/entities/forward.entity.js";
import { Ticket } from "../../server/entities/ticket.entity.js";
import { AuditEvent } from "../../server/entities/audit-event.entity.js";
import { Agency } from "../../server/entities/agency.entity.js";
import { User } from "../../server/entities/user.entity.js";
import { seedDemoChannels } from "../../server/demo/seed-demo-channels.js";

const ROLE_USERS = {
  admin: DEMO.admin,
  supervisor: DEMO.supervisor,
  operator: DEMO.operator,
  opd_head: DEMO.headPU,
  opd_staff: DEMO.staffPU,
} as const;
type RoleName = keyof typeof ROLE_USERS;

interface Fixtures {
  puTicket: Ticket; // forwarded only to Dinas PU
  puAnonim: Ticket; // anonim, forwarded only to Dinas PU
  puForward: Forward;
  dinkesTicket: Ticket; // forwarded only to Dinas Kesehatan
  pu: Agency;
  staffPU: User;
}

/** One sample request per route; a route missing here fails the coverage check. */
function sampleRequest(key: string, f: Fixtures): { url: string; body?: unknown } {
  const t = f.puTicket.id;
  const samples: Record<string, { url: string; body?: unknown }> = {
    "post /auth/login": { url: "/api/auth/login", body: { email: "nobody@demo.aduan.id", password: "wrong-password" } },
    "post /auth/logout": { url: "/api/auth/logout", body: {} },
    "get /auth/me": { url: "/api/auth/me" },
    "get /auth/options": { url: "/api/auth/options" },
    "get /auth/oidc/start": { url: "/api/auth/oidc/start" },
    "get /auth/oidc/callback": { url: "/api/auth/oidc/callback?code=x&state=y" },
    "get /auth/2fa": { url: "/api/auth/2fa" },
    "post /auth/2fa/enrol": { url: "/api/auth/2fa/enrol", body: {} },
    "post /auth/2fa/confirm": { url: "/api/auth/2fa/confirm", body: { code: "000000" } },
    "post /auth/2fa/verify": { url: "/api/auth/2fa/verify", body: { code: "000000" } },
    "get /users/:id/two-factor": { url: `/api/users/${f.staffPU.id}/two-factor` },
    "post /users/:id/two-factor/reset": { url: "/api/users/999999/two-factor/reset", body: {} },
    "get /security/two-factor": { url: "/api/security/two-factor" },
    "put /security/two-factor": { url: "/api/security/two-factor", body: { roles: {} } },
    "get /tickets": { url: "/api/tickets" },
    "get /tickets/:id": { url: `/api/tickets/${t}` },
    "post /tickets": { url: "/api/tickets", body: { description: "Laporan telepon tentang jalan rusak di desa." } },
    "put /tickets/:id": { url: `/api/tickets/${t}`, body: { priority: "high" } },
    "get /tickets/:id/duplicates": { url: `/api/tickets/${t}/duplicates` },
    "get /tickets/:id/routing-suggestions": { url: `/api/tickets/${t}/routing-suggestions` },
    "get /tickets/:id/cluster": { url: `/api/tickets/${t}/cluster` },
    "post /tickets/:id/cluster": { url: `/api/tickets/${t}/cluster`, body: { memberIds: [999999] } },
    "delete /tickets/:id/cluster/members/:memberId": { url: `/api/tickets/${t}/cluster/members/999999` },
    "get /tickets/:id/publication": { url: `/api/tickets/${t}/publication` },
    "post /tickets/:id/publication/preview": { url: `/api/tickets/${t}/publication/preview`, body: { redactions: [] } },
    "put /tickets/:id/publication": { url: `/api/tickets/${t}/publication`, body: { redactions: [] } },
    "get /operations/backup": { url: "/api/operations/backup" },
    "get /operations/export": { url: "/api/operations/export" },
    "get /data-subjects": { url: "/api/data-subjects?q=Warga" },
    "get /data-subject-requests": { url: "/api/data-subject-requests" },
    "get /data-subject-requests/:id": { url: "/api/data-subject-requests/999999" },
    "post /data-subject-requests": { url: "/api/data-subject-requests", body: { kind: "access", contactIds: [] } },
    "get /data-subject-requests/:id/export": { url: "/api/data-subject-requests/999999/export" },
    "post /data-subject-requests/:id/correct": { url: "/api/data-subject-requests/999999/correct", body: { contactId: 999999 } },
    "post /data-subject-requests/:id/erase": { url: "/api/data-subject-requests/999999/erase", body: {} },
    "get /retention": { url: "/api/retention" },
    "put /retention": { url: "/api/retention", body: {} },
    "post /retention/run": { url: "/api/retention/run", body: { dryRun: true } },
    "get /canned-replies": { url: "/api/canned-replies" },
    "get /attachments": { url: `/api/attachments?filter=${encodeURIComponent(JSON.stringify({ ticketId: t }))}` },
    "get /attachments/:id/content": { url: "/api/attachments/999999/content" },
    "put /attachments/:id/wall": { url: "/api/attachments/999999/wall", body: {} },
    "delete /attachments/:id/wall": { url: "/api/attachments/999999/wall" },
    "put /attachments/:id/public": { url: "/api/attachments/999999/public", body: {} },
    "delete /attachments/:id/public": { url: "/api/attachments/999999/public" },
    "get /map/points": { url: "/api/map/points" },
    "get /wall/photos": { url: "/api/wall/photos" },
    "get /wall/photos/:id/content": { url: "/api/wall/photos/999999/content" },
    "post /forwards/:id/attachments": { url: `/api/forwards/${f.puForward.id}/attachments`, body: { fileName: "berita-acara.pdf", mimeType: "application/pdf", content: Buffer.from("%PDF-1.4\n%%EOF\n").toString("base64") } },
    "post /tickets/:id/transitions": { url: `/api/tickets/${t}/transitions`, body: { action: "request_info", message: "Mohon foto lokasi" } },
    "get /messages": { url: `/api/messages?filter=${encodeURIComponent(JSON.stringify({ ticketId: t }))}` },
    "get /messages/:id": { url: "/api/messages/1" },
    "post /messages": { url: "/api/messages", body: { ticketId: t, direction: "note", body: "catatan internal" } },
    "post /messages/:id/resend": { url: "/api/messages/1/resend", body: {} },
    "get /delivery-problems": { url: "/api/delivery-problems" },
    "get /forwards": { url: "/api/forwards" },
    "get /forwards/:id": { url: `/api/forwards/${f.puForward.id}` },
    "put /forwards/:id": { url: `/api/forwards/${f.puForward.id}`, body: { assigneeUserId: f.staffPU.id } },
    "get /contacts": { url: "/api/contacts" },
    "get /contacts/:id": { url: `/api/contacts/${f.puTicket.contactId}` },
    "put /contacts/:id": { url: `/api/contacts/${f.puTicket.contactId}`, body: { name: "Nama Diperbaiki" } },
    "post /contacts/:id/merge": { url: "/api/contacts/999999/merge", body: { contactId: 999998 } },
    "post /contact-merges/:id/undo": { url: "/api/contact-merges/999999/undo", body: {} },
    "get /audit-events": { url: "/api/audit-events" },
    "get /audit-events/:id": { url: "/api/audit-events/1" },
    "get /audit/verification": { url: "/api/audit/verification" },
    "get /audit/event-types": { url: "/api/audit/event-types" },
    "get /agencies": { url: "/api/agencies" },
    "get /agencies/:id": { url: `/api/agencies/${f.pu.id}` },
    "post /agencies": { url: "/api/agencies", body: { code: `X${Math.floor(Math.random() * 1e6)}`, name: "Dinas Uji", shortName: "Dinas Uji" } },
    "put /agencies/:id": { url: `/api/agencies/${f.pu.id}`, body: { email: "dpu@demo.aduan.id" } },
    "delete /agencies/:id": { url: "/api/agencies/999999" },
    "get /categories": { url: "/api/categories" },
    "get /categories/:id": { url: "/api/categories/1" },
    "post /categories": { url: "/api/categories", body: { code: `c${Math.floor(Math.random() * 1e6)}`, name: "Kategori Uji" } },
    "put /categories/:id": { url: "/api/categories/1", body: { nameEn: "Roads" } },
    "delete /categories/:id": { url: "/api/categories/999999" },
    "get /users": { url: "/api/users" },
    "get /users/:id": { url: `/api/users/${f.staffPU.id}` },
    "post /users": { url: "/api/users", body: { email: `u${Math.floor(Math.random() * 1e6)}@demo.aduan.id`, name: "Pengguna Uji", role: "operator" } },
    "put /users/:id": { url: `/api/users/${f.staffPU.id}`, body: { phone: "+628111" } },
    "delete /users/:id": { url: "/api/users/999999" },
    "get /calendars": { url: "/api/calendars" },
    "get /calendars/:id": { url: "/api/calendars/1" },
    "post /calendars": { url: "/api/calendars", body: { name: "Kalender WIT", timeZone: "Asia/Jayapura", workingHours: DEFAULT_CALENDAR.workingHours } },
    "put /calendars/:id": { url: "/api/calendars/1", body: { name: "Kalender kerja provinsi (WIB)" } },
    "post /calendars/:id/holidays": { url: "/api/calendars/1/holidays", body: { remove: ["2030-01-01"] } },
    "post /calendars/:id/holidays/import": { url: "/api/calendars/1/holidays/import", body: { format: "csv", content: "tanggal,nama\n2030-01-02,Uji" } },
    "get /calendars/:id/holidays/computed": { url: "/api/calendars/1/holidays/computed?year=2030" },
    "get /sla-policies": { url: "/api/sla-policies" },
    "get /sla-policies/:id": { url: "/api/sla-policies/1" },
    "post /sla-policies": { url: "/api/sla-policies", body: { name: "Kebijakan uji", complaintClass: `uji${Math.floor(Math.random() * 1e6)}`, definition: DEFAULT_POLICY } },
    "put /sla-policies/:id": { url: "/api/sla-policies/1", body: { name: "Kebijakan SLA bawaan / default policy" } },
    "delete /sla-policies/:id": { url: "/api/sla-policies/999999" },
    "get /sla/preview": { url: "/api/sla/preview?from=2026-03-13T09:00:00%2B07:00&workingDays=5" },
    "get /sla/reports": { url: "/api/sla/reports?groupBy=agency" },
    "get /reports/agency-month": { url: "/api/reports/agency-month?month=2026-11" },
    "get /tickets/:id/clocks": { url: `/api/tickets/${t}/clocks` },
    "get /notifications": { url: "/api/notifications" },
    "get /notifications/unread-count": { url: "/api/notifications/unread-count" },
    "post /notifications/read": { url: "/api/notifications/read", body: { all: true } },
    "get /notifications/settings": { url: "/api/notifications/settings" },
    "put /notifications/settings": { url: "/api/notifications/settings", body: { digest: false } },
    "get /tickets/:id/citizen-feedback": { url: `/api/tickets/${t}/citizen-feedback` },
    "get /channel-connectors": { url: "/api/channel-connectors" },
    "get /channel-accounts": { url: "/api/channel-accounts" },
    "get /channel-accounts/:id": { url: "/api/channel-accounts/1" },
    "post /channel-accounts": { url: "/api/channel-accounts", body: { connector: "web", name: "Formulir uji", config: { formSecret: "s".repeat(40) } } },
    "put /channel-accounts/:id": { url: "/api/channel-accounts/1", body: { name: "SMS Pusat Kendali" } },
    "delete /channel-accounts/:id": { url: "/api/channel-accounts/999999" },
    "post /channel-accounts/:id/register-webhook": { url: "/api/channel-accounts/999999/register-webhook", body: {} },
    "get /channel-accounts/:id/session": { url: "/api/channel-accounts/999999/session" },
    "post /channel-accounts/:id/session/logout": { url: "/api/channel-accounts/999999/session/logout", body: {} },
    "get /calls": { url: "/api/calls" },
    "get /tickets/:id/reply-options": { url: `/api/tickets/${t}/reply-options` },
    "get /reply-templates": { url: "/api/reply-templates" },
    "get /reply-templates/:id": { url: "/api/reply-templates/1" },
    "put /reply-templates/:id": { url: "/api/reply-templates/1", body: { body: "Terima kasih, pengaduan Anda diterima dengan nomor {{number}}. Pantau di {{link}}" } },
    "get /open311-keys": { url: "/api/open311-keys" },
    "post /open311-keys": { url: "/api/open311-keys", body: { name: "Aplikasi uji" } },
    "delete /open311-keys/:id": { url: "/api/open311-keys/999999" },
    "get /webhook-endpoints": { url: "/api/webhook-endpoints" },
    "get /webhook-endpoints/:id": { url: "/api/webhook-endpoints/999999" },
    "post /webhook-endpoints": { url: "/api/webhook-endpoints", body: { name: "Gudang data uji", url: "https://gudang.example/hook", events: ["ticket.created"], scope: "public", active: false } },
    "put /webhook-endpoints/:id": { url: "/api/webhook-endpoints/999999", body: { active: false } },
    "get /webhook-deliveries": { url: "/api/webhook-deliveries" },
    "get /webhook-deliveries/:id": { url: "/api/webhook-deliveries/999999" },
    "post /webhook-deliveries/:id/redeliver": { url: "/api/webhook-deliveries/999999/redeliver", body: {} },
    "get /events": { url: "/api/events?once=1" },
    "get /wall/summary": { url: "/api/wall/summary" },
    "get /wall/agencies": { url: "/api/wall/agencies" },
    "get /wall/series": { url: "/api/wall/series" },
    "get /wall/trending": { url: "/api/wall/trending" },
    "get /wall/escalations": { url: "/api/wall/escalations" },
    "post /tickets/:id/presence": { url: `/api/tickets/${t}/presence`, body: {} },
    "delete /tickets/:id/presence": { url: `/api/tickets/${t}/presence` },
  };
  const s = samples[key];
  if (!s) throw new Error(`no sample request for ${key}: add it to the authorization matrix`);
  return s;
}

for (const target of await testTargets()) {
  describe(`roles and rows on every /api route (${target.name})`, () => {
    let t: TestApp;
    let f: Fixtures;
    const agents = {} as Record<RoleName | "headDinkes", supertest.Agent>;
    before(async () => {
      t = await startTestApp(target);
      await seedDemoChannels(t.database.db, t.config, t.clock.now());
      const m = t.database.db.manager;
      const pu = await m.getRepository(Agency).findOneByOrFail({ code: "DPU" });
      const dinkes = await m.getRepository(Agency).findOneByOrFail({ code: "DINKES" });
      const forwards = await m.getRepository(Forward).find();
      const agenciesOf = (ticketId: number) => new Set(forwards.filter((x) => x.ticketId === ticketId).map((x) => x.agencyId));
      const tickets = await m.getRepository(Ticket).find({ order: { id: "ASC" } });
      const only = (agencyId: number, privacy: string, open = true) =>
        tickets.find((x) => x.privacy === privacy && x.isOpen === open && agenciesOf(x.id).size === 1 && agenciesOf(x.id).has(agencyId))!;
      const puTicket = only(pu.id, "publik");
      f = {
        pu,
        puTicket,
        puAnonim: only(pu.id, "anonim"),
        puForward: forwards.find((x) => x.ticketId === puTicket.id)!,
        dinkesTicket: only(dinkes.id, "publik"),
        staffPU: await m.getRepository(User).findOneByOrFail({ email: DEMO.staffPU }),
      };
      for (const [role, email] of Object.entries(ROLE_USERS)) agents[role as RoleName] = await t.loginAs(email);
      agents.headDinkes = await t.loginAs(DEMO.headDinkes);
    });
    after(() => t.close());

    it("every route answers 401 without a session, 403 to roles it does not serve, and serves its roles", async () => {
      const routes = routesOf(t.deps);
      assert.ok(routes.length >= 30, `expected the whole API, found ${routes.length} routes`);
      for (const r of routes) {
        const key = `${r.method} ${r.path}`;
        const sample = sampleRequest(key, f);
        const send = (agent: supertest.Agent | ReturnType<typeof supertest>) => {
          const req = agent[r.method](sample.url);
          return sample.body === undefined ? req : req.send(sample.body as object);
        };
        if (r.roles !== "public") {
          const anon = await send(supertest(t.app));
          assert.equal(anon.status, 401, `${key} without a session`);
        }
        for (const role of Object.keys(ROLE_USERS) as RoleName[]) {
          if (key === "post /auth/logout") continue; // would end the shared session
          const res = await send(agents[role]);
          const allowed = r.roles === "public" || r.roles === "authenticated" || r.roles.includes(role);
          if (r.roles === "public") assert.notEqual(res.status, 403, `${key} is public`);
          else if (allowed) assert.ok(![401, 403].includes(res.status), `${key} as ${role} should be served, got ${res.status} ${JSON.stringify(res.body)}`);
          else assert.equal(res.status, 403, `${key} as ${role} should be forbidden, got ${res.status}`);
        }
      }
    });

    it("the head of Dinas Kesehatan cannot list, read or act on a ticket forwarded only to Dinas PU", async () => {
      const a = agents.headDinkes;
      const id = f.puTicket.id;
      const list = await a.get("/api/tickets").query({ range: "[0,499]" });
      assert.equal(list.status, 200);
      assert.ok(list.body.length > 0, "sees the tickets of Dinas Kesehatan");
      assert.ok(!list.body.some((x: { id: number }) => x.id === id), "PU ticket not in the list");
      assert.ok(list.body.every((x: { forward: { agencyId: number } }) => x.forward.agencyId !== f.pu.id));
      const filtered = await a.get("/api/tickets").query({ filter: JSON.stringify({ agencyId: f.pu.id }) });
      assert.deepEqual(filtered.body, []);
      const byId = await a.get("/api/tickets").query({ filter: JSON.stringify({ id: [id] }) });
      assert.deepEqual(byId.body, []);
      assert.equal((await a.get(`/api/tickets/${id}`)).status, 404);
      for (const action of [{ action: "acknowledge" }, { action: "answer", response: "bukan urusan kami" }, { action: "return", reason: "bukan wewenang" }, { action: "request_info" }]) {
        assert.equal((await a.post(`/api/tickets/${id}/transitions`).send(action)).status, 404, JSON.stringify(action));
      }
      assert.equal((await a.get("/api/messages").query({ filter: JSON.stringify({ ticketId: id }) })).status, 404);
      assert.equal((await a.post("/api/messages").send({ ticketId: id, direction: "note", body: "mengintip" })).status, 404);
      assert.equal((await a.get(`/api/forwards/${f.puForward.id}`)).status, 404);
      const fwds = await a.get("/api/forwards").query({ range: "[0,499]" });
      assert.ok(fwds.body.every((x: { agencyId: number }) => x.agencyId !== f.pu.id));
      assert.equal((await a.put(`/api/forwards/${f.puForward.id}`).send({ assigneeUserId: null })).status, 404);
      const msgs = await agents.operator.get("/api/messages").query({ filter: JSON.stringify({ ticketId: id }) });
      assert.equal((await a.get(`/api/messages/${msgs.body[0].id}`)).status, 404);
      assert.equal((await a.get(`/api/tickets/${id}/clocks`)).status, 404);
      assert.equal((await a.get(`/api/tickets/${id}/cluster`)).status, 404, "nor its case cluster");
      const report = await a.get("/api/sla/reports").query({ groupBy: "agency", from: "2020-01-01T00:00:00Z" });
      assert.ok(report.body.rows.every((r: { id: number }) => r.id !== f.pu.id), "SLA reports show an OPD user their own OPD only");
      // …while the head of Dinas PU can.
      assert.equal((await agents.opd_head.get(`/api/tickets/${id}`)).status, 200);
      assert.ok((await agents.opd_head.get(`/api/tickets/${id}/clocks`)).body.some((c: { kind: string }) => c.kind === "opd_followup"));
    });

    it("an OPD user never receives the reporter's contact details, and nothing of an anonim reporter", async () => {
      const body = (x: unknown) => JSON.stringify(x);
      const contactOf = async (ticket: Ticket) => (await agents.operator.get(`/api/contacts/${ticket.contactId}`)).body;
      const anonContact = await contactOf(f.puAnonim);
      const publikContact = await contactOf(f.puTicket);
      assert.ok(anonContact.name && (anonContact.phone || anonContact.email));
      for (const agent of [agents.opd_head, agents.opd_staff]) {
        const detail = await agent.get(`/api/tickets/${f.puAnonim.id}`);
        assert.equal(detail.status, 200);
        assert.equal(detail.body.reporter, null);
        assert.equal(detail.body.contactId, undefined);
        const list = await agent.get("/api/tickets").query({ range: "[0,499]" });
        const msgs = await agent.get("/api/messages").query({ filter: JSON.stringify({ ticketId: f.puAnonim.id }) });
        for (const payload of [detail.body, list.body, msgs.body]) {
          const text = body(payload);
          assert.ok(!text.includes(anonContact.name), "anonim reporter's name leaked");
          for (const v of [anonContact.phone, anonContact.email, publikContact.phone, publikContact.email].filter(Boolean)) {
            assert.ok(!text.includes(v), `contact detail ${v} leaked`);
          }
          assert.ok(!/"contactId"/.test(text), "contact ids leaked");
        }
        const publik = await agent.get(`/api/tickets/${f.puTicket.id}`);
        assert.deepEqual(publik.body.reporter, { name: publikContact.name });
        assert.equal((await agent.get(`/api/contacts/${f.puTicket.contactId}`)).status, 403);
      }
      // The command center sees them.
      const op = await agents.operator.get(`/api/tickets/${f.puAnonim.id}`);
      assert.equal(op.body.reporter.name, anonContact.name);
    });

    it("only admins manage users, OPDs and categories", async () => {
      for (const role of ["supervisor", "operator", "opd_head", "opd_staff"] as const) {
        const a = agents[role];
        assert.equal((await a.post("/api/users").send({ email: "x@demo.aduan.id", name: "Xx", role: "admin" })).status, 403, role);
        assert.equal((await a.put(`/api/users/${f.staffPU.id}`).send({ role: "admin" })).status, 403, role);
        assert.equal((await a.delete(`/api/users/${f.staffPU.id}`)).status, 403, role);
        assert.equal((await a.post("/api/agencies").send({ code: "X1", name: "Dinas X", shortName: "X" })).status, 403, role);
        assert.equal((await a.put("/api/categories/1").send({ name: "Ganti" })).status, 403, role);
      }
      // An OPD head reads only colleagues, without e-mail addresses.
      const colleagues = await agents.opd_head.get("/api/users");
      assert.ok(colleagues.body.length >= 2);
      assert.ok(colleagues.body.every((u: { agencyId: number; email?: string }) => u.agencyId === f.pu.id && u.email === undefined));
      // A supervisor reads the command center's staff (to reassign tickets), nobody else.
      const staff = await agents.supervisor.get("/api/users");
      assert.ok(staff.body.length >= 2);
      assert.ok(staff.body.every((u: { role: string; email?: string }) => ["operator", "supervisor"].includes(u.role) && u.email === undefined));
      assert.equal((await agents.supervisor.get(`/api/users/${f.staffPU.id}`)).status, 404);
      const created = await agents.admin.post("/api/users").send({ email: "staf.baru@demo.aduan.id", name: "Staf Baru", role: "opd_staff", agencyId: f.pu.id });
      assert.equal(created.status, 201);
      assert.equal(created.body.passwordHash, undefined);
      assert.ok(created.body.initialPassword.length >= 12);
      const noAgency = await agents.admin.post("/api/users").send({ email: "staf2@demo.aduan.id", name: "Staf Dua", role: "opd_staff" });
      assert.equal(noAgency.status, 409);
      assert.match(noAgency.body.message, /must belong to an OPD/);
    });

    it("reads of a rahasia ticket are recorded in the audit log, by anyone", async () => {
      const rahasia = (await t.database.db.manager.getRepository(Ticket).find()).find((x) => x.privacy === "rahasia")!;
      // Counted in the database: reading the audit log of a rahasia ticket is itself a recorded read.
      const count = () => t.database.db.manager.getRepository(AuditEvent).count({ where: { ticketId: rahasia.id, type: "ticket.read_rahasia" } });
      const before = await count();
      await agents.operator.get(`/api/tickets/${rahasia.id}`);
      await agents.supervisor.get(`/api/tickets/${rahasia.id}`);
      await agents.operator.get("/api/messages").query({ filter: JSON.stringify({ ticketId: rahasia.id }) });
      assert.equal(await count(), before + 3);
      const events = (await agents.supervisor.get("/api/audit-events").query({ filter: JSON.stringify({ ticketId: rahasia.id, type: "ticket.read_rahasia" }), range: "[0,99]" })).body;
      assert.ok(events.some((e: { actorLabel: string }) => e.actorLabel === DEMO.supervisor));
    });
  });
}
