import { ReactivationStallEntity } from './deadlines/reactivation-stall.entity';
import { NotificationEntity } from './emails/notification.entity';
import { Notifications1763904000000 } from './migrations/1763904000000-notifications';
import { SeedSupportRoster1763904000001 } from './migrations/1763904000001-seed-support-roster';
import { EmailClaimOwnerLease1764460800000 } from './migrations/1764460800000-email-claim-owner-lease';
import { StatusPageRevocations1764500000000 } from './migrations/1764500000000-status-page-revocations';
import { SupportCaseEntity } from './roster/support-case.entity';
import { SupportContactEntity } from './roster/support-contact.entity';
import { ReactivationEntity } from './timeline/reactivation.entity';
import { StatusPageRevocationEntity } from './reactivations/status-page-revocation.entity';
import { TimelineStageEntity } from './timeline/timeline-stage.entity';

/** Every entity and migration of notifications's database, listed once. */
export const NOTIFICATIONS_ENTITIES: Function[] = [
  SupportContactEntity,
  SupportCaseEntity,
  ReactivationEntity,
  TimelineStageEntity,
  NotificationEntity,
  ReactivationStallEntity,
  StatusPageRevocationEntity,
];
export const NOTIFICATIONS_MIGRATIONS: Function[] = [
  Notifications1763904000000,
  SeedSupportRoster1763904000001,
  EmailClaimOwnerLease1764460800000,
  StatusPageRevocations1764500000000,
];
