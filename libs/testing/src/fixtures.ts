import { AccountSnapshot, OrderPaid } from '@app/contracts';
import { randomUUID } from 'node:crypto';
import { daysFromNow } from './clock';
import { sealedCustomer } from './personal-data';

/** The ids of what `suspendedAccount` holds, for assertions. */
export const fixtureIds = (accountId: string) => ({
  holdId: `${accountId}-billing`,
  contractId: `${accountId}-ctr`,
  licenseId: `${accountId}-lic-1`,
});

/**
 * An account as licensing publishes it, ready to be reactivated: suspended, nothing owed, one
 * clearable billing hold, one contract running for years (dates relative to now) and one suspended
 * license under it.
 */
export function suspendedAccount(
  accountId: string,
  overrides: Partial<AccountSnapshot> = {},
): AccountSnapshot {
  const ids = fixtureIds(accountId);
  return {
    accountId,
    region: 'EU',
    status: 'SUSPENDED',
    outstandingBalance: { amountMinor: 0, currency: 'EUR' },
    holds: [
      { holdId: ids.holdId, category: 'BILLING_HOLD', reason: 'arrears paid', state: 'ACTIVE' },
    ],
    contracts: [
      {
        contractId: ids.contractId,
        startsAt: daysFromNow(-300),
        endsAt: daysFromNow(900),
        renewalTerms: 'ANNUAL_AUTO',
        termsFingerprint: 'a'.repeat(64),
        entitlements: [{ code: 'VIDEO', name: 'Video meetings' }],
      },
    ],
    licenses: [
      {
        licenseId: ids.licenseId,
        contractId: ids.contractId,
        product: 'Poly Lens',
        status: 'SUSPENDED',
        expiresAt: daysFromNow(900),
      },
    ],
    version: 1,
    ...overrides,
  };
}

/** A paid order (EUR 49.00) for the license of `suspendedAccount(accountId)`, paid now. */
export function paidOrder(accountId: string, overrides: Partial<OrderPaid> = {}): OrderPaid {
  return {
    orderId: randomUUID(),
    accountId,
    paymentId: randomUUID(),
    region: 'EU',
    licenseIds: [fixtureIds(accountId).licenseId],
    amount: { amountMinor: 4900, currency: 'EUR' },
    addOns: [],
    customer: sealedCustomer({ name: 'Ada Customer', email: 'ada@example.com' }),
    paidAt: new Date().toISOString(),
    ...overrides,
  };
}
