// The sessions role: keeps one running session per active session-connector account (IMAP mailbox,
// SMTP receiver, WhatsApp Web), feeding the same ingest as the webhooks (inbound-sink.ts).
// Reconciles with the channel_accounts table periodically: new or changed accounts are (re)started,
// deactivated ones stopped. Run ONE sessions process per deployment (see docs/deployment.md): two
// would both read the same mailbox (ingest stays idempotent, but work doubles).
import type { SessionConnector } from "../../channels/connector.js";
import { connectorContext, findConnector, openConfig } from "../channels/connectors.js";
import { inboundSink } from "../channels/inbound-sink.js";
import type { Config } from "../config/env.js";
import { ChannelAccount } from "../entities/channel-account.entity.js";
import type { Clock } from "../lib/clock.js";
import type { Db } from "../lib/db.js";
import type { Logger } from "../lib/logger.js";

export interface SessionsDeps {
  db: Db;
  config: Config;
  clock: Clock;
  logger: Logger;
}

export interface Sessions {
  /** Accounts with a running session, by id. */
  readonly running: ReadonlyMap<number, { connector: string; version: number }>;
  reconcile(): Promise<void>;
  stop(): Promise<void>;
}

export async function startSessions(deps: SessionsDeps, opts: { reconcileMs?: number } = {}): Promise<Sessions> {
  const running = new Map<number, { connector: string; version: number; stop(): Promise<void> }>();
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
    for (const [id, s] of running) {
      const a = wanted.get(id);
      if (!a || a.updatedAt.getTime() !== s.version) {
        running.delete(id);
        await s.stop().catch((err: unknown) => deps.logger.warn({ err, channelAccountId: id }, "session did not stop cleanly"));
        deps.logger.info({ channelAccountId: id }, a ? "channel session restarting (account changed)" : "channel session stopped (account deactivated)");
      }
    }
    for (const [id, account] of wanted) {
      if (running.has(id) || stopped) continue;
      const connector = findConnector(account.connector) as SessionConnector<unknown>;
      const opened = openConfig(deps.config.encryptionKey, connector, account);
      if (!opened.ok) {
        deps.logger.error({ channelAccountId: id, reason: opened.reason }, "channel session not started");
        continue;
      }
      const ctx = connectorContext({ publicUrl: deps.config.publicUrl, logger: deps.logger, now: () => deps.clock.now() }, account, opened.config);
      try {
        const session = await connector.start(ctx, inboundSink(deps, account));
        running.set(id, { connector: account.connector, version: account.updatedAt.getTime(), stop: () => session.stop() });
        deps.logger.info({ channelAccountId: id, connector: account.connector }, "channel session started");
      } catch (err) {
        // Tried again at the next reconcile.
        deps.logger.warn({ err, channelAccountId: id }, "channel session could not start");
      }
    }
  };
  const reconcile = () => (busy = busy.then(reconcileOnce, reconcileOnce));
  await reconcile();
  const timer = setInterval(() => void reconcile().catch((err: unknown) => deps.logger.error({ err }, "sessions reconcile failed")), opts.reconcileMs ?? 60_000);
  timer.unref();
  return {
    running,
    reconcile,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await busy.catch(() => undefined);
      await Promise.all([...running.values()].map((s) => s.stop().catch(() => undefined)));
      running.clear();
    },
  };
}
