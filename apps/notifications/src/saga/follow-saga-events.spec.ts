import { CloudEvent } from '@app/contracts';
import { Transaction } from '@app/messaging';
import { PersonalDataCipher, sealPerson } from '@app/platform';
import { EntityManager } from 'typeorm';
import { FollowedEvent, FollowSagaEventsUsecase } from './follow-saga-events.usecase';

const cipher = new PersonalDataCipher(Buffer.alloc(32, 'unit').toString('base64'));
const jane = { name: 'Jane Doe', email: 'jane@customer.example' };

function event(type: string, orderId: string, data: object = {}): FollowedEvent {
  return {
    event: {
      id: `${type}-${orderId}`,
      type,
      time: '2026-11-30T10:00:00.000Z',
      data: { orderId, accountId: `acct-${orderId}`, ...data },
    } as CloudEvent<{ orderId: string; accountId: string }>,
    tx: {} as Transaction,
  };
}

const paid = (orderId: string, addOns: string[] = []) =>
  event('OrderPaid', orderId, {
    region: 'EU',
    amount: { amountMinor: 4900, currency: 'EUR' },
    addOns,
    customer: { sealed: sealPerson(cipher, jane) },
  });

/** The pipeline with every step recorded (what it was asked, in which order). */
function pipeline(assigned: CloudEvent<{ orderId: string; accountId: string }>[] = []) {
  /** Each step's name, its input, and what it was given after the scope (if anything). */
  const calls: [string, unknown, unknown?][] = [];
  const step =
    (name: string, result: unknown = undefined) =>
    (input: unknown, _scope: unknown, more?: unknown) => {
      calls.push([name, input, more]);
      return Promise.resolve(result);
    };
  const usecase = new FollowSagaEventsUsecase(
    { execute: step('timeline') } as never,
    { execute: step('open cases', assigned) } as never,
    { execute: step('close cases') } as never,
    { execute: step('queue emails') } as never,
    { execute: step('schedule reminders') } as never,
    cipher,
  );
  const scope = { manager: {} as EntityManager, now: new Date('2026-11-30T10:00:01Z') };
  return { calls, run: (events: FollowedEvent[]) => usecase.execute(events, scope) };
}

describe('following a run of saga events', () => {
  it('runs its steps in the stated order: contact, emails, reminders, cases closed, timeline last', async () => {
    const { calls, run } = pipeline([
      event('SupportContactAssigned', 'o1').event,
      event('SupportContactAssigned', 'o2').event,
    ]);
    await run([paid('o1', ['RENEWAL_REMINDERS']), paid('o2')]);
    expect(calls.map(([name]) => name)).toEqual([
      'open cases',
      'queue emails',
      'schedule reminders',
      'close cases',
      'timeline',
    ]);
    // The events, then the SupportContactAssigned published by the contact step.
    const stages = calls.find(([name]) => name === 'timeline')![1] as { stage: string }[];
    expect(stages.map((s) => s.stage)).toEqual([
      'OrderPaid',
      'OrderPaid',
      'SupportContactAssigned',
      'SupportContactAssigned',
    ]);
    const opened = calls.find(([name]) => name === 'open cases')![1] as { customer: unknown }[];
    expect(opened.map((c) => c.customer)).toEqual([jane, jane]);
    // The orders made known, settled with the emails: the reminders held for them are wanted
    // only by the order that bought them.
    expect(calls.find(([name]) => name === 'queue emails')![2]).toEqual([
      { orderId: 'o1', wantsHeld: true },
      { orderId: 'o2', wantsHeld: false },
    ]);
  });

  it('opens a case for a rejected payment naming its customer, not for a duplicate payment', async () => {
    const { calls, run } = pipeline();
    await run([
      event('PaymentRejected', 'o1', {
        reasons: ['PAYMENT_AMOUNT_MISMATCH'],
        amount: { amountMinor: 100, currency: 'EUR' },
        customer: { sealed: sealPerson(cipher, jane) },
      }),
      event('PaymentRejected', 'o2', {
        reasons: ['DUPLICATE_PAYMENT'],
        amount: { amountMinor: 4900, currency: 'EUR' },
      }),
    ]);
    const opened = calls.find(([name]) => name === 'open cases')![1] as { orderId: string }[];
    expect(opened.map((c) => c.orderId)).toEqual(['o1']);
    // Both are emailed if their order is known: the email step decides with the cases.
    const emails = calls.find(([name]) => name === 'queue emails')![1] as { orderId: string }[];
    expect(emails.map((e) => e.orderId)).toEqual(['o1', 'o2']);
  });

  it('closes the case of a saga that ended; emails only the stages the customer is told of', async () => {
    const { calls, run } = pipeline();
    await run([
      event('OrderFulfilled', 'o1'),
      event('OrderRefunded', 'o2', { reasons: ['OUTSTANDING_BALANCE'] }),
      event('EligibilityVerified', 'o3'),
    ]);
    expect(calls.find(([name]) => name === 'close cases')![1]).toEqual(['o1', 'o2']);
    const emails = calls.find(([name]) => name === 'queue emails')![1] as { type: string }[];
    expect(emails.map((e) => e.type)).toEqual(['OrderRefunded']);
    const stages = calls.find(([name]) => name === 'timeline')![1] as { stage: string }[];
    expect(stages.map((s) => s.stage)).toEqual([
      'OrderFulfilled',
      'OrderRefunded',
      'EligibilityVerified',
    ]);
  });
});
