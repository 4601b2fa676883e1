import { AccountEntity } from './accounts/account.entity';
import { LicenseOwnerEntity } from './accounts/license-owner.entity';
import { EligibilityCaseEntity } from './cases/eligibility-case.entity';
import { EligibilitySchema1763920000000 } from './migrations/1763920000000-eligibility-schema';
import { AwaitUnknownAccounts1763990000000 } from './migrations/1763990000000-await-unknown-accounts';
import { ManualHandlingClosesCase1764600000001 } from './migrations/1764600000001-manual-handling-closes-case';
import { ReviewAudit1764700000000 } from './migrations/1764700000000-review-audit';
import { ReviewDocumentEntity } from './reviews/review-document.entity';
import { ReviewEntity } from './reviews/review.entity';

/** Every entity and migration of eligibility's database, listed once. */
export const ELIGIBILITY_ENTITIES: Function[] = [
  AccountEntity,
  LicenseOwnerEntity,
  EligibilityCaseEntity,
  ReviewEntity,
  ReviewDocumentEntity,
];
export const ELIGIBILITY_MIGRATIONS: Function[] = [
  EligibilitySchema1763920000000,
  AwaitUnknownAccounts1763990000000,
  ManualHandlingClosesCase1764600000001,
  ReviewAudit1764700000000,
];
