import { Agency } from "./agency.entity.js";
import { Attachment } from "./attachment.entity.js";
import { AuditAnchor } from "./audit-anchor.entity.js";
import { AuditChainHead } from "./audit-chain-head.entity.js";
import { AuditEvent } from "./audit-event.entity.js";
import { Category } from "./category.entity.js";
import { ContactIdentity } from "./contact-identity.entity.js";
import { Contact } from "./contact.entity.js";
import { ContactLinkRequest, ContactMerge } from "./contact-merge.entity.js";
import { Forward } from "./forward.entity.js";
import { LoginThrottle } from "./login-throttle.entity.js";
import { Message } from "./message.entity.js";
import { Session } from "./session.entity.js";
import { TicketCounter } from "./ticket-counter.entity.js";
import { Ticket } from "./ticket.entity.js";
import { User } from "./user.entity.js";
import { Calendar, CalendarHoliday } from "./calendar.entity.js";
import { Notification, SlaClock, SlaEvent, SlaPolicyRow } from "./sla.entity.js";
import { ChannelAccount } from "./channel-account.entity.js";
import { InboundReceipt } from "./inbound-receipt.entity.js";
import { OutboxItem } from "./outbox.entity.js";
import { ReplyTemplate } from "./reply-template.entity.js";
import { TrackingCode } from "./tracking-code.entity.js";
import { TrackingLink } from "./tracking-link.entity.js";
import { PublicThrottle } from "./public-throttle.entity.js";
import { TicketRating } from "./ticket-rating.entity.js";
import { Open311Key } from "./open311-key.entity.js";
import { Call } from "./call.entity.js";
import { SessionLease } from "./session-lease.entity.js";
import { EarlyDeliveryUpdate } from "./early-delivery-update.entity.js";
import { TicketPublication } from "./ticket-publication.entity.js";
import { RecoveryCode, RoleSecurity } from "./two-factor.entity.js";
import { ReportMonthRollup } from "./report-month-rollup.entity.js";
import { AuditVerification } from "./audit-verification.entity.js";
import { Transcription } from "./transcription.entity.js";
import { WebhookAttempt, WebhookDelivery, WebhookEndpoint } from "./webhook.entity.js";
import { DataSubjectRequest, RetentionErasure, RetentionSetting } from "./data-subject-request.entity.js";
import { PublicPhoto, TicketLocation, WallPhoto } from "./map.entity.js";
import { RollupApplied, RollupState, TicketPresence, WallRollupDay, WallRollupHour } from "./wall.entity.js";
import { RoutingModelRow } from "./routing-model.entity.js";
import { PublicReport, PublicReportBackfill } from "./public-report.entity.js";

export { Calendar, CalendarHoliday, Notification, SlaClock, SlaEvent, SlaPolicyRow };
export { Call, EarlyDeliveryUpdate, SessionLease, ChannelAccount, InboundReceipt, OutboxItem, ReplyTemplate };
export { DataSubjectRequest, RetentionErasure, RetentionSetting };
export { PublicPhoto, TicketLocation, WallPhoto };
export { RecoveryCode, RoleSecurity };
export { RoutingModelRow };
export { PublicReport, PublicReportBackfill };
export { ContactLinkRequest, ContactMerge };
export { ReportMonthRollup };
export { AuditVerification };
export { Transcription };
export { WebhookEndpoint, WebhookDelivery, WebhookAttempt };
export { Open311Key, PublicThrottle, TicketPublication, TicketRating, TrackingCode, TrackingLink };
export { Agency, Attachment, AuditAnchor, AuditChainHead, AuditEvent, Category, Contact, ContactIdentity, Forward, LoginThrottle, Message, Session, Ticket, TicketCounter, User };

/** Every entity the DataSource knows. Add new ones here. */
export const entities = [
  PublicReport,
  PublicReportBackfill,
  PublicPhoto,
  TicketLocation,
  WallPhoto,
  TicketPublication,
  Agency,
  Attachment,
  AuditAnchor,
  AuditChainHead,
  AuditEvent,
  Category,
  Contact,
  ContactIdentity,
  ContactMerge,
  ContactLinkRequest,
  Forward,
  LoginThrottle,
  Message,
  Session,
  Ticket,
  TicketCounter,
  User,
  Calendar,
  CalendarHoliday,
  SlaPolicyRow,
  SlaClock,
  SlaEvent,
  Notification,
  ChannelAccount,
  InboundReceipt,
  OutboxItem,
  Call,
  SessionLease,
  EarlyDeliveryUpdate,
  ReplyTemplate,
  TrackingCode,
  TrackingLink,
  PublicThrottle,
  TicketRating,
  Open311Key,
  DataSubjectRequest,
  RetentionSetting,
  RetentionErasure,
  RecoveryCode,
  RoutingModelRow,
  ReportMonthRollup,
  RoleSecurity,
  WallRollupDay,
  WallRollupHour,
  RollupState,
  RollupApplied,
  TicketPresence,
  AuditVerification,
  Transcription,
  WebhookEndpoint,
  WebhookDelivery,
  WebhookAttempt,
];
