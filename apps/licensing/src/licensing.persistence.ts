import { Registry1763900100000 } from './migrations/1763900100000-registry';
import { ReactivationCases1763900200000 } from './migrations/1763900200000-reactivation-cases';
import { ReactivationCaseEntity } from './reactivations/reactivation-case.entity';
import { AccountEntity } from './registry/account.entity';
import { ContractEntitlementEntity } from './registry/contract-entitlement.entity';
import { ContractEntity } from './registry/contract.entity';
import { HoldEntity } from './registry/hold.entity';
import { LicenseEntitlementEntity } from './registry/license-entitlement.entity';
import { LicenseEntity } from './registry/license.entity';

/** Every entity and migration of licensing's database, listed once. */
export const LICENSING_ENTITIES: Function[] = [
  AccountEntity,
  HoldEntity,
  ContractEntity,
  ContractEntitlementEntity,
  LicenseEntity,
  LicenseEntitlementEntity,
  ReactivationCaseEntity,
];
export const LICENSING_MIGRATIONS: Function[] = [
  Registry1763900100000,
  ReactivationCases1763900200000,
];
