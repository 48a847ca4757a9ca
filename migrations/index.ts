import { Core1764000000000 } from "./1764000000000-core.js";
import { Jobs1764100000000 } from "./1764100000000-jobs.js";
import { Sla1764200000000 } from "./1764200000000-sla.js";
import { QueueIndexes1764300000000 } from "./1764300000000-queue-indexes.js";
import { Channels1764400000000 } from "./1764400000000-channels.js";
import { ConsoleTemplates1764500000000 } from "./1764500000000-console-templates.js";
import { Public1764600000000 } from "./1764600000000-public.js";
import { ChannelsTwo1764700000000 } from "./1764700000000-channels-two.js";
import { Calls1764710000000 } from "./1764710000000-calls.js";
import { SessionLeases1764720000000 } from "./1764720000000-session-leases.js";
import { AnswerAttachments1764730000000 } from "./1764730000000-answer-attachments.js";
import { EarlyDeliveryUpdates1764740000000 } from "./1764740000000-early-delivery-updates.js";
import { TrackingSecrets1764760000000 } from "./1764760000000-tracking-secrets.js";
import { TicketPublications1764770000000 } from "./1764770000000-ticket-publications.js";
import { DataSubject1764780000000 } from "./1764780000000-data-subject.js";
import { StaffSignIn1764800000000 } from "./1764800000000-staff-sign-in.js";
import { MapPhotos1764910000000 } from "./1764910000000-map-photos.js";
import { Reports1764920000000 } from "./1764920000000-reports.js";
import { NoticesAndReview1764930000000 } from "./1764930000000-notices-and-review.js";
import { AuditVerification1764940000000 } from "./1764940000000-audit-verification.js";
import { RoutingModels1764950000000 } from "./1764950000000-routing-models.js";

import { NotificationBodies1764750000000 } from "./1764750000000-notification-bodies.js";
import { CommandCenter1764900000000 } from "./1764900000000-command-center.js";
import { Open311AddressId1764960000000 } from "./1764960000000-open311-address-id.js";
import { CaseClusters1764970000000 } from "./1764970000000-case-clusters.js";
import { OutgoingWebhooks1764980000000 } from "./1764980000000-outgoing-webhooks.js";
import { PublicPhotos1764990000000 } from "./1764990000000-public-photos.js";
import { IdentityLinking1765000000000 } from "./1765000000000-identity-linking.js";
import { WhatsappFailover1765010000000 } from "./1765010000000-whatsapp-failover.js";
import { Transcriptions1765020000000 } from "./1765020000000-transcriptions.js";
import { FullTextSearch1765030000000 } from "./1765030000000-full-text-search.js";
import { QueueStatusIndex1765040000000 } from "./1765040000000-queue-status-index.js";
import { PublicReports1765050000000 } from "./1765050000000-public-reports.js";
/** Every migration, in order. Add new ones at the end; never edit a landed one. */
export const migrations = [
  Core1764000000000,
  Jobs1764100000000,
  Sla1764200000000,
  QueueIndexes1764300000000,
  Channels1764400000000,
  ConsoleTemplates1764500000000,
  Public1764600000000,
  ChannelsTwo1764700000000,
  Calls1764710000000,
  SessionLeases1764720000000,
  AnswerAttachments1764730000000,
  EarlyDeliveryUpdates1764740000000,
  NotificationBodies1764750000000,
  TrackingSecrets1764760000000,
  TicketPublications1764770000000,
  DataSubject1764780000000,
  StaffSignIn1764800000000,
  CommandCenter1764900000000,
  MapPhotos1764910000000,
  Reports1764920000000,
  NoticesAndReview1764930000000,
  AuditVerification1764940000000,
  RoutingModels1764950000000,
  Open311AddressId1764960000000,
  CaseClusters1764970000000,
  OutgoingWebhooks1764980000000,
  PublicPhotos1764990000000,
  IdentityLinking1765000000000,
  WhatsappFailover1765010000000,
  Transcriptions1765020000000,
  FullTextSearch1765030000000,
  QueueStatusIndex1765040000000,
  PublicReports1765050000000,
];
