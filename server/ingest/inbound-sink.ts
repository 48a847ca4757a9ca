// The sink session connectors (IMAP, SMTP receiver, WhatsApp Web) hand their events to: the same
// ingest and delivery commands the webhooks use. It resolves only after the transaction committed,
// so a connector acknowledges an item to its provider (IMAP \Seen, SMTP 250) only once it is stored.
import type { InboundSink } from "../../channels/connector.js";
import { applyDeliveryUpdate } from "../commands/apply-delivery-update.js";
import { SYSTEM_ACTOR } from "../commands/append-audit-event.js";
import { ingestInboundBatch } from "../commands/ingest-batch.js";
import type { IngestOutcome } from "../commands/ingest-inbound-message.js";
import type { ChannelAccount } from "../entities/channel-account.entity.js";
import type { Clock } from "../lib/clock.js";
import type { Db } from "../lib/db.js";
import type { Logger } from "../lib/logger.js";

export interface SinkDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  config: { publicUrl: string; sessionSecret: string };
}

export function inboundSink(deps: SinkDeps, account: ChannelAccount, onIngested?: (o: IngestOutcome) => void): InboundSink {
  const log = deps.logger.child({ channelAccountId: account.id, connector: account.connector });
  return async (event) => {
    const at = deps.clock.now();
    const ctx = { actor: SYSTEM_ACTOR, at, secretKey: deps.config.sessionSecret };
    switch (event.kind) {
      case "message": {
        // READ COMMITTED: see IngestBatcher.write (a citizen's ticket committed while we waited on their row).
        const out = await deps.db.tx(async (m) => (await ingestInboundBatch(m, ctx, [{ account, message: event.message, publicUrl: deps.config.publicUrl }]))[0]!, { readCommitted: true, idempotent: true });
        onIngested?.(out);
        return;
      }
      case "delivery":
        await deps.db.tx((m) => applyDeliveryUpdate(m, { ...ctx, actor: { userId: null, label: `${account.connector} receipt` } }, account.id, event.delivery));
        return;
      case "ignored":
        log.info({ reason: event.reason, externalId: event.externalId }, "inbound item ignored");
        return;
      case "state":
        log.info({ state: event.state, detail: event.detail }, "channel session state");
        return;
    }
  };
}
