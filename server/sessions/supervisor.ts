// The sessions role: keeps one running session per active session-connector account (IMAP mailbox,
// SMTP receiver, WhatsApp Web), feeding the same ingest as the webhooks (inbound-sink.ts).
// Reconciles with the channel_accounts table periodically: new or changed accounts are (re)started,
// deactivated ones stopped. Any number of sessions processes may run: each account is run by the
// one holding its lease (lease.ts), renewed at every reconcile; when that process dies another
// takes the account over once the lease expired (LEASE_POLICY.ttlMs).
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { AnyConnector, InboundSink, SessionConnector } from "../../channels/connector.js";
import { connectorContext, findConnector as findRegistered, openConfig, type ProviderRoute } from "../ingest/connectors.js";
import { inboundSink } from "../ingest/inbound-sink.js";
import type { Config } from "../config/env.js";
import { ChannelAccount } from "../entities/channel-account.entity.js";
import type { Clock } from "../lib/clock.js";
import type { Db } from "../lib/db.js";
import type { Logger } from "../lib/logger.js";
import { acquireLease, LEASE_POLICY, recordSessionState, releaseLease, takeLogoutRequest } from "./lease.js";

export interface SessionsDeps {
  db: Db;
  config: Config;
  clock: Clock;
  logger: Logger;
  /** The demo sandbox, when it is on: the demo mailbox listens where the sandbox delivers. */
  providerRoute?: ProviderRoute | undefined;
}

export interface Sessions {
  /** Accounts with a running session, by id. */
  readonly running: ReadonlyMap<number, { connector: string; version: number }>;
  reconcile(): Promise<void>;
  stop(): Promise<void>;
}

export interface SessionsOptions {
  /** How often accounts are reconciled and leases renewed (default LEASE_POLICY.renewMs). */
  reconcileMs?: number;
  /** Lease lifetime (default LEASE_POLICY.ttlMs); must be well above reconcileMs. */
  leaseTtlMs?: number;
  /** Connector lookup; tests put a connector with a stand-in provider page here. */
  connectorFor?: (id: string) => AnyConnector | undefined;
  /** Identity of this process in the lease table. */
  owner?: string;
}

export async function startSessions(deps: SessionsDeps, opts: SessionsOptions = {}): Promise<Sessions> {
  const running = new Map<number, { connector: string; version: number; stop(): Promise<void>; logout?: () => Promise<void> }>();
  const owner = opts.owner ?? `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
  const route = deps.providerRoute;
  const findConnector =
    opts.connectorFor ??
    ((id: string) => {
      const c = findRegistered(id);
      return c && route ? route.connectorFor(c) : c;
    });
  const ttlMs = opts.leaseTtlMs ?? LEASE_POLICY.ttlMs;
  let stopped = false;
  let busy: Promise<void> = Promise.resolve();

  const reconcileOnce = async () => {
    if (stopped) return;
    const accounts = await deps.db.manager.getRepository(ChannelAccount).findBy({ active: true });
    const wanted = new Map<number, ChannelAccount>();
    for (const a of accounts) {
      const c = findConnector(a.connector);
      if (c?.inbound === "session") wanted.set(a.id, a);
    }
    // Renew (or take) the lease of every wanted account; only held ones run here.
    const held = new Set<number>();
    for (const id of wanted.keys()) {
      if (stopped) break;
      try {
        if (await acquireLease(deps.db, id, owner, deps.clock.now(), ttlMs)) held.add(id);
      } catch (err) {
        deps.logger.warn({ err, channelAccountId: id }, "session lease not renewed");
      }
    }
    for (const [id, s] of running) {
      const a = wanted.get(id);
      if (!a || a.updatedAt.getTime() !== s.version || !held.has(id)) {
        running.delete(id);
        await s.stop().catch((err: unknown) => deps.logger.warn({ err, channelAccountId: id }, "session did not stop cleanly"));
        if (!a) await releaseLease(deps.db, id, owner, deps.clock.now()).catch(() => undefined);
        deps.logger.info({ channelAccountId: id }, !a ? "channel session stopped (account deactivated)" : !held.has(id) ? "channel session stopped (lease lost)" : "channel session restarting (account changed)");
      }
    }
    // An admin asked for a logout (console): done here, by the owner, once.
    for (const [id, s] of running) {
      if (stopped || !held.has(id)) continue;
      try {
        if (!(await takeLogoutRequest(deps.db, id, owner))) continue;
        if (!s.logout) {
          deps.logger.warn({ channelAccountId: id }, "logout requested for a session without a login");
          continue;
        }
        await s.logout();
        deps.logger.info({ channelAccountId: id }, "channel session logged out (console)");
      } catch (err) {
        deps.logger.warn({ err, channelAccountId: id }, "channel session logout failed");
      }
    }
    for (const [id, account] of wanted) {
      if (running.has(id) || stopped || !held.has(id)) continue;
      const connector = findConnector(account.connector) as SessionConnector<unknown>;
      const opened = openConfig(deps.config.encryptionKey, connector, account);
      if (!opened.ok) {
        deps.logger.error({ channelAccountId: id, reason: opened.reason }, "channel session not started");
        continue;
      }
      const ctx = connectorContext({ publicUrl: deps.config.publicUrl, logger: deps.logger, now: () => deps.clock.now(), providerRoute: deps.providerRoute }, account, opened.config);
      try {
        const sink = inboundSink(deps, account);
        // Session state (connected, needs login with its QR code…) goes on the lease row for the console.
        const withState: InboundSink = async (event) => {
          if (event.kind === "state") await recordSessionState(deps.db, id, owner, deps.clock.now(), event.state, event.detail, event.qr);
          return sink(event);
        };
        const session = await connector.start(ctx, withState);
        running.set(id, { connector: account.connector, version: account.updatedAt.getTime(), stop: () => session.stop(), ...(session.logout ? { logout: () => session.logout!() } : {}) });
        deps.logger.info({ channelAccountId: id, connector: account.connector }, "channel session started");
      } catch (err) {
        // Tried again at the next reconcile.
        deps.logger.warn({ err, channelAccountId: id }, "channel session could not start");
      }
    }
  };
  const reconcile = () => (busy = busy.then(reconcileOnce, reconcileOnce));
  await reconcile();
  const timer = setInterval(() => void reconcile().catch((err: unknown) => deps.logger.error({ err }, "sessions reconcile failed")), opts.reconcileMs ?? LEASE_POLICY.renewMs);
  // Not unref'd: with SQLite nothing else may keep a sessions-only process alive, and the lease
  // must keep being renewed until stop().
  return {
    running,
    reconcile,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await busy.catch(() => undefined);
      await Promise.all([...running.values()].map((s) => s.stop().catch(() => undefined)));
      // Handing over at once: another process need not wait for the leases to expire.
      for (const id of running.keys()) await releaseLease(deps.db, id, owner, deps.clock.now()).catch(() => undefined);
      running.clear();
    },
  };
}
