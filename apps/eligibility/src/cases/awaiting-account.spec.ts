import { Account } from '../accounts/account.model';
import { accountDeadlineOf, awaitsAccount, checkCommandOf } from './awaiting-account';
import { EligibilityCaseEntity } from './eligibility-case.entity';

const NOW = new Date('2026-11-23T12:00:00Z');

const ACCOUNT: Account = {
  accountId: 'acc-1',
  version: 1,
  region: 'EU',
  status: 'SUSPENDED',
  outstandingBalanceMinor: 0,
  holds: [],
  contracts: [],
  licenses: [],
};

describe('waiting for an account that is not known yet', () => {
  it('gives the order ACCOUNT_WAIT_SECONDS from when it came', () => {
    expect(accountDeadlineOf(NOW, 60)).toEqual(new Date('2026-11-23T12:01:00Z'));
  });

  it('waits while the account is unknown and the deadline is ahead', () => {
    expect(awaitsAccount(null, accountDeadlineOf(NOW, 60), NOW)).toBe(true);
    expect(awaitsAccount(null, new Date(NOW.getTime() + 1), NOW)).toBe(true);
  });

  it('stops waiting (decides) once the deadline is reached', () => {
    expect(awaitsAccount(null, NOW, NOW)).toBe(false);
    expect(awaitsAccount(null, new Date(NOW.getTime() - 1), NOW)).toBe(false);
  });

  it('does not wait at all with ACCOUNT_WAIT_SECONDS=0', () => {
    expect(awaitsAccount(null, accountDeadlineOf(NOW, 0), NOW)).toBe(false);
  });

  it('never waits for an account it knows, whatever the deadline', () => {
    expect(awaitsAccount(ACCOUNT, accountDeadlineOf(NOW, 60), NOW)).toBe(false);
  });

  it('rebuilds the check of a waiting case from what the case kept of its order', () => {
    const waiting: EligibilityCaseEntity = {
      orderId: 'ord-1',
      accountId: 'acc-1',
      state: 'AWAITING_ACCOUNT',
      region: 'UK',
      reasons: [],
      licenseIds: ['lic-1', 'lic-2'],
      holdIds: [],
      changeWindow: { startsAt: '2026-12-01T08:00:00Z', endsAt: '2026-12-01T10:00:00Z' },
      reviewId: null,
      accountVersion: null,
      accountDeadline: accountDeadlineOf(NOW, 60),
      checkedAt: NOW,
      decidedAt: null,
      closedAt: null,
      outcome: null,
    };
    expect(checkCommandOf(waiting)).toEqual({
      orderId: 'ord-1',
      accountId: 'acc-1',
      region: 'UK',
      licenseIds: ['lic-1', 'lic-2'],
      changeWindow: { startsAt: '2026-12-01T08:00:00Z', endsAt: '2026-12-01T10:00:00Z' },
    });
    expect(checkCommandOf({ ...waiting, changeWindow: null })).not.toHaveProperty('changeWindow');
  });
});
