/**
 * Every saga ends: fulfilled, refunded, or waiting on ops in an explicit manual-handling state with
 * a deadline, and none keeps the customer's money or blocks the account's next order. The four
 * services as real processes, the real broker, PostgreSQL and SMTP; upstream billing played by the
 * test.
 */
import { EligibilityRejected, ManualHandlingRequired, ReactivationFailed } from '@app/contracts';
import { eventually } from '@app/testing';
import { licenseIdsOf, newAccountId, suspendedAccount } from './support/accounts';
import { opsJson } from './support/ops-cli';
import { newCustomer, SagaDriver } from './support/saga-driver';
import { contactOf, expectRefunded } from './support/saga-expectations';
import { SystemHarness } from './support/system-harness';

const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

describe('failure paths end to end: every saga ends', () => {
  let harness: SystemHarness;
  let driver: SagaDriver;

  beforeAll(async () => {
    // Stalls are looked for often, so an escalation is due within half a second.
    harness = await SystemHarness.start({ notifications: { STALL_SWEEP_MS: '500' } });
    driver = harness.driver;
  });

  afterAll(async () => {
    await harness?.stop();
  });

  afterEach(() => {
    expect(harness.deadLetters()).toEqual([]);
  });

  it('refunds when a FRAUD hold is added in licensing before the change window opens, and checks the next order afresh', async () => {
    const accountId = newAccountId('fraud');
    const account = suspendedAccount(accountId, { licenses: 2 });
    await driver.importAccount(accountId, account);
    const customer = newCustomer(accountId);
    const order = await driver.placeOrder(accountId, 'EU', licenseIdsOf(account), customer, {
      addOns: ['SCHEDULED_ACTIVATION'],
      changeWindow: { startsAt: inSeconds(6), endsAt: inSeconds(3600) },
    });
    await driver.pay(order);
    await driver.waitForEvent('ActivationScheduled', order.id);
    // Eligibility verified on its copy; now the registry learns of a fraud case.
    await driver.importAccount(accountId, {
      ...account,
      holds: [
        ...account.holds,
        { holdId: `${accountId}-fraud`, category: 'FRAUD', reason: 'chargebacks', state: 'ACTIVE' },
      ],
    });

    await expectRefunded(driver, order, customer, {
      story: [
        'OrderPaid',
        'EligibilityVerified',
        'ActivationScheduled',
        'ReactivationFailed',
        'OrderRefunded',
      ],
      reasons: ['HOLD_NOT_CLEARABLE'],
      mails: ['paid', 'scheduled', 'rejected', 'refunded'],
      activations: [],
    });
    const registry = await harness.sys.licensing.http<{
      licenses: { licenseId: string; status: string }[];
    }>('GET', `/accounts/${accountId}`);
    expect(registry.body.licenses.map((l) => l.status)).toEqual(['SUSPENDED', 'SUSPENDED']);

    // The saga ended, so the account is free: its next order is judged on its own merits.
    const next = await driver.placeOrder(accountId, 'EU', licenseIdsOf(account), customer);
    await driver.pay(next);
    const rejected = await driver.waitForEvent<EligibilityRejected>('EligibilityRejected', next.id);
    expect(rejected.data.reasons).toEqual(['HOLD_NOT_CLEARABLE']);
  });

  it('hands a refund settled with another amount to ops (manual handling, deadline, support told) and frees the account', async () => {
    const accountId = newAccountId('misrefund');
    const account = suspendedAccount(accountId, { licenses: 2 });
    const [first, second] = licenseIdsOf(account);
    await driver.importAccount(accountId, account);
    const customer = newCustomer(accountId);
    const order = await driver.placeOrder(accountId, 'EU', [first, second], customer, {
      addOns: ['SCHEDULED_ACTIVATION'],
      changeWindow: { startsAt: inSeconds(6), endsAt: inSeconds(3600) },
    });
    // Upstream will refund this order 1.00 short.
    harness.upstream.settleOrderOff(order.id, -100);
    await driver.pay(order);
    await driver.waitForEvent('ActivationScheduled', order.id);
    await driver.importAccount(accountId, {
      ...account,
      licenses: account.licenses.map(({ suspendedAt, ...l }) =>
        l.licenseId === second ? { ...l, status: 'REVOKED' as const } : { ...l, suspendedAt },
      ),
    });
    await driver.waitForEvent<ReactivationFailed>('ReactivationFailed', order.id);

    const manual = await driver.waitForEvent<ManualHandlingRequired>(
      'ManualHandlingRequired',
      order.id,
    );
    expect(manual.data).toMatchObject({
      reason: 'REFUND_AMOUNT_MISMATCH',
      requested: order.amount,
      settled: { amountMinor: order.amount.amountMinor - 100, currency: 'EUR' },
    });
    expect(Date.parse(manual.data.deadline)).toBeGreaterThan(Date.parse(manual.data.raisedAt));
    await driver.orderReaches(order.id, 'REFUND_PENDING');

    // Ops see it: the timeline's status, and `ops saga`.
    await eventually(async () => {
      const timeline = await harness.sys.notifications.http<{ status: string }>(
        'GET',
        `/reactivations/${order.id}`,
      );
      expect(timeline.body.status).toBe('MANUAL_HANDLING');
    });
    const report = await opsJson<{ verdict: { state: string; until?: string } }>(
      harness.sys.prefix,
      ['saga', order.id],
    );
    expect(report.verdict).toMatchObject({ state: 'MANUAL_HANDLING', until: manual.data.deadline });
    // The support contact is told at once (the escalation to ops and the contact).
    const contact = await eventually(async () => contactOf(driver, order.id));
    await eventually(async () => {
      const told = driver
        .mailsAbout(contact.email, order.id)
        .filter((m) => m.subject.includes('ManualHandlingRequired'));
      expect(told).toHaveLength(1);
    }, 30_000);

    // The account is not blocked: its next order (the license still suspended) is fulfilled.
    const next = await driver.placeOrder(accountId, 'EU', [first], customer);
    await driver.pay(next);
    const end = await driver.finalEvent(next.id);
    expect(end.type).toBe('OrderFulfilled');
  });
});
