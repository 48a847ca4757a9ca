import type { Router } from "express";
import { z } from "zod";
import { allConnectors, connectorContext, findConnector, openConfig, webhookUrlOf } from "../../ingest/connectors.js";
import { saveChannelAccount } from "../../commands/save-channel-account.js";
import { saveReplyTemplate } from "../../commands/save-reply-template.js";
import { ChannelAccount } from "../../entities/channel-account.entity.js";
import { ReplyTemplate } from "../../entities/reply-template.entity.js";
import { SessionLease } from "../../entities/session-lease.entity.js";
import { requestSessionLogout } from "../../commands/request-session-logout.js";
import { qrSvg } from "../../lib/two-factor.js";
import { sessionDownSince } from "../../sessions/lease.js";
import { badGateway, conflict, notFound } from "../../lib/errors.js";
import { simpleList } from "../../queries/simple-list.js";
import { idList, raListQuery } from "../middleware/ra-list.js";
import { presentChannelAccount, presentReplyTemplate } from "../presenters/channel-account.presenter.js";
import { commandContext, unwrap } from "../command-context.js";
import { addRoute, idParams } from "../route.js";
import type { AppDeps } from "../types.js";

const ADMIN = ["admin"] as const;
const configBody = z.record(z.string(), z.unknown());
const accountBody = z
  .object({
    connector: z.string().trim().min(1).max(32).describe("Connector id, e.g. twilio-sms, email, telegram, web"),
    name: z.string().trim().min(2).max(200),
    config: configBody.describe("That connector's config (see GET /channel-connectors)"),
    active: z.boolean().optional(),
    failoverAccountId: z.number().int().positive().nullable().optional().describe("WhatsApp fail-over partner: the Cloud API account of a WhatsApp Web account, or the other way round"),
    failoverTemplate: z.string().regex(/^[a-z0-9_]{1,512}$/, "template name as approved in WhatsApp Manager").nullable().optional().describe("Cloud API template for failed-over replies outside the 24-hour window"),
  })
  .strict();

export function channelAccountRoutes(router: Router, deps: AppDeps) {
  const present = (account: ChannelAccount, config?: unknown) => {
    const connector = findConnector(account.connector);
    let cfg = config;
    if (cfg === undefined && connector) {
      const opened = openConfig(deps.config.encryptionKey, connector, account);
      cfg = opened.ok ? opened.config : undefined;
    }
    return presentChannelAccount(account, connector, cfg, deps.config.publicUrl);
  };
  const load = async (id: number) => {
    const a = await deps.db.manager.getRepository(ChannelAccount).findOneBy({ id });
    if (!a) throw notFound(`channel account ${id}`);
    return a;
  };

  addRoute(router, deps, {
    method: "get", path: "/channel-connectors", summary: "Connectors of this build, with the JSON schema of their config (console forms)", tag: "channels", roles: ADMIN,
    async handler() {
      return allConnectors().map((c) => ({ id: c.id, kind: c.kind, title: c.title, inbound: c.inbound, register: c.inbound === "webhook" && typeof c.register === "function", configSchema: z.toJSONSchema(c.configSchema, { io: "input", unrepresentable: "any" }) }));
    },
  });
  addRoute(router, deps, {
    method: "get", path: "/channel-accounts", summary: "List channel accounts (secrets masked)", tag: "channels", roles: ADMIN, list: true,
    query: raListQuery(z.object({ id: idList.optional(), q: z.string().max(200).optional(), connector: z.string().max(32).optional(), active: z.boolean().optional() }).strict(), ["id", "name", "connector"] as const, ["id", "ASC"]),
    async handler({ query }) {
      const { rows, total } = await simpleList(deps.db.manager.getRepository(ChannelAccount), query, { id: "id", name: "name", connector: "connector", active: "active" }, ["name"]);
      return { resource: "channel-accounts", start: query.range.start, total, rows: rows.map((a) => present(a)) };
    },
  });
  addRoute(router, deps, {
    method: "get", path: "/channel-accounts/:id", summary: "One channel account (secrets masked)", tag: "channels", roles: ADMIN, params: idParams,
    async handler({ params }) {
      return present(await load(params.id));
    },
  });
  addRoute(router, deps, {
    method: "post", created: true, path: "/channel-accounts", summary: "Create a channel account; answers its webhookUrl", tag: "channels", roles: ADMIN, body: accountBody,
    async handler({ body, viewer, now }) {
      const out = unwrap(await deps.db.tx((m) => saveChannelAccount(m, commandContext(deps, viewer, now), deps.config.encryptionKey, null, body)));
      return present(out.value, out.config);
    },
  });
  addRoute(router, deps, {
    method: "put", path: "/channel-accounts/:id", summary: "Update a channel account (config fields given replace stored ones; masked secrets keep theirs)", tag: "channels", roles: ADMIN, params: idParams,
    body: accountBody.omit({ connector: true }).partial().strict(),
    async handler({ params, body, viewer, now }) {
      const out = unwrap(await deps.db.tx((m) => saveChannelAccount(m, commandContext(deps, viewer, now), deps.config.encryptionKey, params.id, body)));
      return present(out.value, out.config);
    },
  });
  addRoute(router, deps, {
    method: "delete", path: "/channel-accounts/:id", summary: "Deactivate a channel account (its history stays)", tag: "channels", roles: ADMIN, params: idParams,
    async handler({ params, viewer, now }) {
      const out = unwrap(await deps.db.tx((m) => saveChannelAccount(m, commandContext(deps, viewer, now), deps.config.encryptionKey, params.id, { active: false })));
      return present(out.value, out.config);
    },
  });
  addRoute(router, deps, {
    method: "get", path: "/channel-accounts/:id/session", summary: "Health of a session account (WhatsApp Web, IMAP): owner, state, and the login QR code while it needs login", tag: "channels", roles: ADMIN, params: idParams,
    async handler({ params, now }) {
      const account = await load(params.id);
      const connector = findConnector(account.connector);
      if (connector?.inbound !== "session") throw conflict(`connector ${account.connector} has no session`);
      const lease = await deps.db.manager.getRepository(SessionLease).findOneBy({ channelAccountId: account.id });
      const alive = !!lease && lease.expiresAt.getTime() > now.getTime();
      const qr = alive && lease?.state === "needs-auth" ? lease.qr : null;
      return {
        channelAccountId: account.id,
        // "no-owner": no sessions process holds the account (none running, or the owner died and its lease lapsed).
        state: !lease ? "not-started" : alive ? lease.state : "no-owner",
        needsLogin: alive && lease?.state === "needs-auth",
        qr,
        // The same code as an SVG image, rendered here so the console needs no QR library.
        qrSvg: qr ? await qrSvg(qr) : null,
        downSince: sessionDownSince(lease, account.createdAt, now),
        logoutRequested: !!lease?.logoutRequestedAt,
        detail: lease?.detail ?? null,
        owner: alive ? lease!.owner : null,
        leaseExpiresAt: lease?.expiresAt ?? null,
        stateAt: lease?.stateAt ?? null,
      };
    },
  });
  addRoute(router, deps, {
    method: "post", path: "/channel-accounts/:id/session/logout", summary: "Log a WhatsApp Web session out (the linked device is removed; the session then shows a new QR code). Done by the owning sessions process within one reconcile period", tag: "channels", roles: ADMIN, params: idParams,
    async handler({ params, viewer, now }) {
      const account = await load(params.id);
      const connector = findConnector(account.connector);
      if (connector?.inbound !== "session" || account.kind !== "whatsapp") throw conflict(`connector ${account.connector} has no login to end`);
      const lease = await deps.db.manager.getRepository(SessionLease).findOneBy({ channelAccountId: account.id });
      if (!lease || lease.expiresAt.getTime() <= now.getTime()) throw conflict("no sessions process runs this account: nothing to log out");
      unwrap(await deps.db.tx((m) => requestSessionLogout(m, commandContext(deps, viewer, now), account.id, lease.state)));
      return { ok: true, requested: true };
    },
  });
  addRoute(router, deps, {
    method: "post", path: "/channel-accounts/:id/register-webhook", summary: "Tell the provider our webhook URL (e.g. Telegram setWebhook)", tag: "channels", roles: ADMIN, params: idParams,
    async handler({ params }) {
      const account = await load(params.id);
      const connector = findConnector(account.connector);
      if (!connector || connector.inbound !== "webhook" || !connector.register) throw conflict(`connector ${account.connector} has no webhook registration`);
      const opened = openConfig(deps.config.encryptionKey, connector, account);
      if (!opened.ok) throw conflict(opened.reason);
      const url = webhookUrlOf(deps.config.publicUrl, account);
      const ctx = connectorContext({ publicUrl: deps.config.publicUrl, logger: deps.logger, now: () => deps.clock.now(), providerRoute: deps.sandbox }, account, opened.config);
      try {
        await connector.register(ctx, url);
      } catch (err) {
        throw badGateway(`the provider refused the registration: ${err instanceof Error ? err.message : String(err)}`);
      }
      return { ok: true, webhookUrl: url };
    },
  });

  addRoute(router, deps, {
    method: "get", path: "/reply-templates", summary: "Texts sent to citizens (acknowledgement, status notices), per locale", tag: "channels", roles: ADMIN, list: true,
    query: raListQuery(z.object({ id: idList.optional(), q: z.string().max(200).optional(), key: z.string().max(64).optional(), locale: z.string().max(8).optional() }).strict(), ["id", "key", "locale"] as const, ["key", "ASC"]),
    async handler({ query }) {
      const { rows, total } = await simpleList(deps.db.manager.getRepository(ReplyTemplate), query, { id: "id", key: "template_key", locale: "locale" }, ["template_key", "body"]);
      return { resource: "reply-templates", start: query.range.start, total, rows: rows.map(presentReplyTemplate) };
    },
  });
  addRoute(router, deps, {
    method: "get", path: "/canned-replies", summary: "Canned replies for the console's reply box (reply templates keyed canned.*), in one locale", tag: "channels", roles: ["operator", "supervisor"], list: true,
    query: raListQuery(z.object({ locale: z.enum(["id", "en"]).optional() }).strict(), ["title", "id"] as const, ["title", "ASC"]),
    async handler({ query }) {
      const locale = query.filter.locale ?? "id";
      const rows = await deps.db.manager.getRepository(ReplyTemplate).createQueryBuilder("x").where("x.template_key LIKE :p AND x.locale = :locale", { p: "canned.%", locale }).orderBy("x.id", "ASC").getMany();
      const all = rows.map((t) => ({ id: t.id, key: t.key, title: t.subject ?? t.key.slice("canned.".length), body: t.body }));
      if (query.sort.field === "title") all.sort((a, b) => a.title.localeCompare(b.title) * (query.sort.order === "ASC" ? 1 : -1));
      return { resource: "canned-replies", start: query.range.start, total: all.length, rows: all.slice(query.range.start, query.range.end + 1) };
    },
  });
  addRoute(router, deps, {
    method: "get", path: "/reply-templates/:id", summary: "One reply template", tag: "channels", roles: ADMIN, params: idParams,
    async handler({ params }) {
      const t = await deps.db.manager.getRepository(ReplyTemplate).findOneBy({ id: params.id });
      if (!t) throw notFound(`reply template ${params.id}`);
      return presentReplyTemplate(t);
    },
  });
  addRoute(router, deps, {
    method: "put", path: "/reply-templates/:id", summary: "Edit a reply template ({{number}}, {{link}}, {{status}}, {{agency}}, {{answer}} are filled in)", tag: "channels", roles: ADMIN, params: idParams,
    body: z.object({ subject: z.string().trim().max(300).nullable().optional(), body: z.string().trim().min(1).max(2000).optional() }).strict(),
    async handler({ params, body, viewer, now }) {
      return presentReplyTemplate(unwrap(await deps.db.tx((m) => saveReplyTemplate(m, commandContext(deps, viewer, now), params.id, body))).value);
    },
  });
}
