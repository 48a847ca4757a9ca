import type { EntityManager } from "typeorm";
import { findConnector, mergeConfig, openConfig, sealConfig, validateConfig } from "../channels/connectors.js";
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
  const row = existing ?? repo.create({ connector: connector.id, kind: connector.kind, createdAt: ctx.at, lastError: null });
  Object.assign(row, { name, configEncrypted: sealConfig(encryptionKey, checked.config), active: input.active ?? existing?.active ?? true, updatedAt: ctx.at });
  const saved = await repo.save(row);
  await appendAuditEvent(m, {
    actor: ctx.actor,
    type: existing ? "channel_account.updated" : "channel_account.created",
    entityType: "channel_account",
    entityId: saved.id,
    before: existing ? { name: existing.name, active: existing.active } : undefined,
    after: { connector: saved.connector, name: saved.name, active: saved.active, configFieldsChanged: changedFields(stored, checked.config) },
    at: ctx.at,
  });
  afterCommit(m, { type: "channel-account", accountId: saved.id });
  return { kind: "ok", value: saved, config: checked.config };
}
