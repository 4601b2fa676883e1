/**
 * The invariant checker on histories made by hand: a history as a correct run leaves it passes
 * every invariant, and each way of breaking one (a lost saga, an event done twice, a refund of
 * the wrong amount, a duplicate email, a dead letter, lag) fails exactly that invariant.
 */
import { checkInvariants, DrivenSaga, History, HistoryEvent } from './invariants';
import { planSaga, SagaKind } from './saga-kinds';
import { faultSchedule } from './fault-schedule';

const money = { amountMinor: 5000, currency: 'EUR' };
let nextId = 0;
const event = (topic: string, type: string, data: Record<string, unknown>): HistoryEvent => ({
  topic,
  id: `e${nextId++}`,
  type,
  data,
});

function saga(index: number, kind: SagaKind): DrivenSaga {
  const plan = planSaga('t', index, kind);
  const payments = [{ paymentId: `pay-${plan.accountId}-1`, amount: money }];
  if (plan.secondPayment) payments.push({ paymentId: `pay-${plan.accountId}-2`, amount: money });
  return {
    plan,
    orderId: `o${index}`,
    customerEmail: `${plan.accountId}@chaos.example`,
    amount: money,
    payments,
  };
}

/** What a correct run leaves behind for a fulfilled, a refunded and a duplicate-payment saga. */
function correctHistory(): History {
  const fulfilled = saga(0, 'fulfilled');
  const refunded = saga(1, 'account-terminated');
  const duplicate = saga(2, 'duplicate-payment');
  const refund = (s: DrivenSaga, payment: number, reasons: string[]) =>
    event('billing.refunds.v1', 'RefundRequested', {
      orderId: s.orderId,
      refundId: `r-${s.orderId}-${payment}`,
      paymentId: s.payments[payment].paymentId,
      amount: money,
      reasons,
    });
  const mail = (s: DrivenSaga, subject: string) => ({
    to: [s.customerEmail],
    subject: `${subject} (order ${s.orderId})`,
    messageId: `<${subject}-${s.orderId}>`,
    acceptedAt: 1_000_000,
  });
  return {
    sagas: [fulfilled, refunded, duplicate],
    events: [
      ...[fulfilled, refunded, duplicate].map((s) =>
        event('reactivation.billing.v1', 'OrderPaid', { orderId: s.orderId }),
      ),
      ...[fulfilled, duplicate].flatMap((s) => [
        event('reactivation.billing.v1', 'OrderFulfilled', { orderId: s.orderId }),
        event('licensing.activations.v1', 'LicenseReactivated', {
          orderId: s.orderId,
          licenseId: s.plan.licenseIds[0],
        }),
      ]),
      refund(refunded, 0, ['ACCOUNT_TERMINATED']),
      event('reactivation.billing.v1', 'OrderRefunded', { orderId: refunded.orderId }),
      refund(duplicate, 1, ['DUPLICATE_PAYMENT']),
    ],
    orderStatus: new Map([
      [fulfilled.orderId, 'FULFILLED'],
      [refunded.orderId, 'REFUNDED'],
      [duplicate.orderId, 'FULFILLED'],
    ]),
    licenseStatus: new Map([
      [fulfilled.plan.licenseIds[0], 'ACTIVE'],
      [refunded.plan.licenseIds[0], 'SUSPENDED'],
      [duplicate.plan.licenseIds[0], 'ACTIVE'],
    ]),
    emails: [
      mail(fulfilled, 'Payment received'),
      mail(fulfilled, 'Your services are reactivated'),
      mail(refunded, 'Payment received'),
      mail(refunded, 'We could not reactivate your services'),
      mail(refunded, 'Your refund is complete'),
      mail(duplicate, 'Payment received'),
      mail(duplicate, 'Your services are reactivated'),
      {
        ...mail(duplicate, ''),
        subject: `A second payment for order ${duplicate.orderId} will be refunded`,
      },
    ],
    deadLetters: [],
    lag: { 'reactivation-billing': 0 },
    outbox: { billing: 0 },
    readiness: { 'billing#1': 200, 'billing#2': 200 },
    notificationsKilledAt: [],
  };
}

const failing = (history: History) =>
  checkInvariants(history)
    .filter((i) => !i.ok)
    .map((i) => i.name);

describe('chaos invariants', () => {
  it('hold on the history of a correct run', () => {
    expect(failing(correctHistory())).toEqual([]);
  });

  it('a saga that did not end as its kind must fails the terminal state, with its id', () => {
    const history = correctHistory();
    history.orderStatus.set('o1', 'PAID');
    const [broken] = checkInvariants(history).filter((i) => !i.ok);
    expect(broken.name).toMatch(/terminal|state its kind/);
    expect(broken.examples[0]).toContain('o1 (account-terminated) is PAID');
  });

  it('a second OrderPaid under another event id fails; the same event re-sent does not', () => {
    const history = correctHistory();
    const paid = history.events.find((e) => e.type === 'OrderPaid')!;
    history.events.push({ ...paid }); // a relay re-send: same event id
    expect(failing(history)).toEqual([]);
    history.events.push({ ...paid, id: 'another' });
    expect(failing(history)).toEqual(['exactly the OrderPaid each order must have']);
  });

  it('a refund of another amount than captured, or under a second key, fails', () => {
    const wrongAmount = correctHistory();
    const request = wrongAmount.events.find((e) => e.type === 'RefundRequested')!;
    request.data = { ...request.data, amount: { amountMinor: 4999, currency: 'EUR' } };
    expect(failing(wrongAmount)).toEqual([
      'per refunded order exactly one RefundRequested (one key) of the amount captured',
    ]);

    const twoKeys = correctHistory();
    const first = twoKeys.events.find((e) => e.type === 'RefundRequested')!;
    twoKeys.events.push({ ...first, id: 'again', data: { ...first.data, refundId: 'r-other' } });
    expect(failing(twoKeys)).toEqual([
      'per refunded order exactly one RefundRequested (one key) of the amount captured',
    ]);
  });

  it('a license reactivated for a refunded order, and a registry that disagrees, fail', () => {
    const history = correctHistory();
    const refunded = history.sagas[1];
    history.events.push(
      event('licensing.activations.v1', 'LicenseReactivated', {
        orderId: refunded.orderId,
        licenseId: refunded.plan.licenseIds[0],
      }),
    );
    history.licenseStatus.set(refunded.plan.licenseIds[0], 'ACTIVE');
    expect(failing(history)).toEqual([
      'exactly one LicenseReactivated per license of a fulfilled order, none for a refunded one',
      'the licensing registry agrees',
    ]);
  });

  it('the same email accepted twice by SMTP (same Message-ID) fails, naming order and stage', () => {
    const history = correctHistory();
    history.emails.push({ ...history.emails[1], acceptedAt: 1_120_000 });
    const broken = checkInvariants(history).filter((i) => !i.ok);
    expect(broken.map((i) => i.name)).toEqual([
      'exactly one email per order and stage accepted by SMTP',
    ]);
    expect(broken[0].examples[0]).toContain('o0 (fulfilled)');
    expect(broken[0].examples[0]).toContain(
      'restored×2 (same Message-ID, first at 00:16:40, 120 s apart)',
    );
  });

  it('an email sent twice by an instance killed right after SMTP accepted it is the stated exception, within bounds', () => {
    const killedAt = 1_000_500;
    const history = correctHistory();
    history.notificationsKilledAt = [killedAt];
    history.emails.push({ ...history.emails[1], acceptedAt: 1_120_000 });
    const [emails] = checkInvariants(history).filter((i) => i.name.includes('email'));
    expect(emails.ok).toBe(true);
    expect(emails.counts).toContain('1 sent twice with the same Message-ID');

    // Another Message-ID, or no kill just after the first copy, is a duplicate like any other.
    const otherId = correctHistory();
    otherId.notificationsKilledAt = [killedAt];
    otherId.emails.push({ ...otherId.emails[1], messageId: '<other>', acceptedAt: 1_120_000 });
    expect(failing(otherId)).toEqual(['exactly one email per order and stage accepted by SMTP']);
    const longBefore = correctHistory();
    longBefore.notificationsKilledAt = [killedAt + 60_000];
    longBefore.emails.push({ ...longBefore.emails[1], acceptedAt: 1_120_000 });
    expect(failing(longBefore)).toEqual(['exactly one email per order and stage accepted by SMTP']);

    // More than the SMTP pool's 3 in flight for one kill: not explained by it.
    const many = correctHistory();
    many.notificationsKilledAt = [killedAt];
    many.emails = many.emails.flatMap((mail) => [mail, { ...mail, acceptedAt: 1_120_000 }]);
    expect(failing(many)).toEqual(['exactly one email per order and stage accepted by SMTP']);
  });

  it('a dead letter, lag, an outbox row or an instance not ready fail', () => {
    const history = correctHistory();
    history.deadLetters.push('reactivation-billing.dlq.v1: boom');
    history.lag['reactivation-billing'] = 3;
    history.readiness['billing#2'] = 503;
    expect(failing(history)).toEqual([
      'no dead letter from valid traffic',
      'afterwards: lag 0, outbox empty, every instance ready',
    ]);
  });
});

describe('chaos fault schedule', () => {
  const options = {
    durationMs: 60_000,
    instanceKills: 5,
    brokerKills: 1,
    databaseRestarts: 1,
    replays: true,
  };

  it('is the same for the same seed (a run can be replayed) and differs for another', () => {
    expect(faultSchedule(42, options)).toEqual(faultSchedule(42, options));
    expect(faultSchedule(43, options)).not.toEqual(faultSchedule(42, options));
  });

  it('holds every fault asked for, in time order, inside the run, restarts after 1–3 s', () => {
    const schedule = faultSchedule(7, options);
    expect(schedule.map((f) => f.kind).sort()).toEqual(
      [
        ...Array<string>(5).fill('kill-instance'),
        'kill-broker',
        'restart-database',
        ...Array<string>(4).fill('replay'),
      ].sort(),
    );
    expect(schedule.map((f) => f.atMs)).toEqual(
      [...schedule.map((f) => f.atMs)].sort((a, b) => a - b),
    );
    for (const fault of schedule) {
      expect(fault.atMs).toBeGreaterThanOrEqual(6_000);
      expect(fault.atMs).toBeLessThanOrEqual(54_000);
      if (fault.kind === 'kill-instance' || fault.kind === 'kill-broker') {
        expect(fault.downMs).toBeGreaterThanOrEqual(1000);
        expect(fault.downMs).toBeLessThanOrEqual(3000);
      }
    }
  });
});
