import { AccountSnapshot } from '@app/contracts';
import {
  canonicalTerms,
  ContractTerms,
  contractTermsFingerprint,
} from '../fingerprint/contract-terms.fingerprint';
import { AccountImportDto } from './account-import.dto';
import { AccountAggregate, AccountContents, AccountState } from './account.repository';
import { ContractEntity } from './contract.entity';

/** The baseline terms of a contract as its rows hold them now. */
export function termsOf(
  contract: ContractEntity,
  entitlements: { code: string; name: string }[],
): ContractTerms {
  return canonicalTerms({
    contractId: contract.id,
    startsAt: contract.startsAt.toISOString(),
    endsAt: contract.endsAt.toISOString(),
    renewalTerms: contract.renewalTerms,
    entitlements,
  });
}

/** An import turned into rows. Active licenses hold what their contract grants; suspended ones nothing. */
export function contentsFromImport(
  accountId: string,
  dto: AccountImportDto,
  now: Date,
): AccountContents {
  const grants = new Map(dto.contracts.map((c) => [c.contractId, c.entitlements]));
  return {
    holds: dto.holds.map((hold) => ({
      id: hold.holdId,
      accountId,
      category: hold.category,
      reason: hold.reason,
      state: hold.state,
      incidentResolved: hold.incidentResolved ?? null,
      requiredDocuments: hold.requiredDocuments ?? null,
      clearedAt: null,
      clearedByOrderId: null,
    })),
    contracts: dto.contracts.map((contract) => {
      const terms = canonicalTerms({
        contractId: contract.contractId,
        startsAt: new Date(contract.startsAt).toISOString(),
        endsAt: new Date(contract.endsAt).toISOString(),
        renewalTerms: contract.renewalTerms,
        entitlements: contract.entitlements,
      });
      return {
        id: contract.contractId,
        accountId,
        startsAt: new Date(terms.startsAt),
        endsAt: new Date(terms.endsAt),
        renewalTerms: terms.renewalTerms,
        baselineTerms: terms,
        termsFingerprint: contractTermsFingerprint(terms),
      };
    }),
    contractEntitlements: dto.contracts.flatMap((contract) =>
      contract.entitlements.map((e) => ({
        contractId: contract.contractId,
        code: e.code,
        name: e.name,
      })),
    ),
    licenses: dto.licenses.map((license) => ({
      id: license.licenseId,
      accountId,
      contractId: license.contractId,
      product: license.product,
      status: license.status,
      expiresAt: new Date(license.expiresAt),
      suspendedAt:
        license.status === 'SUSPENDED' ? new Date(license.suspendedAt ?? now.toISOString()) : null,
    })),
    licenseEntitlements: dto.licenses
      .filter((license) => license.status === 'ACTIVE')
      .flatMap((license) =>
        (grants.get(license.contractId) ?? []).map((e) => ({
          licenseId: license.licenseId,
          code: e.code,
          name: e.name,
          grantedAt: now,
          restoredByOrderId: null,
        })),
      ),
  };
}

/** The AccountSnapshot event of the account's current state. */
export function toAccountSnapshot(aggregate: AccountState): AccountSnapshot {
  const { account } = aggregate;
  return {
    accountId: account.id,
    region: account.region,
    status: account.status,
    outstandingBalance: {
      amountMinor: account.outstandingBalanceMinor,
      currency: account.outstandingBalanceCurrency,
    },
    holds: aggregate.holds.map((hold) => ({
      holdId: hold.id,
      category: hold.category,
      reason: hold.reason,
      state: hold.state,
      ...(hold.incidentResolved === null ? {} : { incidentResolved: hold.incidentResolved }),
      ...(hold.requiredDocuments === null ? {} : { requiredDocuments: hold.requiredDocuments }),
    })),
    contracts: aggregate.contracts.map(({ contract, entitlements }) => ({
      contractId: contract.id,
      startsAt: contract.startsAt.toISOString(),
      endsAt: contract.endsAt.toISOString(),
      renewalTerms: contract.renewalTerms,
      termsFingerprint: contract.termsFingerprint,
      entitlements: entitlements.map((e) => ({ code: e.code, name: e.name })),
    })),
    licenses: aggregate.licenses.map(({ license }) => ({
      licenseId: license.id,
      contractId: license.contractId,
      product: license.product,
      status: license.status,
      expiresAt: license.expiresAt.toISOString(),
    })),
    version: account.version,
  };
}

/** GET /accounts/:id: the snapshot plus what only the registry shows (entitlements per license, hold history). */
export function toAccountView(aggregate: AccountAggregate) {
  const snapshot = toAccountSnapshot(aggregate);
  return {
    ...snapshot,
    holds: aggregate.holds.map((hold, i) => ({
      ...snapshot.holds[i],
      clearedAt: hold.clearedAt?.toISOString() ?? null,
      clearedByOrderId: hold.clearedByOrderId,
    })),
    licenses: aggregate.licenses.map(({ license, entitlements }, i) => ({
      ...snapshot.licenses[i],
      suspendedAt: license.suspendedAt?.toISOString() ?? null,
      entitlements: entitlements.map((e) => ({ code: e.code, name: e.name })),
    })),
    updatedAt: aggregate.account.updatedAt.toISOString(),
  };
}

export type AccountView = ReturnType<typeof toAccountView>;
