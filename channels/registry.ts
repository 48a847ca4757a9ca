// The connectors this build knows, by id. Adding a channel = one folder + one line here.
import { z } from "zod";
import type { AnyConnector, SessionConnector, WebhookConnector } from "./connector.js";
import { CHANNEL_KINDS, isChannelKind } from "./rules/channel-kinds.js";
import { emailConnector } from "./email/email.connector.js";
import { facebookConnector } from "./facebook/facebook.connector.js";
import { instagramConnector } from "./instagram/instagram.connector.js";
import { telegramConnector } from "./telegram/telegram.connector.js";
import { twilioSmsConnector } from "./twilio-sms/twilio-sms.connector.js";
import { twilioVoiceConnector } from "./twilio-voice/twilio-voice.connector.js";
import { webConnector } from "./web/web.connector.js";
import { xConnector } from "./x/x.connector.js";
import { whatsappCloudConnector } from "./whatsapp-cloud/whatsapp-cloud.connector.js";
import { openBrowserClient } from "./whatsapp-web/browser-client.js";
import { createWhatsappWebConnector } from "./whatsapp-web/whatsapp-web.connector.js";

/** whatsapp-web with the real library behind its seam (tests build their own with a stand-in page). */
export const whatsappWebConnector = createWhatsappWebConnector(openBrowserClient);

// What the server needs beyond the connector interface, re-exported so that server code imports
// only connector.ts and registry.ts (ARCHITECTURE dependency rule).
export {
  WEB_FORM_FIELDS,
  WEB_PHOTO_TYPES,
  WEB_PRIVACY_VALUES,
  checkWebFormToken,
  interpretWebForm,
  issueWebFormToken,
  readWebFormBody,
  sniffImageType,
  type WebConfig,
  type WebFormErrors,
  type WebFormResult,
} from "./web/web.connector.js";
export { TELEGRAM_START_GREETING, type TelegramConfig } from "./telegram/telegram.connector.js";
export type { TwilioSmsConfig } from "./twilio-sms/twilio-sms.connector.js";
export type { EmailConfig } from "./email/email.connector.js";
export type { WhatsappCloudConfig } from "./whatsapp-cloud/whatsapp-cloud.connector.js";
export type { FacebookConfig } from "./facebook/facebook.connector.js";
export type { InstagramConfig } from "./instagram/instagram.connector.js";
export type { XConfig } from "./x/x.connector.js";
// The demo sandbox runs WhatsApp Web demo accounts with its own page behind the connector's seam.
export { createWhatsappWebConnector, type WaWebClient, type WaWebMessage, type WhatsappWebConfig } from "./whatsapp-web/whatsapp-web.connector.js";
export type { TwilioVoiceConfig } from "./twilio-voice/twilio-voice.connector.js";

/** The connectors of this build. Adding a connector = its folder + one line in this list. */
const registered: AnyConnector[] = [twilioSmsConnector, emailConnector, telegramConnector, webConnector, whatsappCloudConnector, facebookConnector, instagramConnector, xConnector, twilioVoiceConnector, whatsappWebConnector];

/** Every connector, in registration order (a live, read-only view: registerConnector adds to it). */
export const connectors: readonly AnyConnector[] = registered;

/** Ids of the registered connectors; the ids used in webhook URLs and channel accounts. */
export const connectorIds = (): string[] => registered.map((c) => c.id);

const CONNECTOR_ID = /^[a-z][a-z0-9-]{1,31}$/;

/**
 * Adds a connector built outside this list (a province's own gateway in a deployment's start
 * file, or a test's connector). It then works like the built-in ones: webhook URL, channel
 * accounts, sending, the console's form. Refuses a taken id, a malformed id or an unknown kind.
 */
export function registerConnector(c: AnyConnector): void {
  if (!CONNECTOR_ID.test(c.id)) throw new Error(`connector id "${c.id}" must be 2–32 lower-case letters, digits or dashes`);
  if (getConnector(c.id)) throw new Error(`connector id "${c.id}" is already registered`);
  if (!isChannelKind(c.kind)) throw new Error(`connector "${c.id}": unknown channel kind "${String(c.kind)}"; use one of ${CHANNEL_KINDS.join(", ")}`);
  registered.push(c);
}

export function getConnector(id: string): AnyConnector | undefined {
  return registered.find((c) => c.id === id);
}

export function isWebhookConnector(c: AnyConnector): c is WebhookConnector<any> {
  return c.inbound === "webhook";
}

export function isSessionConnector(c: AnyConnector): c is SessionConnector<any> {
  return c.inbound === "session";
}

type JsonSchema = { properties?: Record<string, JsonSchema>; secret?: boolean; [k: string]: unknown };

/** JSON Schema of the config as an admin types it (defaults optional): the console builds its form from it. */
export function configJsonSchema(c: AnyConnector): JsonSchema {
  return z.toJSONSchema(c.configSchema, { io: "input", unrepresentable: "any" }) as JsonSchema;
}

/**
 * Dotted paths of the config fields marked `.meta({ secret: true })` (tokens, passwords): the
 * server encrypts and never returns these. E.g. twilio-sms -> ["authToken"].
 */
export function secretConfigPaths(c: AnyConnector): string[] {
  const out: string[] = [];
  const walk = (s: JsonSchema, prefix: string) => {
    for (const [k, v] of Object.entries(s.properties ?? {})) {
      if (v.secret === true) out.push(prefix + k);
      walk(v, `${prefix}${k}.`);
    }
  };
  walk(configJsonSchema(c), "");
  return out;
}
