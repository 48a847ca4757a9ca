// The server's one door to the connector library: look a connector up by id, build its context
// for an account, and handle its config (decrypt, validate, mask). Everything else in server/
// goes through here rather than importing channels/registry.ts on its own.
import { z } from "zod";
import type { AnyConnector, ConnectorContext, ConnectorLog } from "../../channels/connector.js";
import { connectors as registered, getConnector } from "../../channels/registry.js";
import type { ChannelAccount } from "../entities/channel-account.entity.js";
import { decryptSecret, encryptSecret } from "../lib/crypto.js";
import type { Logger } from "../lib/logger.js";
import { isSecretFieldName } from "../../channels/rules/secret-fields.js";

export const MASK = "********";

export function findConnector(id: string): AnyConnector | undefined {
  return getConnector(id);
}

export function allConnectors(): readonly AnyConnector[] {
  return registered;
}

/** The URL providers call for this account. */
export const webhookUrlOf = (publicUrl: string, account: Pick<ChannelAccount, "id" | "connector">) => `${publicUrl}/webhooks/${account.connector}/${account.id}`;

export type ConfigResult = { ok: true; config: unknown } | { ok: false; reason: string };

/** Validates a config against the connector's schema (defaults applied). */
export function validateConfig(connector: AnyConnector, raw: unknown): ConfigResult {
  const r = connector.configSchema.safeParse(raw);
  if (r.success) return { ok: true, config: r.data };
  return { ok: false, reason: `invalid config: ${r.error.issues.map((i) => `${["config", ...i.path.map(String)].join(".")}: ${i.message}`).join("; ")}` };
}

export const sealConfig = (key: Buffer, config: unknown) => encryptSecret(key, JSON.stringify(config));

const opened = new Map<string, ConfigResult>();

/**
 * The account's config, decrypted and validated; a `reason` when the row cannot be used. Memoized
 * on the sealed text (every save seals with a fresh IV, so a changed config is a new key).
 */
export function openConfig(key: Buffer, connector: AnyConnector, account: ChannelAccount): ConfigResult {
  const memoKey = `${key.toString("base64")}:${connector.id}:${account.id}:${account.configEncrypted}`;
  const hit = opened.get(memoKey);
  if (hit) return hit;
  const result = openConfigUncached(key, connector, account);
  if (opened.size >= 500) opened.clear();
  opened.set(memoKey, result);
  return result;
}

function openConfigUncached(key: Buffer, connector: AnyConnector, account: ChannelAccount): ConfigResult {
  let raw: unknown;
  try {
    raw = JSON.parse(decryptSecret(key, account.configEncrypted));
  } catch {
    return { ok: false, reason: "config cannot be decrypted (ENCRYPTION_KEY changed?)" };
  }
  return validateConfig(connector, raw);
}

/** Paths (dot-joined) of the config fields the connector marks secret (`.meta({ secret: true })`). */
export function secretPaths(connector: AnyConnector): string[] {
  const json = z.toJSONSchema(connector.configSchema, { io: "input", unrepresentable: "any" }) as JsonSchema;
  const out: string[] = [];
  const walk = (s: JsonSchema | undefined, path: string[]) => {
    if (!s || typeof s !== "object") return;
    if (s.secret === true && path.length) out.push(path.join("."));
    for (const [k, v] of Object.entries(s.properties ?? {})) walk(v, [...path, k]);
    for (const v of [...(s.anyOf ?? []), ...(s.oneOf ?? []), ...(s.allOf ?? [])]) walk(v, path);
  };
  walk(json, []);
  return [...new Set(out)];
}
interface JsonSchema {
  secret?: boolean;
  properties?: Record<string, JsonSchema>;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
}


/** A copy of the config with every secret value replaced by MASK. */
export function maskConfig(connector: AnyConnector, config: unknown): unknown {
  const secret = new Set(secretPaths(connector));
  const walk = (v: unknown, path: string[]): unknown => {
    if (Array.isArray(v)) return v.map((x, i) => walk(x, [...path, String(i)]));
    if (v && typeof v === "object") {
      return Object.fromEntries(
        Object.entries(v as Record<string, unknown>).map(([k, x]) => {
          const p = [...path, k];
          const isSecret = secret.has(p.join(".")) || isSecretFieldName(k);
          return [k, isSecret && x !== undefined && x !== null && x !== "" ? MASK : walk(x, p)];
        }),
      );
    }
    return v;
  };
  return walk(config, []);
}

/** An update of a config: fields left out or sent back as MASK keep their stored value. */
export function mergeConfig(stored: unknown, patch: unknown): unknown {
  if (patch === MASK) return stored;
  if (patch && typeof patch === "object" && !Array.isArray(patch) && stored && typeof stored === "object" && !Array.isArray(stored)) {
    const out: Record<string, unknown> = { ...(stored as Record<string, unknown>) };
    for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
      if (v === undefined) continue;
      out[k] = mergeConfig((stored as Record<string, unknown>)[k], v);
    }
    return out;
  }
  return patch;
}

export interface ContextDeps {
  publicUrl: string;
  logger: Logger;
  now(): Date;
  /** HTTP for connectors (attachment downloads); tests may pass their own. */
  fetch?: typeof globalThis.fetch;
  /** Where the account's provider calls go (the demo sandbox redirects its demo accounts). */
  providerRoute?: ProviderRoute | undefined;
}

/** Rewrites an account's config before a connector uses it (the demo sandbox's API bases). */
export interface ProviderRoute {
  configFor<C>(connectorId: string, accountId: number, config: C): C;
  /** The connector that serves an account (the sandbox puts its own WhatsApp Web page behind the seam). */
  connectorFor(connector: AnyConnector): AnyConnector;
}

export function connectorContext<C>(deps: ContextDeps, account: ChannelAccount, config: C): ConnectorContext<C> {
  // Made on the first line logged: a context is built for every webhook call, most log nothing.
  let child: ReturnType<Logger["child"]> | undefined;
  const logger = () => (child ??= deps.logger.child({ channelAccountId: account.id, connector: account.connector }));
  const log: ConnectorLog = {
    debug: (o, m) => logger().debug(o, m),
    info: (o, m) => logger().info(o, m),
    warn: (o, m) => logger().warn(o, m),
    error: (o, m) => logger().error(o, m),
  };
  return {
    config: deps.providerRoute ? deps.providerRoute.configFor(account.connector, account.id, config) : config,
    accountId: String(account.id),
    publicWebhookUrl: webhookUrlOf(deps.publicUrl, account),
    fetch: deps.fetch ?? globalThis.fetch,
    log,
    now: () => deps.now(),
  };
}
