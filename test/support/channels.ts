import type supertest from "supertest";
import { formBody, twilioSignature, type FormParams } from "../../channels/testing/index.js";
import type { ChannelJobDeps } from "../../server/jobs/channel-jobs.js";
import type { TestApp } from "./app.js";

/** Job deps bound to a test app (its clock and database), for running job bodies directly. */
export const jobDepsOf = (t: TestApp): ChannelJobDeps => ({ db: t.database.db, config: t.config, clock: t.clock, logger: t.deps.logger });

export const TWILIO = { accountSid: `AC${"a".repeat(32)}`, authToken: "test-twilio-auth-token-0123456789", fromNumber: "+6281100009999" };

/** Path of a webhook URL (what supertest requests) */
export const pathOf = (url: string) => {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
};

let sidCounter = 0;
export const newSid = (prefix = "SM") => `${prefix}${String(++sidCounter).padStart(6, "0")}${"0".repeat(26)}`;

/** Posts a Twilio-signed form to the account's webhook (the signature covers `signedUrl`). */
export function postTwilio(
  agent: ReturnType<typeof supertest> | supertest.Agent,
  webhookUrl: string,
  params: FormParams,
  opts: { signedUrl?: string; authToken?: string; headers?: Record<string, string>; signature?: string } = {},
) {
  const signature = opts.signature ?? twilioSignature(opts.authToken ?? TWILIO.authToken, opts.signedUrl ?? webhookUrl, params);
  let req = agent.post(pathOf(webhookUrl)).set("content-type", "application/x-www-form-urlencoded").set("x-twilio-signature", signature);
  for (const [k, v] of Object.entries(opts.headers ?? {})) req = req.set(k, v);
  return req.send(formBody(params).toString("utf8"));
}

export const inboundSms = (from: string, body: string, sid = newSid(), extra: FormParams = {}): FormParams => ({
  ToCountry: "ID",
  SmsMessageSid: sid,
  NumMedia: "0",
  SmsSid: sid,
  SmsStatus: "received",
  Body: body,
  To: TWILIO.fromNumber,
  NumSegments: "1",
  MessageSid: sid,
  AccountSid: TWILIO.accountSid,
  From: from,
  ApiVersion: "2010-04-01",
  ...extra,
});

export const statusCallback = (sid: string, status: string, to: string): FormParams => ({
  SmsSid: sid,
  SmsStatus: status,
  MessageStatus: status,
  To: to,
  MessageSid: sid,
  AccountSid: TWILIO.accountSid,
  From: TWILIO.fromNumber,
  ApiVersion: "2010-04-01",
});
