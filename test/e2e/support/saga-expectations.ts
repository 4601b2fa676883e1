/**
 * What every ended saga must show, whatever its path: the order's final state in billing, the
 * events of its story on the topics, the refund (or none), and the emails the customer received.
 */
import {
  EntitlementsRestored,
  OrderRefunded,
  RefundRequested,
  SupportContactAssigned,
  Topics,
} from '@app/contracts';
import { eventually, ReceivedMail } from '@app/testing';
import { Customer, Order, SagaDriver } from './saga-driver';

/** Words each reason is explained with in a customer's email (a fragment is enough). */
export const REASON_WORDING: Record<string, string> = {
  ACCOUNT_NOT_SUSPENDED: 'not suspended',
  ACCOUNT_TERMINATED: 'terminated',
  REGION_UNSUPPORTED: 'region',
  REACTIVATION_IN_PROGRESS: 'Another reactivation is already in progress',
  OUTSTANDING_BALANCE: 'outstanding balance',
  HOLD_NOT_CLEARABLE: 'hold that this service cannot lift',
  DOCUMENTS_REJECTED: 'documents could not be accepted',
  DOCUMENTS_EXPIRED: 'not verified before the deadline',
  LICENSE_NOT_OWNED: 'does not belong to your account',
  LICENSE_REVOKED: 'has been revoked',
  CONTRACT_EXPIRED: 'contract of one of the licenses in your order has expired',
  PAYMENT_AMOUNT_MISMATCH: 'did not match the amount',
  DUPLICATE_PAYMENT: 'already been paid',
};

export const SUBJECTS = {
  paid: 'Payment received',
  review: 'Documents needed',
  scheduled: 'is scheduled',
  restored: 'Your services are reactivated',
  rejected: 'We could not reactivate your services',
  paymentRejected: 'Your payment could not be accepted',
  secondPayment: 'A second payment for order',
  refunded: 'Your refund is complete',
};

/** Waits until the customer has `count` emails about the order, then returns them (oldest first). */
export async function mailsOf(
  driver: SagaDriver,
  customer: Customer,
  orderId: string,
  count: number,
): Promise<ReceivedMail[]> {
  return eventually(
    async () => {
      const mails = driver.mailsAbout(customer.email, orderId);
      if (mails.length < count) {
        throw new Error(
          `${customer.email} has ${mails.length} email(s) about ${orderId}, expected ${count}: ${mails.map((m) => m.subject).join(' | ')}`,
        );
      }
      return mails;
    },
    20_000,
    200,
  );
}

/** The stage each email is about, from its subject, in the order received. */
export function stagesOf(mails: ReceivedMail[]): string[] {
  return mails.map((mail) => {
    const stage = Object.entries(SUBJECTS).find(([, subject]) => mail.subject.includes(subject));
    return stage ? stage[0] : `?${mail.subject}`;
  });
}

export function contactOf(driver: SagaDriver, orderId: string): SupportContactAssigned['contact'] {
  const assigned = driver
    .eventsOn<SupportContactAssigned>(Topics.ReactivationNotifications, orderId)
    .filter((e) => e.type === 'SupportContactAssigned');
  expect(assigned).toHaveLength(1);
  return assigned[0].data.contact;
}

/**
 * A saga that ended fulfilled: order FULFILLED, its story, one LicenseReactivated per license, no
 * refund, and the confirmation naming every license, entitlement and the support contact.
 */
export async function expectFulfilled(
  driver: SagaDriver,
  order: Order,
  customer: Customer,
  expected: {
    story: string[];
    licenseIds: string[];
    entitlements: { code: string; name: string }[];
    mails: string[];
  },
): Promise<EntitlementsRestored> {
  const final = await driver.finalEvent(order.id);
  expect(final.type).toBe('OrderFulfilled');
  await driver.orderReaches(order.id, 'FULFILLED');
  // The recorder reads each topic on its own: wait until the other topics have caught up too.
  await eventually(async () => expect(driver.storyOf(order.id)).toEqual(expected.story), 15_000);

  const restored = driver.eventsOf<EntitlementsRestored>(order.id, 'EntitlementsRestored')[0].data;
  expect(restored.termsUnchanged).toBe(true);
  expect(restored.licenses.map((l) => l.licenseId).sort()).toEqual([...expected.licenseIds].sort());
  for (const license of restored.licenses) {
    expect(license.entitlements.map((e) => e.code).sort()).toEqual(
      expected.entitlements.map((e) => e.code).sort(),
    );
  }
  // The activations topic is read on its own too, and is not part of the story: wait for it.
  await eventually(async () => {
    const reactivated = driver.eventsOn<{ licenseId: string }>(
      Topics.LicensingActivations,
      order.id,
    );
    expect(reactivated.map((e) => e.type)).toEqual(
      expected.licenseIds.map(() => 'LicenseReactivated'),
    );
    expect(reactivated.map((e) => e.data.licenseId).sort()).toEqual(
      [...expected.licenseIds].sort(),
    );
  }, 15_000);
  expect(driver.refundRequestsOf(order.id)).toEqual([]);

  // Notifications assigns the contact on its own time: the saga may have ended before.
  const contact = await eventually(async () => contactOf(driver, order.id));
  const mails = await mailsOf(driver, customer, order.id, expected.mails.length);
  expect(stagesOf(mails)).toEqual(expected.mails);
  for (const mail of mails) expect(mail.text).toContain(contact.name);
  const confirmation = mails.find((m) => m.subject.includes(SUBJECTS.restored))!;
  for (const licenseId of expected.licenseIds) expect(confirmation.text).toContain(licenseId);
  for (const entitlement of expected.entitlements) {
    expect(confirmation.text).toContain(`${entitlement.name} (${entitlement.code})`);
  }
  expect(confirmation.text).toContain('contract terms are unchanged');
  return restored;
}

/**
 * A paid saga that ended refunded: order REFUNDED, its story, one refund of everything paid with
 * the reasons, OrderRefunded, and the emails: payment, rejection (reasons and refund), refund.
 */
export async function expectRefunded(
  driver: SagaDriver,
  order: Order,
  customer: Customer,
  expected: {
    story: string[];
    reasons: string[];
    mails: string[];
    /** [type, licenseId] on licensing.activations.v1 (none unless licensing rolled back). */
    activations?: [string, string][];
  },
): Promise<void> {
  const final = await driver.finalEvent(order.id);
  expect(final.type).toBe('OrderRefunded');
  await driver.orderReaches(order.id, 'REFUNDED');
  // The recorder reads each topic on its own: wait until the other topics have caught up too.
  await eventually(async () => expect(driver.storyOf(order.id)).toEqual(expected.story), 15_000);

  const refunds = await driver.refundRequestsOnce(order.id);
  expect(refunds).toEqual([
    expect.objectContaining({
      orderId: order.id,
      accountId: order.accountId,
      amount: order.amount,
      reasons: expected.reasons,
    }) as RefundRequested,
  ]);
  const refunded = final.data as unknown as OrderRefunded;
  expect(refunded.refundId).toBe(refunds[0].refundId);
  expect(refunded.amount).toEqual(order.amount);
  expect(refunded.reasons).toEqual(expected.reasons);
  await eventually(
    async () =>
      expect(
        driver
          .eventsOn<{ licenseId: string }>(Topics.LicensingActivations, order.id)
          .map((e) => [e.type, e.data.licenseId]),
      ).toEqual(expected.activations ?? []),
    15_000,
  );

  if (expected.mails.length === 0) return;
  // Notifications assigns the contact on its own time: the saga may have ended before.
  const contact = await eventually(async () => contactOf(driver, order.id));
  const mails = await mailsOf(driver, customer, order.id, expected.mails.length);
  expect(stagesOf(mails)).toEqual(expected.mails);
  for (const mail of mails) expect(mail.text).toContain(contact.name);
  const rejection = mails.find(
    (m) => m.subject.includes(SUBJECTS.rejected) || m.subject.includes(SUBJECTS.paymentRejected),
  )!;
  for (const reason of expected.reasons) expect(rejection.text).toContain(REASON_WORDING[reason]);
  expect(rejection.text).toContain('full refund');
  const refundMail = mails.find((m) => m.subject.includes(SUBJECTS.refunded))!;
  expect(refundMail.text).toContain(refunds[0].refundId);
}
