import type { Message } from "../../entities/message.entity.js";
import type { Transcription } from "../../entities/transcription.entity.js";
import type { OpenedTicket } from "../../queries/access-gate.js";
import type { DeliveryView } from "../../queries/outbound-delivery.js";
import { seesContactDetails, type Viewer } from "../../queries/viewer.js";

/**
 * OPD users never get the sender's identity fields, only the text (nor a provider's raw failure
 * reason, which may quote the citizen's number). `via` is the channel the message actually
 * travelled on: none for internal notes and for the OPD's answer as recorded (the citizen receives
 * it as an automatic outbound notice, which carries its own channel). The texts (e-mail subject,
 * body) pass the field rule of the ticket as the access gate opened it (`o`).
 */
export function presentMessage(viewer: Viewer, msg: Message, o: OpenedTicket, delivery?: DeliveryView, transcription?: Transcription) {
  const center = seesContactDetails(viewer);
  const travelled = msg.direction === "inbound" || msg.direction === "outbound";
  return {
    id: msg.id,
    ticketId: msg.ticketId,
    direction: msg.direction,
    channel: msg.channel,
    via: travelled ? msg.channel : null,
    // The connector a reply took by WhatsApp fail-over ("whatsapp-cloud", "whatsapp-web"); null on its own route.
    failover: msg.direction === "outbound" ? (msg.failoverConnector ?? null) : null,
    authorUserId: msg.authorUserId,
    forwardId: msg.forwardId,
    subject: o.textOrNull(msg.subject),
    body: o.text(msg.body),
    deliveryStatus: msg.deliveryStatus,
    ...(delivery
      ? {
          automated: delivery.automated,
          notice: delivery.notice,
          delivery: {
            state: delivery.state,
            attempts: delivery.attempts,
            nextAttemptAt: delivery.nextAttemptAt,
            reasonKey: delivery.reasonKey,
            reason: center ? delivery.reason : null,
            resendable: delivery.resendable,
          },
        }
      : {}),
    // A recorded call's on-premise transcript (whisper), by the same field rule as the body.
    ...(transcription
      ? {
          transcription: {
            state: transcription.state,
            engine: transcription.engine,
            language: transcription.language,
            text: transcription.text === null ? null : o.text(transcription.text),
            transcribedAt: transcription.transcribedAt,
            ...(center ? { reason: transcription.state === "done" ? null : transcription.error } : {}),
          },
        }
      : {}),
    sentAt: msg.sentAt,
    createdAt: msg.createdAt,
    withheld: o.withheld,
    ...(center ? { contactId: msg.contactId, bodyHtml: msg.bodyHtml, externalId: msg.externalId, channelAccountId: msg.channelAccountId } : {}),
  };
}
