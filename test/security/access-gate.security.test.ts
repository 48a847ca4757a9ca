// Issue 14, acceptance 1: one access gate for every staff-side read of ticket content.
// (a) The app's registered express routes are enumerated (router stack): each is either known to
//     return ticket content through the gate (and is shown to call it), or on a reviewed list of
//     routes that return none. A new route fails here until it is classified.
// (b) On an anonim ticket whose texts hold the reporter's name, NIK, phones and e-mail in several
//     spellings, no route gives an OPD head or OPD staff member any of them; an operator gets them.
// (c) Every read of a rahasia ticket, by every role allowed to read it, through every route,
//     records a ticket.read_rahasia audit event; an admin reading the audit log gets no rahasia
//     text and no contact data.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type supertest from "supertest";
import { testTargets } from "../support/databases.js";
import { DEMO, startTestApp, type TestApp } from "../support/app.js";
import { registeredRoutes } from "../support/routes.js";
import { Agency } from "../../server/entities/agency.entity.js";
import { Attachment } from "../../server/entities/attachment.entity.js";
import { AuditEvent } from "../../server/entities/audit-event.entity.js";
import { ContactIdentity } from "../../server/entities/contact-identity.entity.js";
import { Forward } from "../../server/entities/forward.entity.js";
import { Message } from "../../server/entities/message.entity.js";
import { Notification } from "../../server/entities/sla.entity.js";
import { User } from "../../server/entities/user.entity.js";
import { Ticket } from "../../server/entities/ticket.entity.js";
import { TicketRating } from "../../server/entities/ticket-rating.entity.js";
import { gateCallCount } from "../../server/queries/access-gate.js";
import { processDueClocks } from "../../server/commands/process-due-clocks.js";
import { emailNotifications, type OutgoingMail } from "../../server/commands/email-notifications.js";

// --- The reporter and what they typed about themselves.
const NAME = "Siti Rahayu Lestari";
const NIKS = ["3201234567890001", "3201 2345 6789 0001", "3201-2345-6789-0001"];
const PHONES = ["081234567890", "+62 812-3456-7890", "62812 3456 7890"];
const EMAIL = "siti.rahayu@example.com";
const HANDLE = "sitirahayu88";
/** None of these may reach an OPD user, in any field, header or spelling. */
const PII = [NAME, "Rahayu", "Lestari", ...NIKS, ...PHONES, "81234567890", "8123456789", EMAIL, HANDLE];

const TEXT = `Saya ${NAME}, NIK ${NIKS[0]} (KTP: ${NIKS[1]}, KK: ${NIKS[2]}). Hubungi ${PHONES[0]} atau ${PHONES[1]} / ${PHONES[2]}, email ${EMAIL}, telegram @${HANDLE}. Jalan di depan rumah berlubang besar sejak sebulan.`;

// --- (a) Every route of the app, classified.
type Role = "admin" | "supervisor" | "operator" | "opd_head" | "opd_staff";
interface Fx {
  anonim: number;
  anonimTwin: number;
  rahasia: number;
  anonimForward: number;
  rahasiaForward: number;
  anonimMessage: number;
  rahasiaMessage: number;
  anonimAttachment: number;
  rahasiaAttachment: number;
  anonimAudit: number;
  rahasiaAudit: number;
}
interface GatedRoute {
  roles: Role[];
  /** The request for a ticket (anonim or rahasia). */
  sample(f: Fx, which: "anonim" | "rahasia"): { method: "get" | "post" | "put"; url: string; body?: object };
  /** The operator's answer carries the complaint's text (the reporter's identifiers). */
  operatorSees: boolean;
  /** A rahasia read here is audited (false: the route shows no rahasia text at all). */
  rahasiaRead: boolean;
  /** Answers that are right for the sample besides 2xx (the gate still opened the ticket). */
  okStatuses?: number[];
  /** The sample changes the ticket's state: put it back first (the citizen "replied"). */
  resume?: boolean;
}
const q = (filter: object) => `filter=${encodeURIComponent(JSON.stringify(filter))}&range=${encodeURIComponent("[0,99]")}`;
const READERS: Role[] = ["operator", "supervisor", "opd_head", "opd_staff"];
const CENTER: Role[] = ["operator", "supervisor"];

/** Staff routes that return ticket content: each goes through server/queries/access-gate.ts. */
const GATED: Record<string, GatedRoute> = {
  "get /api/tickets": { roles: READERS, operatorSees: true, rahasiaRead: true, sample: (f, w) => ({ method: "get", url: `/api/tickets?${q({ id: [f[w]] })}` }) },
  "get /api/tickets/:id": { roles: READERS, operatorSees: true, rahasiaRead: true, sample: (f, w) => ({ method: "get", url: `/api/tickets/${f[w]}` }) },
  "get /api/tickets/:id/duplicates": { roles: CENTER, operatorSees: true, rahasiaRead: true, sample: (f, w) => ({ method: "get", url: `/api/tickets/${f[w]}/duplicates` }) },
  // A case cluster: the primary and the member tickets the viewer may open, each through the gate.
  "get /api/tickets/:id/cluster": { roles: READERS, operatorSees: true, rahasiaRead: true, sample: (f, w) => ({ method: "get", url: `/api/tickets/${f[w]}/cluster` }) },
  // Categories and OPDs with confidence, never the text; the gate still opens (and audits) the ticket.
  "get /api/tickets/:id/routing-suggestions": { roles: CENTER, operatorSees: false, rahasiaRead: true, sample: (f, w) => ({ method: "get", url: `/api/tickets/${f[w]}/routing-suggestions` }) },
  "post /api/tickets": { roles: CENTER, operatorSees: true, rahasiaRead: false, sample: () => ({ method: "post", url: "/api/tickets", body: { description: `Laporan telepon: ${TEXT}`, privacy: "anonim", caller: { name: NAME, phone: PHONES[0] } } }) },
  "put /api/tickets/:id": { roles: CENTER, operatorSees: true, rahasiaRead: true, sample: (f, w) => ({ method: "put", url: `/api/tickets/${f[w]}`, body: { priority: "high" } }) },
  "post /api/tickets/:id/transitions": { roles: READERS, operatorSees: true, rahasiaRead: true, resume: true, sample: (f, w) => ({ method: "post", url: `/api/tickets/${f[w]}/transitions`, body: { action: "request_info", message: "Mohon foto lokasi" } }) },
  "get /api/tickets/:id/clocks": { roles: [...READERS, "admin"], operatorSees: false, rahasiaRead: true, sample: (f, w) => ({ method: "get", url: `/api/tickets/${f[w]}/clocks` }) },
  // The citizen's rating comment and dispute reasons are their own words: masked for an OPD like every free text.
  "get /api/tickets/:id/citizen-feedback": { roles: READERS, operatorSees: true, rahasiaRead: true, sample: (f, w) => ({ method: "get", url: `/api/tickets/${f[w]}/citizen-feedback` }) },
  "get /api/tickets/:id/reply-options": { roles: CENTER, operatorSees: false, rahasiaRead: true, sample: (f, w) => ({ method: "get", url: `/api/tickets/${f[w]}/reply-options` }) },
  "get /api/messages": { roles: READERS, operatorSees: true, rahasiaRead: true, sample: (f, w) => ({ method: "get", url: `/api/messages?${q({ ticketId: f[w] })}` }) },
  "get /api/messages/:id": { roles: READERS, operatorSees: true, rahasiaRead: true, sample: (f, w) => ({ method: "get", url: `/api/messages/${f[`${w}Message`]}` }) },
  "post /api/messages": { roles: READERS, operatorSees: false, rahasiaRead: true, sample: (f, w) => ({ method: "post", url: "/api/messages", body: { ticketId: f[w], direction: "note", body: "Sudah dicek ke lokasi." } }) },
  // The sample is the citizen's message (not resendable): the gate opens the ticket, the command refuses.
  "post /api/messages/:id/resend": { roles: CENTER, operatorSees: false, rahasiaRead: true, okStatuses: [404], sample: (f, w) => ({ method: "post", url: `/api/messages/${f[`${w}Message`]}/resend`, body: {} }) },
  "get /api/forwards": { roles: READERS, operatorSees: true, rahasiaRead: true, sample: (f, w) => ({ method: "get", url: `/api/forwards?${q({ ticketId: f[w] })}` }) },
  "get /api/forwards/:id": { roles: READERS, operatorSees: true, rahasiaRead: true, sample: (f, w) => ({ method: "get", url: `/api/forwards/${f[`${w}Forward`]}` }) },
  "put /api/forwards/:id": { roles: ["opd_head"], operatorSees: true, rahasiaRead: true, sample: (f, w) => ({ method: "put", url: `/api/forwards/${f[`${w}Forward`]}`, body: { assigneeUserId: null } }) },
  "get /api/attachments": { roles: READERS, operatorSees: true, rahasiaRead: true, sample: (f, w) => ({ method: "get", url: `/api/attachments?${q({ ticketId: f[w] })}` }) },
  "get /api/attachments/:id/content": { roles: READERS, operatorSees: true, rahasiaRead: true, sample: (f, w) => ({ method: "get", url: `/api/attachments/${f[`${w}Attachment`]}/content` }) },
  "post /api/forwards/:id/attachments": {
    roles: ["opd_head", "opd_staff"],
    operatorSees: false,
    rahasiaRead: true,
    sample: (f, w) => ({ method: "post", url: `/api/forwards/${f[`${w}Forward`]}/attachments`, body: { fileName: "berita-acara.pdf", mimeType: "application/pdf", content: Buffer.from("%PDF-1.4\n%%EOF\n").toString("base64") } }),
  },
  // Notifications never show a rahasia ticket's text (nothing to audit); the others' subject through the gate.
  "get /api/notifications": { roles: [...READERS, "admin"], operatorSees: false, rahasiaRead: false, sample: (f, w) => ({ method: "get", url: `/api/notifications?${q({ ticketId: f[w] })}` }) },
  "get /api/audit-events": { roles: ["admin", "supervisor", "operator"], operatorSees: true, rahasiaRead: true, sample: (f, w) => ({ method: "get", url: `/api/audit-events?${q({ ticketId: f[w] })}` }) },
  "get /api/audit-events/:id": { roles: ["admin", "supervisor", "operator"], operatorSees: true, rahasiaRead: true, sample: (f, w) => ({ method: "get", url: `/api/audit-events/${f[`${w}Audit`]}` }) },
  // The public preview shows the masked public version (rahasia: no text), still an opened ticket.
  "get /api/tickets/:id/publication": { roles: CENTER, operatorSees: false, rahasiaRead: true, sample: (f, w) => ({ method: "get", url: `/api/tickets/${f[w]}/publication` }) },
  "post /api/tickets/:id/publication/preview": { roles: CENTER, operatorSees: false, rahasiaRead: true, sample: (f, w) => ({ method: "post", url: `/api/tickets/${f[w]}/publication/preview`, body: { redactions: [] } }) },
  // Presence shows staff names only: the gate's row rule decides, nothing of the ticket is shown (no rahasia read).
  "post /api/tickets/:id/presence": { roles: READERS, operatorSees: false, rahasiaRead: false, sample: (f, w) => ({ method: "post", url: `/api/tickets/${f[w]}/presence`, body: {} }) },
  "put /api/tickets/:id/publication": { roles: CENTER, operatorSees: false, rahasiaRead: true, okStatuses: [409], sample: (f, w) => ({ method: "put", url: `/api/tickets/${f[w]}/publication`, body: { redactions: [] } }) },
  // Marking a photo "boleh tampil" opens its ticket through the gate; anonim and rahasia are refused (409), nothing of the ticket is returned.
  "put /api/attachments/:id/wall": { roles: CENTER, operatorSees: false, rahasiaRead: true, okStatuses: [409], sample: (f, w) => ({ method: "put", url: `/api/attachments/${f[`${w}Attachment`]}/wall`, body: {} }) },
  // Approving a photo for the public report page opens its ticket the same way; rahasia is refused (409), nothing of the ticket is returned.
  "put /api/attachments/:id/public": { roles: CENTER, operatorSees: false, rahasiaRead: true, okStatuses: [409], sample: (f, w) => ({ method: "put", url: `/api/attachments/${f[`${w}Attachment`]}/public`, body: {} }) },
};

/**
 * Reviewed: routes that pass the gate but are the command center's own (operators and supervisors
 * see everything by the field rule) and change or export a citizen's data: their reads, rahasia
 * audit and results are tested in test/e2e/data-subject.e2e.test.ts.
 */
const GATED_ELSEWHERE: Record<string, string> = {
  "get /api/data-subjects": "UU PDP search (command center)",
  "get /api/data-subject-requests": "UU PDP requests (command center)",
  "get /api/data-subject-requests/:id": "UU PDP requests (command center)",
  "post /api/data-subject-requests": "UU PDP requests (command center)",
  "get /api/data-subject-requests/:id/export": "UU PDP export (command center)",
  "post /api/data-subject-requests/:id/correct": "UU PDP correction (command center)",
  "post /api/data-subject-requests/:id/erase": "UU PDP erasure (command center)",
  // The whole database: the field rule cannot apply, the gate records a rahasia read of every rahasia ticket (tested below).
  "get /api/operations/export": "the admin's full export",
  // Aggregates per OPD and period; the only case text is the citizens' rating comments, masked for every role
  // (maskPublicText with the reporter's names) and left out for rahasia tickets; the row rule (an OPD its own) and
  // the masking are tested in test/e2e/reports.e2e.test.ts.
  "get /api/reports/agency-month": "reports per OPD (aggregates; masked rating comments)",
  // Grouping tickets into a case and taking one out (command center): the answer is the cluster as
  // GET /api/tickets/:id/cluster presents it (through the gate); tested in test/e2e/case-clusters.e2e.test.ts.
  "post /api/tickets/:id/cluster": "grouping a case cluster (command center)",
  "delete /api/tickets/:id/cluster/members/:memberId": "taking a ticket out of a case cluster (command center)",
  // The gate opens the ticket (as for the marking above); tested in test/e2e/wall-photos.e2e.test.ts.
  "delete /api/attachments/:id/wall": "taking a photo off the wall (command center)",
  // The same for the public report page; tested in test/e2e/public-photos.e2e.test.ts.
  "delete /api/attachments/:id/public": "withdrawing a photo from the public report page (command center)",
};

/** Reviewed: staff routes that return no ticket content (configuration, people, counts, the session). */
const NO_TICKET_CONTENT: Record<string, string> = {
  "post /api/auth/login": "the session",
  "post /api/auth/logout": "the session",
  "get /api/auth/me": "the caller's own account",
  "get /api/canned-replies": "reply texts written by admins",
  "get /api/delivery-problems": "counts and ticket numbers per channel account; provider reasons masked for admins",
  "get /api/contacts": "the citizen register: command center only (role rule), no complaint text",
  "get /api/contacts/:id": "the citizen register: command center only (role rule), no complaint text",
  "put /api/contacts/:id": "the citizen register: command center only (role rule), no complaint text",
  "post /api/contacts/:id/merge": "the citizen register (linking a citizen's identities): command center only (role rule), answers contact and identity rows, no complaint text",
  "post /api/contact-merges/:id/undo": "the citizen register (unlinking): command center only (role rule), answers ids and counts, no complaint text",
  "get /api/calls": "the call log: command center only (role rule), no complaint text",
  "get /api/agencies": "configuration",
  "get /api/agencies/:id": "configuration",
  "post /api/agencies": "configuration",
  "put /api/agencies/:id": "configuration",
  "delete /api/agencies/:id": "configuration",
  "get /api/categories": "configuration",
  "get /api/categories/:id": "configuration",
  "post /api/categories": "configuration",
  "put /api/categories/:id": "configuration",
  "delete /api/categories/:id": "configuration",
  "get /api/users": "staff accounts",
  "get /api/users/:id": "staff accounts",
  "post /api/users": "staff accounts",
  "put /api/users/:id": "staff accounts",
  "delete /api/users/:id": "staff accounts",
  "get /api/calendars": "configuration",
  "get /api/calendars/:id": "configuration",
  "post /api/calendars": "configuration",
  "put /api/calendars/:id": "configuration",
  "post /api/calendars/:id/holidays": "configuration",
  "post /api/calendars/:id/holidays/import": "configuration",
  "get /api/calendars/:id/holidays/computed": "configuration",
  "get /api/sla-policies": "configuration",
  "get /api/sla-policies/:id": "configuration",
  "post /api/sla-policies": "configuration",
  "put /api/sla-policies/:id": "configuration",
  "delete /api/sla-policies/:id": "configuration",
  "get /api/sla/preview": "a computed deadline",
  "get /api/sla/reports": "aggregates per OPD or category",
  "get /api/notifications/unread-count": "a count",
  "post /api/notifications/read": "counts",
  "get /api/notifications/settings": "the caller's own e-mail preference",
  "put /api/notifications/settings": "the caller's own e-mail preference",
  "get /api/channel-connectors": "configuration",
  "get /api/channel-accounts": "configuration (secrets masked)",
  "get /api/channel-accounts/:id": "configuration (secrets masked)",
  "post /api/channel-accounts": "configuration",
  "put /api/channel-accounts/:id": "configuration",
  "delete /api/channel-accounts/:id": "configuration",
  "get /api/channel-accounts/:id/session": "connector health",
  "post /api/channel-accounts/:id/session/logout": "connector control (admin: ends the WhatsApp Web login)",
  "post /api/channel-accounts/:id/register-webhook": "provider answer",
  "get /api/reply-templates": "configuration",
  "get /api/reply-templates/:id": "configuration",
  "put /api/reply-templates/:id": "configuration",
  "get /api/open311-keys": "configuration",
  "post /api/open311-keys": "configuration",
  "delete /api/open311-keys/:id": "configuration",
  "get /api/webhook-endpoints": "configuration (secrets never shown after creation)",
  "get /api/webhook-endpoints/:id": "configuration (secrets never shown after creation)",
  "post /api/webhook-endpoints": "configuration (the new secret, once)",
  "put /api/webhook-endpoints/:id": "configuration",
  "get /api/webhook-deliveries": "the delivery log: ids, event types, states and response codes; no payloads",
  "get /api/webhook-deliveries/:id": "the delivery log: ids, event types, states and response codes; no payloads",
  "post /api/webhook-deliveries/:id/redeliver": "a delivery's state (the payload goes to the receiver, built by the endpoint's scope: server/webhooks/payload.ts)",
  "get /api/openapi.json": "the API description",
  "get /api/events": "the live stream: ids, statuses and counts, filtered by the gate's row rule (server/live/events.ts mayReceive; test/e2e/live-events.e2e.test.ts)",
  "get /api/wall/summary": "the wall: counts from the rollups",
  "get /api/wall/agencies": "the wall: per-OPD counts and lights",
  "get /api/wall/series": "the wall: counts per hour, day and category",
  "get /api/wall/trending": "the wall: cluster sizes and categories (texts compared on the server, never returned)",
  "get /api/wall/escalations": "the wall: ticket numbers, OPD and category names of SLA events",
  "delete /api/tickets/:id/presence": "removes the caller's own presence row (row rule through the gate)",
  "get /api/auth/options": "which sign-in methods exist",
  "post /api/auth/2fa/verify": "the session's second factor",
  "post /api/auth/2fa/enrol": "the caller's own second factor",
  "post /api/auth/2fa/confirm": "the caller's own second factor",
  "get /api/auth/2fa": "the caller's own second factor",
  "get /api/users/:id/two-factor": "staff accounts",
  "post /api/users/:id/two-factor/reset": "staff accounts",
  "get /api/security/two-factor": "configuration",
  "put /api/security/two-factor": "configuration",
  "get /api/auth/oidc/start": "the sign-in redirect",
  "get /api/auth/oidc/callback": "the session",
  "get /api/operations/backup": "the backup's time and folder",
  "get /api/audit/verification": "the last chain verification: counts, chain keys, positions and reasons (ids only, no event payload)",
  "get /api/audit/event-types": "the distinct audit event type names",
  "get /api/retention": "configuration and a dry run listing case numbers",
  "put /api/retention": "configuration",
  "post /api/retention/run": "counts",
  "get /api/map/points": "ticket ids, numbers, statuses, categories and points: no text, no reporter; no rahasia ticket, anonim points coarsened (test/e2e/map.e2e.test.ts)",
  "get /api/wall/photos": "photos of publik tickets an operator marked for the wall, with number and category (test/e2e/wall-photos.e2e.test.ts)",
  "get /api/wall/photos/:id/content": "a marked photo's copy without metadata, publik tickets only (test/e2e/wall-photos.e2e.test.ts)",
};

/** Outside /api: not staff reads. The public side renders through the masked public presenters (test/e2e/public-*.ts). */
const NOT_STAFF_PREFIXES = ["/webhooks/", "/lapor", "/lacak", "/laporan", "/kinerja", "/open311/", "/publik/", "/console", "/demo/"];
const NOT_STAFF_EXACT = new Set(["get /", "get /favicon.ico", "get /healthz", "get /readyz", "get /metrics"]);

const haystack = (res: supertest.Response) => {
  const cd = String(res.headers["content-disposition"] ?? "");
  let decoded = cd;
  try {
    decoded = decodeURIComponent(cd);
  } catch {
    /* not encoded */
  }
  return `${JSON.stringify(res.body)}\n${res.type?.startsWith("text/") ? res.text : ""}\n${cd}\n${decoded}`.toLowerCase();
};
const leaks = (res: supertest.Response) => PII.filter((s) => haystack(res).includes(s.toLowerCase()));

for (const target of await testTargets()) {
  describe(`the access gate on every staff route (${target.name})`, () => {
    let t: TestApp;
    let f: Fx;
    const users = {} as Record<Role, User>;
    const ROLE_EMAIL: Record<Role, string> = { admin: DEMO.admin, supervisor: DEMO.supervisor, operator: DEMO.operator, opd_head: DEMO.headPU, opd_staff: DEMO.staffPU };

    const send = (agent: supertest.Agent, s: { method: "get" | "post" | "put"; url: string; body?: object }) => (s.body === undefined ? agent[s.method](s.url) : agent[s.method](s.url).send(s.body));
    const resumers = {} as Record<"operator" | "supervisor", supertest.Agent>;
    /** Sends a route's sample as a role; a state-changing sample first has the ticket put back (by another center user). */
    const call = async (agent: supertest.Agent, role: Role, key: string, which: "anonim" | "rahasia") => {
      const r = GATED[key];
      if (r.resume) await resumers[role === "operator" ? "supervisor" : "operator"].post(`/api/tickets/${f[which]}/transitions`).send({ action: "citizen_replied" });
      const res = await send(agent, r.sample(f, which));
      assert.ok(res.status < 400 || r.okStatuses?.includes(res.status), `${key} as ${role}: ${res.status} ${JSON.stringify(res.body)}`);
      return res;
    };

    before(async () => {
      t = await startTestApp(target);
      const m = t.database.db.manager;
      for (const [role, email] of Object.entries(ROLE_EMAIL)) users[role as Role] = await m.getRepository(User).findOneByOrFail({ email });
      const pu = await m.getRepository(Agency).findOneByOrFail({ code: "DPU" });
      const operator = await t.loginAs(DEMO.operator);
      resumers.operator = operator;
      resumers.supervisor = await t.loginAs(DEMO.supervisor);

      const record = async (privacy: string, subject: string) => {
        const r = await operator.post("/api/tickets").send({ channel: "voice", subject, description: TEXT, privacy, locationText: `Depan rumah ${NAME}, telp ${PHONES[0]}`, caller: { name: NAME, phone: PHONES[0], email: EMAIL } });
        assert.equal(r.status, 201, JSON.stringify(r.body));
        const id = r.body.id as number;
        for (const body of [{ action: "verify" }, { action: "forward", agencyIds: [pu.id], instruction: `Mohon ditindaklanjuti; pelapor ${NAME} (${PHONES[1]}) minta dikabari.` }]) {
          const x = await operator.post(`/api/tickets/${id}/transitions`).send(body);
          assert.equal(x.status, 200, JSON.stringify(x.body));
        }
        return { id, contactId: (await operator.get(`/api/tickets/${id}`)).body.contactId as number };
      };
      const anonim = await record("anonim", `Jalan berlubang, pelapor ${NAME} ${PHONES[2]}`);
      const twin = await record("anonim", `Jalan berlubang lagi, ${NAME}`);
      const rahasia = await record("rahasia", `Pungutan liar di kantor kelurahan, lapor ${NAME}`);
      await m.getRepository(ContactIdentity).insert({ contactId: anonim.contactId, channel: "telegram", address: HANDLE, displayName: "Siti Rahayu", createdAt: t.clock.now() });

      const message = async (ticketId: number, contactId: number) =>
        (
          await m.getRepository(Message).save(
            m.getRepository(Message).create({ ticketId, contactId, direction: "inbound", channel: "email", subject: `Re: laporan dari ${NAME} <${EMAIL}>`, body: `Tambahan dari saya ${NAME}: ${TEXT}`, bodyHtml: null, externalAddress: EMAIL, sentAt: null, deliveryStatus: null, authorUserId: null, forwardId: null, channelAccountId: null, externalId: null, createdAt: t.clock.now() }),
          )
        ).id;
      const attachment = async (ticketId: number, messageId: number) => {
        const storageKey = join("attachments", String(ticketId), `gate-${ticketId}.jpg`);
        await mkdir(join(t.config.dataDir, "attachments", String(ticketId)), { recursive: true });
        await writeFile(join(t.config.dataDir, storageKey), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]));
        return (
          await m.getRepository(Attachment).save(
            m.getRepository(Attachment).create({ ticketId, messageId, fileName: `KTP ${NAME} ${NIKS[0]} ${PHONES[0]}.jpg`, mimeType: "image/jpeg", sizeBytes: 6, storageKey, sha256: null, uploadedByUserId: null, createdAt: t.clock.now() }),
          )
        ).id;
      };
      const anonimMessage = await message(anonim.id, anonim.contactId);
      const rahasiaMessage = await message(rahasia.id, rahasia.contactId);
      // An escalation notification of each ticket for the OPD, one written before notifications kept no text.
      for (const u of [users.opd_head, users.opd_staff, users.admin, users.operator, users.supervisor]) {
        for (const id of [anonim.id, rahasia.id]) {
          await m.getRepository(Notification).insert({ userId: u.id, ticketId: id, slaEventId: null, type: "sla_breach", title: `Pelanggaran SLA level 1`, body: `Jalan berlubang, pelapor ${NAME} ${PHONES[2]}`, readAt: null, emailedAt: null, createdAt: t.clock.now() });
        }
      }
      // The citizen's rating comment names them (the ticket page shows it to staff through the gate).
      for (const id of [anonim.id, rahasia.id]) {
        await m.getRepository(TicketRating).insert({ ticketId: id, rating: 2, comment: `Saya ${NAME} (${PHONES[0]}) belum puas`, createdAt: t.clock.now(), updatedAt: t.clock.now() });
      }
      const firstAudit = async (ticketId: number) => (await m.getRepository(AuditEvent).findOneOrFail({ where: { ticketId, type: "ticket.received" } })).id;
      const forwardOf = async (ticketId: number) => (await m.getRepository(Forward).findOneByOrFail({ ticketId, agencyId: pu.id })).id;
      f = {
        anonim: anonim.id,
        anonimTwin: twin.id,
        rahasia: rahasia.id,
        anonimForward: await forwardOf(anonim.id),
        rahasiaForward: await forwardOf(rahasia.id),
        anonimMessage,
        rahasiaMessage,
        anonimAttachment: await attachment(anonim.id, anonimMessage),
        rahasiaAttachment: await attachment(rahasia.id, rahasiaMessage),
        anonimAudit: await firstAudit(anonim.id),
        rahasiaAudit: await firstAudit(rahasia.id),
      };
    });
    after(() => t?.close());

    it("(a) every registered route is classified; each route returning ticket content passes through the gate", async () => {
      const routes = registeredRoutes(t.app);
      assert.ok(routes.filter((r) => r.includes(" /api/")).length >= 60, `expected the whole API, found ${routes.length} routes`);
      const unclassified = routes.filter((r) => {
        if (GATED[r] || NO_TICKET_CONTENT[r] || GATED_ELSEWHERE[r]) return false;
        const path = r.slice(r.indexOf(" ") + 1);
        return !(NOT_STAFF_EXACT.has(r) || (!path.startsWith("/api") && NOT_STAFF_PREFIXES.some((p) => path.startsWith(p))));
      });
      assert.deepEqual(unclassified, [], "classify these routes: GATED (returns ticket content, goes through server/queries/access-gate.ts) or NO_TICKET_CONTENT");
      const gone = [...Object.keys(GATED), ...Object.keys(NO_TICKET_CONTENT), ...Object.keys(GATED_ELSEWHERE)].filter((k) => !routes.includes(k));
      assert.deepEqual(gone, [], "classified routes that no longer exist");

      // Each gated route, as each role it serves, really opens the ticket through the gate.
      const agents = {} as Record<Role, supertest.Agent>;
      for (const [role, email] of Object.entries(ROLE_EMAIL)) agents[role as Role] = await t.loginAs(email);
      for (const [key, r] of Object.entries(GATED)) {
        for (const role of r.roles) {
          if (r.resume) await resumers[role === "operator" ? "supervisor" : "operator"].post(`/api/tickets/${f.anonim}/transitions`).send({ action: "citizen_replied" });
          const before = gateCallCount();
          const res = await send(agents[role], r.sample(f, "anonim"));
          // An admin opens no ticket: 404 from the gate's row rule.
          assert.ok(res.status < 400 || r.okStatuses?.includes(res.status) || (role === "admin" && res.status === 404), `${key} as ${role}: ${res.status} ${JSON.stringify(res.body)}`);
          assert.ok(gateCallCount() > before, `${key} as ${role} answered without passing through the access gate`);
        }
      }
    });

    it("(b) an anonim reporter's name, NIK, phones, e-mail and handle reach no OPD user through any route; operators see them", async () => {
      for (const role of ["opd_head", "opd_staff", "operator"] as const) {
        const agent = await t.loginAs(ROLE_EMAIL[role]);
        for (const [key, r] of Object.entries(GATED)) {
          if (!r.roles.includes(role)) continue;
          const res = await call(agent, role, key, "anonim");
          if (role === "operator") {
            if (r.operatorSees) assert.notDeepEqual(leaks(res), [], `${key}: the operator should see the reporter's identifiers`);
          } else {
            assert.deepEqual(leaks(res), [], `${key} as ${role} leaked the anonim reporter's identifiers`);
          }
        }
      }
      // The operator sees every spelling as typed, and the contact; the OPD a plain notice of what was withheld.
      const op = (await (await t.loginAs(DEMO.operator)).get(`/api/tickets/${f.anonim}`)).body;
      for (const s of [NAME, ...NIKS, ...PHONES, EMAIL]) assert.ok(op.description.includes(s), `operator's description lacks ${s}`);
      assert.equal(op.reporter.name, NAME);
      assert.equal(op.withheld, null);
      const head = (await (await t.loginAs(DEMO.headPU)).get(`/api/tickets/${f.anonim}`)).body;
      assert.equal(head.reporter, null);
      assert.equal(head.contactId, undefined);
      assert.equal(head.withheld.reason, "anonim");
      assert.match(head.withheld.notice, /Identitas pelapor dirahasiakan \(anonim\).*Reporter identity withheld \(anonymous\)/);
      assert.match(head.description, /\[nama disamarkan\].*\[NIK disamarkan\].*\[nomor telepon disamarkan\].*\[email disamarkan\]/);
      assert.match(head.description, /Jalan di depan rumah berlubang besar/, "the complaint itself stays readable");
      // An OPD's search cannot probe the masked text either.
      const search = await (await t.loginAs(DEMO.staffPU)).get("/api/tickets").query({ filter: JSON.stringify({ q: "Rahayu" }) });
      assert.deepEqual(search.body, []);
    });

    it("(c) every rahasia read, by every role allowed, through every route, records ticket.read_rahasia", async () => {
      const reads = async (userId: number) => (await t.database.db.manager.getRepository(AuditEvent).find({ where: { ticketId: f.rahasia, type: "ticket.read_rahasia", actorUserId: userId } })).length;
      for (const role of ["operator", "supervisor", "opd_head", "opd_staff"] as const) {
        const agent = await t.loginAs(ROLE_EMAIL[role]);
        for (const [key, r] of Object.entries(GATED)) {
          if (!r.roles.includes(role) || key === "post /api/tickets") continue;
          const before = await reads(users[role].id);
          const res = await call(agent, role, key, "rahasia");
          const n = (await reads(users[role].id)) - before;
          if (r.rahasiaRead) assert.equal(n, 1, `${key} as ${role}: ${n} ticket.read_rahasia events`);
          else {
            assert.equal(n, 0, `${key} as ${role} shows no rahasia text`);
            assert.deepEqual(leaks(res), [], `${key} as ${role} carried rahasia text`);
          }
          if (role === "opd_head" || role === "opd_staff") assert.deepEqual(leaks(res), [], `${key} as ${role} leaked the rahasia reporter's identifiers`);
        }
        // Once per session and route is enough: the console's polling does not flood the log.
        const again = await reads(users[role].id);
        await send(agent, GATED["get /api/tickets/:id"].sample(f, "rahasia"));
        assert.equal(await reads(users[role].id), again);
      }
    });

    it("an admin reads the audit log of a rahasia ticket without its subject or the contact's name and phone, and 403 on the ticket", async () => {
      const admin = await t.loginAs(DEMO.admin);
      const list = await admin.get(`/api/audit-events?${q({ ticketId: f.rahasia })}`);
      assert.equal(list.status, 200);
      assert.ok(list.body.length > 0, "the admin still sees who did what and when");
      assert.deepEqual(leaks(list), []);
      assert.ok(!haystack(list).includes("pungutan liar"), "the rahasia subject is not shown");
      assert.ok(list.body.every((e: { before: unknown; after: unknown; withheld: { reason: string } }) => e.before === null && e.after === null && e.withheld.reason === "not_permitted"));
      const one = await admin.get(`/api/audit-events/${f.rahasiaAudit}`);
      assert.deepEqual(leaks(one), []);
      const contactEvents = await admin.get(`/api/audit-events?${q({ entityType: "contact" })}`);
      assert.deepEqual(leaks(contactEvents), []);
      assert.equal((await admin.get(`/api/tickets/${f.rahasia}`)).status, 403);
      const reads = await t.database.db.manager.getRepository(AuditEvent).count({ where: { type: "ticket.read_rahasia", actorUserId: users.admin.id } });
      assert.equal(reads, 0, "the admin read nothing of the rahasia ticket");
    });

    it("notifications carry no complaint text of a rahasia ticket nor of a ticket the recipient cannot open", async () => {
      const mine = async (email: string) => (await (await t.loginAs(email)).get(`/api/notifications?${q({})}`)).body as { ticketId: number; body: string | null }[];
      const head = await mine(DEMO.headPU);
      assert.ok(head.some((n) => n.ticketId === f.anonim && n.body && /Jalan berlubang/.test(n.body) && !n.body.includes("Rahayu")), "the anonim subject, masked");
      assert.ok(head.some((n) => n.ticketId === f.rahasia && n.body === null), "no rahasia subject");
      const admin = await mine(DEMO.admin);
      assert.ok(admin.filter((n) => n.ticketId === f.anonim || n.ticketId === f.rahasia).every((n) => n.body === null), "no text of tickets the admin cannot open");
      const kominfoHead = (await mine(DEMO.headDinkes)).filter((n) => n.ticketId === f.anonim);
      assert.deepEqual(kominfoHead, []);
    });

    it("escalations and their e-mails carry no complaint text of a rahasia ticket nor of a ticket the recipient cannot open", async () => {
      const db = t.database.db;
      // Earlier samples left the tickets waiting on the citizen (clocks paused): the citizen answered.
      for (const id of [f.anonim, f.rahasia]) await resumers.operator.post(`/api/tickets/${id}/transitions`).send({ action: "citizen_replied" });
      const before = await db.manager.getRepository(Notification).count();
      // Far past every clock of the open tickets: warnings, breaches and escalations up the ladder.
      const late = new Date(t.clock.now().getTime() + 120 * 86_400_000);
      const swept = await processDueClocks(db, late, { secretKey: t.config.sessionSecret, kominfoAgencyCode: "DPU" });
      assert.ok(swept.notifications > 0, "escalations were notified");
      const fresh = await db.manager.getRepository(Notification).createQueryBuilder("n").where("n.id > :n", { n: 0 }).orderBy("n.id", "DESC").limit(swept.notifications).getMany();
      assert.equal(fresh.length, swept.notifications);
      assert.ok(fresh.every((n) => n.body === ""), "a notification stores no complaint text");
      assert.ok((await db.manager.getRepository(Notification).count()) > before);

      const mails: OutgoingMail[] = [];
      await emailNotifications(db, late, async (mail) => void mails.push(mail), { publicUrl: "http://aduan.test" });
      assert.ok(mails.length > 0);
      const head = await db.manager.getRepository(User).findOneByOrFail({ email: DEMO.headPU });
      const toHead = mails.filter((x) => x.to === head.email);
      assert.ok(toHead.length > 0, "the head of Dinas PU was e-mailed");
      const roleOf = new Map((await db.manager.getRepository(User).find()).map((u) => [u.email, u.role]));
      for (const mail of mails) {
        const text = `${mail.subject}\n${mail.text}`.toLowerCase();
        // The command center may read the anonim reporter; nobody else gets their identifiers.
        if (roleOf.get(mail.to) !== "operator" && roleOf.get(mail.to) !== "supervisor") {
          assert.deepEqual(PII.filter((p) => text.includes(p.toLowerCase())), [], `mail to ${mail.to} carries the reporter's identifiers`);
        }
        assert.ok(!text.includes("pungutan liar"), `mail to ${mail.to} carries a rahasia subject`);
      }
      assert.ok(toHead.some((x) => /Perihal \/ subject: Jalan berlubang, pelapor \[nama disamarkan\]/.test(x.text)), "the head reads the masked subject of an anonim ticket of their OPD");
      // Dinas PU's head is also "kominfo_head" here (top of the ladder for every OPD): escalations of
      // tickets not forwarded to Dinas PU reach him by number, without their text.
      const pu = await db.manager.getRepository(Agency).findOneByOrFail({ code: "DPU" });
      const puTickets = new Set((await db.manager.getRepository(Forward).find({ where: { agencyId: pu.id } })).map((x) => x.ticketId));
      const others = (await db.manager.getRepository(Ticket).find({ select: { id: true, number: true } })).filter((x) => !puTickets.has(x.id));
      const aboutOthers = toHead.filter((x) => others.some((o) => o.number && x.subject.includes(o.number)));
      assert.ok(aboutOthers.length > 0, "escalations of other OPDs' tickets reached the top of the ladder");
      assert.ok(aboutOthers.every((x) => !x.text.includes("Perihal")), "…without their complaint text");
      // A ticket of another OPD: the head of Dinas Kesehatan gets no text of Dinas PU's tickets.
      assert.ok(mails.filter((x) => x.to === DEMO.headDinkes).every((x) => !/jalan berlubang/i.test(x.text)));
    });

    it("the admin's full export records a rahasia read of every rahasia ticket, and only admins may take it", async () => {
      for (const role of ["operator", "supervisor", "opd_head"] as const) assert.equal((await (await t.loginAs(ROLE_EMAIL[role])).get("/api/operations/export")).status, 403);
      const admin = await t.loginAs(DEMO.admin);
      const repo = t.database.db.manager.getRepository(AuditEvent);
      const rahasia = (await t.database.db.manager.getRepository(Ticket).find({ select: { id: true }, where: { privacy: "rahasia" } })).map((x) => x.id);
      assert.ok(rahasia.includes(f.rahasia));
      const before = await repo.count({ where: { type: "ticket.read_rahasia", actorUserId: users.admin.id } });
      const res = await admin.get("/api/operations/export").buffer(true).parse((r, cb) => {
        const parts: Buffer[] = [];
        r.on("data", (c: Buffer) => parts.push(c));
        r.on("end", () => cb(null, Buffer.concat(parts)));
      });
      assert.equal(res.status, 200);
      const reads = await repo.find({ where: { type: "ticket.read_rahasia", actorUserId: users.admin.id } });
      assert.equal(reads.length - before, rahasia.length, "one read per rahasia ticket");
      assert.deepEqual([...new Set(reads.map((e) => e.ticketId))].sort(), [...rahasia].sort());
      assert.equal(await repo.count({ where: { type: "export.downloaded", actorUserId: users.admin.id } }), 1);
    });
  });
}
