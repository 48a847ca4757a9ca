import type { EntityManager } from "typeorm";
import type { AnyConnector } from "../../channels/connector.js";
import { findConnector, mergeConfig, openConfig, sealConfig, validateConfig } from "../ingest/connectors.js";
import { ChannelAccount } from "../entities/channel-account.entity.js";
import { afterCommit } from "../lib/db.js";
import { appendAuditEvent } from "./append-audit-event.js";
import type { CommandContext } from "./context.js";

export interface SaveChannelAccountInput {
  connector?: string;
  name?: string;
  /** Full config on create; on update only the fields to change (secrets sent back masked keep their value). */
  config?: Record<string, unknown>;
  active?: boolean;
  /** WhatsApp fail-over partner (a WhatsApp Cloud API account for a WhatsApp Web one, or the other way round); null removes it. */
  failoverAccountId?: number | null;
  /** The Cloud API template (by name) a failed-over reply is sent in outside the 24-hour window; null removes it. */
  failoverTemplate?: string | null;
}

export type SaveChannelAccountOutcome =
  | { kind: "ok"; value: ChannelAccount; config: unknown }
  | { kind: "invalid"; reason: string }
  | { kind: "not_found"; what: string };

/**
 * Creates or updates a channel account. The config is validated by the connector's own schema
 * and stored sealed (AES-256-GCM with ENCRYPTION_KEY); the audit event names the fields that
 * changed, never their values.
 */
export async function saveChannelAccount(
  m: EntityManager,
  ctx: CommandContext,
  encryptionKey: Buffer,
  id: number | null,
  input: SaveChannelAccountInput,
): Promise<SaveChannelAccountOutcome> {
  const repo = m.getRepository(ChannelAccount);
  const existing = id === null ? null : await repo.findOneBy({ id });
  if (id !== null && !existing) return { kind: "not_found", what: `channel account ${id}` };
  const connectorId = existing?.connector ?? input.connector;
  if (existing && input.connector && input.connector !== existing.connector) return { kind: "invalid", reason: "the connector of an account cannot change; create a new account" };
  const connector = connectorId ? findConnector(connectorId) : undefined;
  if (!connector) return { kind: "invalid", reason: `unknown connector ${connectorId ?? "(none)"}` };

  let stored: unknown = undefined;
  if (existing) {
    const opened = openConfig(encryptionKey, connector, existing);
    // An unreadable stored config can only be replaced as a whole.
    stored = opened.ok ? opened.config : undefined;
  }
  const raw = input.config === undefined ? stored : stored === undefined ? input.config : mergeConfig(stored, input.config);
  if (raw === undefined) return { kind: "invalid", reason: "config is required" };
  const checked = validateConfig(connector, raw);
  if (!checked.ok) return { kind: "invalid", reason: checked.reason };

  const changedFields = (a: unknown, b: unknown): string[] =>
    [...new Set([...Object.keys((a as object) ?? {}), ...Object.keys((b as object) ?? {})])].filter(
      (k) => JSON.stringify((a as Record<string, unknown>)?.[k]) !== JSON.stringify((b as Record<string, unknown>)?.[k]),
    );
  const name = input.name?.trim() ?? existing?.name;
  if (!name) return { kind: "invalid", reason: "name is required" };
  const pairing = await checkFailoverPairing(m, encryptionKey, existing?.id ?? null, connector.id, checked.config, input, existing);
  if (typeof pairing === "string") return { kind: "invalid", reason: pairing };
  const configChanged = changedFields(stored, checked.config).length > 0;
  const row = existing ?? repo.create({ connector: connector.id, kind: connector.kind, createdAt: ctx.at, lastError: null });
  Object.assign(row, {
    name,
    configEncrypted: sealConfig(encryptionKey, checked.config),
    active: input.active ?? existing?.active ?? true,
    failoverAccountId: pairing.failoverAccountId,
    failoverTemplate: pairing.failoverTemplate,
    // New credentials are tried again: a refusal of the old ones no longer routes around the account.
    ...(configChanged ? { rejectedAt: null } : {}),
    updatedAt: ctx.at,
  });
  const saved = await repo.save(row);
  await appendAuditEvent(m, {
    actor: ctx.actor,
    type: existing ? "channel_account.updated" : "channel_account.created",
    entityType: "channel_account",
    entityId: saved.id,
    before: existing ? { name: existing.name, active: existing.active, failoverAccountId: existing.failoverAccountId ?? null } : undefined,
    after: { connector: saved.connector, name: saved.name, active: saved.active, failoverAccountId: saved.failoverAccountId ?? null, failoverTemplate: saved.failoverTemplate ?? null, configFieldsChanged: changedFields(stored, checked.config) },
    at: ctx.at,
  });
  afterCommit(m, { type: "channel-account", accountId: saved.id });
  return { kind: "ok", value: saved, config: checked.config };
}

/** Templates the Cloud side of a pairing may send outside the window (empty: none known). */
function templatesOf(connector: AnyConnector | undefined, config: unknown): string[] {
  const w = connector?.limits.replyWindow;
  return w && config !== undefined ? w.templatesOf(config as never).map((t) => t.name) : [];
}

/**
 * The WhatsApp fail-over pairing as it will be stored, or what is wrong with it: the partner is
 * another active WhatsApp account, one side WhatsApp Web (session) and the other the Cloud API,
 * and a named template is one of the Cloud account's approved templates.
 */
async function checkFailoverPairing(
  m: EntityManager,
  encryptionKey: Buffer,
  id: number | null,
  connectorId: string,
  config: unknown,
  input: SaveChannelAccountInput,
  existing: ChannelAccount | null,
): Promise<{ failoverAccountId: number | null; failoverTemplate: string | null } | string> {
  const failoverAccountId = input.failoverAccountId !== undefined ? input.failoverAccountId : (existing?.failoverAccountId ?? null);
  const failoverTemplate = input.failoverTemplate !== undefined ? input.failoverTemplate : (existing?.failoverTemplate ?? null);
  if (input.failoverAccountId === undefined && input.failoverTemplate === undefined) return { failoverAccountId, failoverTemplate };
  const connector = findConnector(connectorId);
  if (failoverAccountId === null) {
    if (input.failoverTemplate) return "failoverTemplate: name the fail-over partner (failoverAccountId) first";
    return { failoverAccountId, failoverTemplate: null };
  }
  if (connector?.kind !== "whatsapp") return "failoverAccountId: only WhatsApp accounts have a fail-over partner";
  if (failoverAccountId === id) return "failoverAccountId: an account cannot be its own fail-over partner";
  const partner = await m.getRepository(ChannelAccount).findOneBy({ id: failoverAccountId });
  if (!partner) return `failoverAccountId: channel account ${failoverAccountId} does not exist`;
  const partnerConnector = findConnector(partner.connector);
  if (partner.kind !== "whatsapp" || !partnerConnector || partnerConnector.inbound === connector.inbound) {
    return "failoverAccountId: pair a WhatsApp Web account with a WhatsApp Cloud API account";
  }
  if (failoverTemplate !== null) {
    const cloud = connector.inbound === "webhook" ? { connector, config } : { connector: partnerConnector, config: (() => { const o = openConfig(encryptionKey, partnerConnector, partner); return o.ok ? o.config : undefined; })() };
    const names = templatesOf(cloud.connector, cloud.config);
    if (!names.includes(failoverTemplate)) return `failoverTemplate: "${failoverTemplate}" is not one of the Cloud API account's approved templates (${names.join(", ") || "none"})`;
  }
  return { failoverAccountId, failoverTemplate };
}
