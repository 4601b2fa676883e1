/**
 * Compliance reviews end to end, on a system whose reviews expire after a few seconds: ops approve
 * (the saga goes on to fulfilment), deny (refunded DOCUMENTS_REJECTED) or let the deadline pass
 * (refunded DOCUMENTS_EXPIRED).
 */
import { EligibilityReviewRequired } from '@app/contracts';
import { ENTITLEMENTS, licenseIdsOf, newAccountId, suspendedAccount } from './support/accounts';
import { Customer, newCustomer, Order, SagaDriver } from './support/saga-driver';
import { expectFulfilled, expectRefunded, mailsOf } from './support/saga-expectations';
import { SystemHarness } from './support/system-harness';

const REVIEW_DEADLINE_SECONDS = 4;
const DOCUMENTS = ['passport', 'proof-of-address'];

describe('compliance reviews end to end', () => {
  let harness: SystemHarness;
  let driver: SagaDriver;

  beforeAll(async () => {
    harness = await SystemHarness.start({
      eligibility: {
        REVIEW_DEADLINE_SECONDS: String(REVIEW_DEADLINE_SECONDS),
        REVIEW_SWEEP_MS: '250',
      },
    });
    driver = harness.driver;
  });

  afterAll(async () => {
    await harness?.stop();
  });

  afterEach(() => {
    expect(harness.deadLetters()).toEqual([]);
  });

  /** A paid order of an account under a compliance hold (and its settled billing hold). */
  async function orderUnderReview(label: string): Promise<{
    order: Order;
    customer: Customer;
    licenseIds: string[];
    review: EligibilityReviewRequired;
  }> {
    const accountId = newAccountId(label);
    const account = suspendedAccount(accountId);
    account.holds.push({
      holdId: `${accountId}-kyc`,
      category: 'COMPLIANCE_HOLD',
      reason: 'identity to be verified',
      state: 'ACTIVE',
      requiredDocuments: DOCUMENTS,
    });
    await driver.importAccount(accountId, account);
    const customer = newCustomer(accountId);
    const order = await driver.placeOrder(accountId, 'EU', licenseIdsOf(account), customer);
    await driver.pay(order);
    const required = await driver.waitForEvent<EligibilityReviewRequired>(
      'EligibilityReviewRequired',
      order.id,
    );
    expect(required.data.requiredDocuments).toEqual(DOCUMENTS);
    expect(required.data.holdIds).toEqual([`${accountId}-kyc`]);
    return { order, customer, licenseIds: licenseIdsOf(account), review: required.data };
  }

  const checkDocument = (reviewId: string, document: string, status: 'VERIFIED' | 'REJECTED') =>
    harness.sys.eligibility.http('POST', `/reviews/${reviewId}/documents/${document}`, { status });

  const decide = (reviewId: string, decision: 'approve' | 'deny') =>
    harness.sys.eligibility.http('POST', `/reviews/${reviewId}/decision`, { decision });

  it('reactivates once ops verified every document and approved', async () => {
    const { order, customer, licenseIds, review } = await orderUnderReview('approved');
    for (const document of DOCUMENTS) {
      expect((await checkDocument(review.reviewId, document, 'VERIFIED')).status).toBeLessThan(300);
    }
    expect((await decide(review.reviewId, 'approve')).status).toBeLessThan(300);

    const restored = await expectFulfilled(driver, order, customer, {
      story: [
        'OrderPaid',
        'EligibilityReviewRequired',
        'EligibilityVerified',
        'EntitlementsRestored',
        'OrderFulfilled',
      ],
      licenseIds,
      entitlements: ENTITLEMENTS,
      mails: ['paid', 'review', 'restored'],
    });
    expect(restored.clearedHoldIds.sort()).toEqual(
      [`${order.accountId}-h1`, `${order.accountId}-kyc`].sort(),
    );
    const [reviewMail] = (await mailsOf(driver, customer, order.id, 3)).filter((m) =>
      m.subject.includes('Documents needed'),
    );
    for (const document of DOCUMENTS) expect(reviewMail.text).toContain(document);
  });

  it('refunds with DOCUMENTS_REJECTED when ops deny', async () => {
    const { order, customer, review } = await orderUnderReview('denied');
    expect((await checkDocument(review.reviewId, 'passport', 'REJECTED')).status).toBeLessThan(300);
    expect((await decide(review.reviewId, 'deny')).status).toBeLessThan(300);

    await expectRefunded(driver, order, customer, {
      story: ['OrderPaid', 'EligibilityReviewRequired', 'EligibilityRejected', 'OrderRefunded'],
      reasons: ['DOCUMENTS_REJECTED'],
      mails: ['paid', 'review', 'rejected', 'refunded'],
    });
  });

  it('refunds with DOCUMENTS_EXPIRED when nobody decides before the deadline', async () => {
    const { order, customer, review } = await orderUnderReview('expired');
    expect(Date.parse(review.deadline) - Date.now()).toBeLessThanOrEqual(
      REVIEW_DEADLINE_SECONDS * 1000,
    );

    await expectRefunded(driver, order, customer, {
      story: ['OrderPaid', 'EligibilityReviewRequired', 'EligibilityRejected', 'OrderRefunded'],
      reasons: ['DOCUMENTS_EXPIRED'],
      mails: ['paid', 'review', 'rejected', 'refunded'],
    });
    const rejectedAt = driver.eventsOf<{ rejectedAt: string }>(order.id, 'EligibilityRejected')[0]
      .data.rejectedAt;
    expect(Date.parse(rejectedAt)).toBeGreaterThanOrEqual(Date.parse(review.deadline));
    // Too late: the review is decided and refuses a decision now.
    expect((await decide(review.reviewId, 'approve')).status).toBe(409);
  });
});
