import type { AnyConnector } from "../../../channels/connector.js";
import { maskConfig, webhookUrlOf } from "../../ingest/connectors.js";
import type { ChannelAccount } from "../../entities/channel-account.entity.js";
import type { ReplyTemplate } from "../../entities/reply-template.entity.js";

/** Secrets never leave the server: config values the connector marks secret come back masked. */
export function presentChannelAccount(account: ChannelAccount, connector: AnyConnector | undefined, config: unknown, publicUrl: string) {
  return {
    id: account.id,
    connector: account.connector,
    kind: account.kind,
    name: account.name,
    active: account.active,
    inbound: connector?.inbound ?? null,
    webhookUrl: connector?.inbound === "webhook" ? webhookUrlOf(publicUrl, account) : null,
    config: connector && config !== undefined ? maskConfig(connector, config) : null,
    lastError: account.lastError,
    failoverAccountId: account.failoverAccountId ?? null,
    failoverTemplate: account.failoverTemplate ?? null,
    credentialsRejectedAt: account.rejectedAt ?? null,
    createdAt: account.createdAt,
    updatedAt: account.updatedAt,
  };
}

export function presentReplyTemplate(t: ReplyTemplate) {
  return { id: t.id, key: t.key, locale: t.locale, subject: t.subject, body: t.body, updatedAt: t.updatedAt };
}
