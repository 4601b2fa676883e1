/**
 * The reactivation saga end to end: the four services as real processes on their own databases,
 * the real broker, a real SMTP server; upstream billing played by the test (signed payments in,
 * refunds settled). One system for every scenario (each has its own account), then a replay of
 * every topic into every service that must change nothing.
 */
import {
  ConsumerGroups,
  EligibilityRejected,
  PaymentRejected,
  ReactivationFailed,
} from '@app/contracts';
import { eventually, openCustomer, ServiceName } from '@app/testing';
import {
  AccountImport,
  ENTITLEMENTS,
  licenseIdsOf,
  newAccountId,
  suspendedAccount,
} from './support/accounts';
import { brokerLag, lagOf, runOps } from './support/ops-cli';
import { newCustomer, SagaDriver } from './support/saga-driver';
import {
  contactOf,
  expectFulfilled,
  expectRefunded,
  mailsOf,
  REASON_WORDING,
  stagesOf,
} from './support/saga-expectations';
import { snapshotState } from './support/state-snapshot';
import { SystemHarness } from './support/system-harness';

const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

describe('reactivation saga end to end', () => {
  let harness: SystemHarness;
  let driver: SagaDriver;

  beforeAll(async () => {
    harness = await SystemHarness.start();
    driver = harness.driver;
  });

  afterAll(async () => {
    await harness?.stop();
  });

  afterEach(() => {
    expect(harness.deadLetters()).toEqual([]);
  });

  it('reactivates at once: licenses and entitlements restored, holds cleared, terms unchanged, order fulfilled', async () => {
    const accountId = newAccountId('happy');
    const account = suspendedAccount(accountId, { licenses: 2 });
    await driver.importAccount(accountId, account);
    const customer = newCustomer(accountId);
    const order = await driver.placeOrder(accountId, 'EU', licenseIdsOf(account), customer);
    expect(order.status).toBe('AWAITING_PAYMENT');

    await driver.pay(order);

    const restored = await expectFulfilled(driver, order, customer, {
      story: ['OrderPaid', 'EligibilityVerified', 'EntitlementsRestored', 'OrderFulfilled'],
      licenseIds: licenseIdsOf(account),
      entitlements: ENTITLEMENTS,
      mails: ['paid', 'restored'],
    });
    expect(restored.clearedHoldIds).toEqual([`${accountId}-h1`]);
    const fulfilled = driver.eventsOf<{ receipt: { totalMinor: number; currency: string } }>(
      order.id,
      'OrderFulfilled',
    )[0].data;
    expect(fulfilled.receipt).toEqual(
      expect.objectContaining({ totalMinor: order.amount.amountMinor, currency: 'EUR' }),
    );

    const registry = await harness.sys.licensing.http<{
      status: string;
      holds: { holdId: string; state: string }[];
      licenses: { licenseId: string; status: string; expiresAt: string }[];
    }>('GET', `/accounts/${accountId}`);
    expect(registry.body.status).toBe('ACTIVE');
    expect(registry.body.holds).toEqual([
      expect.objectContaining({ holdId: `${accountId}-h1`, state: 'CLEARED' }),
    ]);
    expect(registry.body.licenses.map((l) => [l.licenseId, l.status, l.expiresAt]).sort()).toEqual(
      account.licenses.map((l) => [l.licenseId, 'ACTIVE', l.expiresAt]).sort(),
    );
  });

  it('reactivates in the change window: scheduled first, restored once the window starts', async () => {
    const accountId = newAccountId('window');
    const account = suspendedAccount(accountId, { region: 'US', currency: 'USD' });
    await driver.importAccount(accountId, account);
    const customer = newCustomer(accountId);
    const changeWindow = { startsAt: inSeconds(4), endsAt: inSeconds(3600) };
    const order = await driver.placeOrder(accountId, 'US', licenseIdsOf(account), customer, {
      addOns: ['SCHEDULED_ACTIVATION'],
      changeWindow,
    });

    await driver.pay(order);

    const scheduled = await driver.waitForEvent<{ scheduledFor: string }>(
      'ActivationScheduled',
      order.id,
    );
    expect(Date.parse(scheduled.data.scheduledFor)).toBe(Date.parse(changeWindow.startsAt));
    expect(driver.eventsOf(order.id, 'EntitlementsRestored')).toEqual([]);

    const restored = await expectFulfilled(driver, order, customer, {
      story: [
        'OrderPaid',
        'EligibilityVerified',
        'ActivationScheduled',
        'EntitlementsRestored',
        'OrderFulfilled',
      ],
      licenseIds: licenseIdsOf(account),
      entitlements: ENTITLEMENTS,
      mails: ['paid', 'scheduled', 'restored'],
    });
    expect(Date.parse(restored.restoredAt)).toBeGreaterThanOrEqual(
      Date.parse(changeWindow.startsAt),
    );
  });

  const rejections: {
    family: string;
    reasons: string[];
    region?: string;
    account: (accountId: string) => AccountImport;
    /** The licenses ordered, when not the account's own. */
    licenseIds?: (accountId: string, other: string) => string[];
  }[] = [
    {
      family: 'account not suspended',
      reasons: ['ACCOUNT_NOT_SUSPENDED'],
      account: (id) => {
        const account = suspendedAccount(id);
        return {
          ...account,
          status: 'ACTIVE',
          holds: [],
          licenses: account.licenses.map(({ suspendedAt: _, ...l }) => ({
            ...l,
            status: 'ACTIVE' as const,
          })),
        };
      },
    },
    {
      family: 'account terminated',
      reasons: ['ACCOUNT_TERMINATED'],
      account: (id) => ({ ...suspendedAccount(id), status: 'TERMINATED' }),
    },
    {
      family: 'outstanding balance (billing hold with a balance)',
      reasons: ['OUTSTANDING_BALANCE'],
      account: (id) => ({
        ...suspendedAccount(id),
        outstandingBalance: { amountMinor: 12_500, currency: 'EUR' },
      }),
    },
    {
      family: 'fraud hold',
      reasons: ['HOLD_NOT_CLEARABLE'],
      account: (id) => {
        const account = suspendedAccount(id);
        return {
          ...account,
          holds: [
            ...account.holds,
            {
              holdId: `${id}-fraud`,
              category: 'FRAUD',
              reason: 'chargeback ring',
              state: 'ACTIVE',
            },
          ],
        };
      },
    },
    {
      family: 'legal hold',
      reasons: ['HOLD_NOT_CLEARABLE'],
      account: (id) => ({
        ...suspendedAccount(id),
        holds: [
          { holdId: `${id}-legal`, category: 'LEGAL', reason: 'court order', state: 'ACTIVE' },
        ],
      }),
    },
    {
      family: 'license of another account',
      reasons: ['LICENSE_NOT_OWNED'],
      account: (id) => suspendedAccount(id),
      licenseIds: (id, other) => [`${id}-l1`, `${other}-l1`],
    },
    {
      family: 'contract expired',
      reasons: ['CONTRACT_EXPIRED'],
      account: (id) => {
        const account = suspendedAccount(id);
        return {
          ...account,
          contracts: account.contracts.map((c) => ({
            ...c,
            startsAt: '2025-01-01T00:00:00.000Z',
            endsAt: '2026-10-31T00:00:00.000Z',
          })),
        };
      },
    },
    {
      family: 'region unsupported (account in BR, quoted in US)',
      reasons: ['REGION_UNSUPPORTED'],
      region: 'US',
      account: (id) => suspendedAccount(id, { region: 'BR', currency: 'BRL' }),
    },
  ];

  it.each(rejections)(
    'rejects and refunds in full: $family',
    async ({ reasons, region, account: build, licenseIds }) => {
      const accountId = newAccountId('reject');
      const account = build(accountId);
      await driver.importAccount(accountId, account);
      const other = newAccountId('other');
      if (licenseIds) await driver.importAccount(other, suspendedAccount(other));
      const customer = newCustomer(accountId);
      const order = await driver.placeOrder(
        accountId,
        region ?? account.region,
        licenseIds ? licenseIds(accountId, other) : licenseIdsOf(account),
        customer,
      );

      await driver.pay(order);

      await expectRefunded(driver, order, customer, {
        story: ['OrderPaid', 'EligibilityRejected', 'OrderRefunded'],
        reasons,
        mails: ['paid', 'rejected', 'refunded'],
      });
      expect(
        driver.eventsOf<EligibilityRejected>(order.id, 'EligibilityRejected')[0].data.reasons,
      ).toEqual(reasons);
    },
  );

  it('refunds a payment of the wrong amount without starting the saga, telling the customer', async () => {
    const accountId = newAccountId('mismatch');
    const account = suspendedAccount(accountId);
    await driver.importAccount(accountId, account);
    const customer = newCustomer(accountId);
    const order = await driver.placeOrder(accountId, 'EU', licenseIdsOf(account), customer);

    const paid = { amountMinor: order.amount.amountMinor - 100, currency: order.amount.currency };
    await driver.pay(order, { amount: paid });

    const final = await driver.finalEvent(order.id);
    expect(final.type).toBe('OrderRefunded');
    await driver.orderReaches(order.id, 'REFUNDED');
    await eventually(
      async () => expect(driver.storyOf(order.id)).toEqual(['PaymentRejected', 'OrderRefunded']),
      15_000,
    );
    const rejected = driver.eventsOf<PaymentRejected>(order.id, 'PaymentRejected')[0].data;
    expect(rejected.reasons).toEqual(['PAYMENT_AMOUNT_MISMATCH']);
    expect(await driver.refundRequestsOnce(order.id)).toEqual([
      expect.objectContaining({ amount: paid, reasons: ['PAYMENT_AMOUNT_MISMATCH'] }),
    ]);
    // Never paid as ordered, so no OrderPaid: the rejection names the customer, who is told by a
    // named contact of the order's region, once per stage.
    expect(openCustomer(rejected.customer!)).toEqual({
      name: customer.name,
      email: customer.email,
    });
    const mails = await mailsOf(driver, customer, order.id, 2);
    // Notifications handles the rejection on its own time, maybe after billing's OrderRefunded.
    const contact = await eventually(async () => contactOf(driver, order.id));
    expect(contact.contactId).toMatch(/^eu-/);
    expect(stagesOf(mails)).toEqual(['paymentRejected', 'refunded']);
    for (const mail of mails) expect(mail.text).toContain(contact.name);
    expect(mails[0].text).toContain(REASON_WORDING.PAYMENT_AMOUNT_MISMATCH);
    expect(mails[0].text).toContain('full refund');
    expect(mails[1].text).toContain(driver.refundRequestsOf(order.id)[0].refundId);
    await harness.sys.quiesce(harness.recorder);
    expect(harness.sys.mailbox.to(customer.email)).toHaveLength(2);
  });

  it('takes a payment delivered twice, or re-sent under a new event id, once', async () => {
    const accountId = newAccountId('dup-event');
    const account = suspendedAccount(accountId, { region: 'JP', currency: 'JPY' });
    await driver.importAccount(accountId, account);
    const customer = newCustomer(accountId);
    const order = await driver.placeOrder(accountId, 'JP', licenseIdsOf(account), customer);

    const payment = await driver.pay(order);
    await driver.payAgain(payment);
    await driver.pay(order, { paymentId: payment.data.paymentId });

    await expectFulfilled(driver, order, customer, {
      story: ['OrderPaid', 'EligibilityVerified', 'EntitlementsRestored', 'OrderFulfilled'],
      licenseIds: licenseIdsOf(account),
      entitlements: ENTITLEMENTS,
      mails: ['paid', 'restored'],
    });
    await harness.sys.quiesce(harness.recorder);
    expect(driver.eventsOf(order.id, 'OrderPaid')).toHaveLength(1);
    expect(driver.eventsOf(order.id, 'PaymentRejected')).toEqual([]);
    expect(driver.refundRequestsOf(order.id)).toEqual([]);
    expect(driver.mailsAbout(customer.email, order.id)).toHaveLength(2);
  });

  it('refunds a second, distinct payment of a paid order while the first saga is fulfilled', async () => {
    const accountId = newAccountId('second-pay');
    const account = suspendedAccount(accountId, { region: 'UK', currency: 'GBP' });
    await driver.importAccount(accountId, account);
    const customer = newCustomer(accountId);
    const order = await driver.placeOrder(accountId, 'UK', licenseIdsOf(account), customer);

    const first = await driver.pay(order);
    await driver.waitForEvent('OrderPaid', order.id);
    const second = await driver.pay(order);

    const final = await driver.finalEvent(order.id);
    expect(final.type).toBe('OrderFulfilled');
    await driver.orderReaches(order.id, 'FULFILLED');
    await eventually(async () => {
      expect(driver.storyOf(order.id).filter((t) => t !== 'PaymentRejected')).toEqual([
        'OrderPaid',
        'EligibilityVerified',
        'EntitlementsRestored',
        'OrderFulfilled',
      ]);
    }, 15_000);
    // Billing may handle the second payment in the transaction that fulfils the order, after
    // it: its rejection is then recorded after OrderFulfilled. Wait for it, then look.
    await driver.waitForEvent('PaymentRejected', order.id, 15_000);
    const rejected = driver.eventsOf<PaymentRejected>(order.id, 'PaymentRejected');
    expect(rejected.map((e) => [e.data.paymentId, e.data.reasons])).toEqual([
      [second.data.paymentId, ['DUPLICATE_PAYMENT']],
    ]);
    const refunds = await driver.refundRequestsOnce(order.id);
    expect(refunds).toEqual([
      expect.objectContaining({
        paymentId: second.data.paymentId,
        amount: order.amount,
        reasons: ['DUPLICATE_PAYMENT'],
      }),
    ]);
    expect(refunds[0].paymentId).not.toBe(first.data.paymentId);
    // The extra payment's refund settles without ending the order.
    await eventually(async () => {
      const details = await harness.sys.billing.http<{
        status: string;
        refunds: { paymentId: string; status: string }[];
      }>('GET', `/orders/${order.id}`);
      expect(details.body.status).toBe('FULFILLED');
      expect(details.body.refunds).toEqual([
        expect.objectContaining({ paymentId: second.data.paymentId, status: 'SETTLED' }),
      ]);
    });

    const mails = await mailsOf(driver, customer, order.id, 3);
    expect(stagesOf(mails).sort()).toEqual(['paid', 'restored', 'secondPayment'].sort());
  });

  it('rolls back a reactivation when a license is revoked between eligibility and activation', async () => {
    const accountId = newAccountId('rollback');
    const account = suspendedAccount(accountId, { licenses: 2 });
    const [first, second] = licenseIdsOf(account);
    await driver.importAccount(accountId, account);
    const customer = newCustomer(accountId);
    const order = await driver.placeOrder(accountId, 'EU', [first, second], customer, {
      addOns: ['SCHEDULED_ACTIVATION'],
      changeWindow: { startsAt: inSeconds(5), endsAt: inSeconds(3600) },
    });

    await driver.pay(order);
    await driver.waitForEvent('ActivationScheduled', order.id);
    // Ops revoke the second license before the window starts.
    await driver.importAccount(accountId, {
      ...account,
      licenses: account.licenses.map(({ suspendedAt, ...l }) =>
        l.licenseId === second ? { ...l, status: 'REVOKED' as const } : { ...l, suspendedAt },
      ),
    });

    await expectRefunded(driver, order, customer, {
      story: [
        'OrderPaid',
        'EligibilityVerified',
        'ActivationScheduled',
        'ReactivationFailed',
        'OrderRefunded',
      ],
      reasons: ['LICENSE_REVOKED'],
      mails: ['paid', 'scheduled', 'rejected', 'refunded'],
      // Decided before any write: no license was switched on, so none is put back.
      activations: [],
    });
    const failed = driver.eventsOf<ReactivationFailed>(order.id, 'ReactivationFailed')[0].data;
    expect(failed.reasons).toEqual(['LICENSE_REVOKED']);
    expect(failed.resuspendedLicenseIds).toEqual([]);
    const registry = await harness.sys.licensing.http<{
      status: string;
      holds: { holdId: string; state: string }[];
      licenses: { licenseId: string; status: string; expiresAt: string }[];
    }>('GET', `/accounts/${accountId}`);
    expect(registry.body.status).toBe('SUSPENDED');
    expect(registry.body.holds).toEqual([
      expect.objectContaining({ holdId: `${accountId}-h1`, state: 'ACTIVE' }),
    ]);
    expect(registry.body.licenses.map((l) => [l.licenseId, l.status, l.expiresAt]).sort()).toEqual([
      [first, 'SUSPENDED', account.licenses[0].expiresAt],
      [second, 'REVOKED', account.licenses[1].expiresAt],
    ]);
  });

  it('fulfils exactly one of two orders paid at once for one account, refunding the other', async () => {
    const accountId = newAccountId('twice');
    const account = suspendedAccount(accountId);
    await driver.importAccount(accountId, account);
    const customers = [newCustomer(`${accountId}-a`), newCustomer(`${accountId}-b`)];
    const orders = await Promise.all(
      customers.map((customer) =>
        driver.placeOrder(accountId, 'EU', licenseIdsOf(account), customer),
      ),
    );

    await Promise.all(orders.map((order) => driver.pay(order)));

    const finals = await Promise.all(orders.map((order) => driver.finalEvent(order.id)));
    expect(finals.map((e) => e.type).sort()).toEqual(['OrderFulfilled', 'OrderRefunded']);
    const winner = finals.findIndex((e) => e.type === 'OrderFulfilled');
    const loser = 1 - winner;
    await expectFulfilled(driver, orders[winner], customers[winner], {
      story: ['OrderPaid', 'EligibilityVerified', 'EntitlementsRestored', 'OrderFulfilled'],
      licenseIds: licenseIdsOf(account),
      entitlements: ENTITLEMENTS,
      mails: ['paid', 'restored'],
    });
    await expectRefunded(driver, orders[loser], customers[loser], {
      story: ['OrderPaid', 'EligibilityRejected', 'OrderRefunded'],
      reasons: ['REACTIVATION_IN_PROGRESS'],
      mails: ['paid', 'rejected', 'refunded'],
    });
  });

  it('changes nothing when every service reads every topic again from the beginning', async () => {
    // Let the sagas above finish: every group caught up, the last emails sent.
    for (const group of Object.values(ConsumerGroups)) {
      await eventually(async () => {
        expect((await brokerLag(harness.sys.prefix, group)).lag).toBe(0);
      });
    }
    await harness.sys.quiesce(harness.recorder);
    const before = await snapshotState(harness.sys);
    const mailsBefore = harness.sys.mailbox.mails.length;
    const recordsBefore = harness.recorder.records.length;
    const count = (type: string) => harness.recorder.events(type).length;
    const activationsBefore = count('LicenseReactivated');
    const refundsBefore = count('RefundRequested');

    const groups: Record<ServiceName, string> = {
      billing: ConsumerGroups.Billing,
      eligibility: ConsumerGroups.Eligibility,
      licensing: ConsumerGroups.Licensing,
      notifications: ConsumerGroups.Notifications,
    };
    for (const [service, group] of Object.entries(groups) as [ServiceName, string][]) {
      const topics = [
        ...new Set((await lagOf(harness.sys.prefix, group)).partitions.map((p) => p.topic)),
      ];
      expect(topics.length).toBeGreaterThan(0);
      await harness.sys.services[service].stop();
      for (const topic of topics) {
        const replay = await runOps(harness.sys.prefix, [
          'replay',
          '--group',
          group,
          '--topic',
          topic,
          '--from',
          '0',
          '--json',
        ]);
        expect({ topic, code: replay.code, stderr: replay.stderr }).toEqual({
          topic,
          code: 0,
          stderr: expect.any(String),
        });
      }
      // Stopped and moved back: it has everything to read again.
      expect((await brokerLag(harness.sys.prefix, group)).lag).toBeGreaterThan(0);
      await harness.sys.restart(service);
      await eventually(
        async () => {
          expect(await brokerLag(harness.sys.prefix, group)).toEqual({ state: 'Stable', lag: 0 });
        },
        60_000,
        300,
      );
    }
    await harness.sys.quiesce(harness.recorder);

    expect(await snapshotState(harness.sys)).toEqual(before);
    expect(count('LicenseReactivated')).toBe(activationsBefore);
    expect(count('RefundRequested')).toBe(refundsBefore);
    expect(harness.sys.mailbox.mails.length).toBe(mailsBefore);
    // Nothing new on the saga topics at all (the services' own account snapshots included).
    expect(
      harness.recorder.records.slice(recordsBefore).map((r) => `${r.topic}:${r.event?.type}`),
    ).toEqual([]);
  });
});
