import { EntitlementsRestored } from '@app/contracts';
import { emailStageFor } from './email-stage';
import { EmailInput, EmailStages, renderEmail } from './email.templates';
import { formatMoney } from './money.format';

const contact = { name: 'Amélie Laurent', email: 'amelie.laurent@support.poly.example' };

function input(stage: string, content: object, extra: Partial<EmailInput> = {}): EmailInput {
  return {
    stage,
    orderId: 'order-1',
    content: content as Record<string, unknown>,
    customerName: 'Jane Doe',
    contact,
    paid: { amountMinor: 12_000, currency: 'JPY' },
    statusUrl: 'http://status.example/reactivations/order-1/status.html?t=abc',
    ...extra,
  };
}

const restored: Omit<EntitlementsRestored, 'orderId' | 'accountId'> = {
  licenses: [
    {
      licenseId: 'lic-1',
      contractId: 'ctr-1',
      product: 'Poly Studio',
      expiresAt: '2027-06-30T00:00:00.000Z',
      entitlements: [
        { code: 'VIDEO_HD', name: 'HD video' },
        { code: 'CLOUD_REC', name: 'Cloud recording' },
      ],
    },
    {
      licenseId: 'lic-2',
      contractId: 'ctr-1',
      product: 'Poly Lens',
      expiresAt: '2027-12-31T00:00:00.000Z',
      entitlements: [{ code: 'ANALYTICS', name: 'Device analytics' }],
    },
  ],
  contracts: [{ contractId: 'ctr-1', termsFingerprint: 'a'.repeat(64) }],
  termsUnchanged: true,
  clearedHoldIds: ['hold-1'],
  restoredAt: '2026-11-23T10:00:00.000Z',
};

describe('money formatting', () => {
  it('uses the currency exponent: no decimals for JPY', () => {
    expect(formatMoney(12_000, 'JPY')).toBe('JPY 12,000');
  });

  it('uses two decimals for EUR and USD, three for KWD', () => {
    expect(formatMoney(123_456, 'EUR')).toBe('EUR 1,234.56');
    expect(formatMoney(5, 'USD')).toBe('USD 0.05');
    expect(formatMoney(1_500, 'KWD')).toBe('KWD 1.500');
  });
});

describe('email templates', () => {
  it('confirms payment with the amount in its currency', () => {
    const email = renderEmail(
      input(EmailStages.PaymentReceived, {
        amount: { amountMinor: 12_000, currency: 'JPY' },
        licenseIds: ['lic-1'],
      }),
    );
    expect(email.subject).toContain('Payment received');
    expect(email.text).toContain('JPY 12,000');
    expect(email.text).not.toContain('120.00');
  });

  it('lists every restored license with its product, expiry and each entitlement', () => {
    const email = renderEmail(input(EmailStages.Restored, restored));
    for (const part of [
      'Poly Studio',
      'lic-1',
      '2027-06-30',
      'HD video',
      'Cloud recording',
      'Poly Lens',
      'lic-2',
      '2027-12-31',
      'Device analytics',
    ]) {
      expect(email.text).toContain(part);
      expect(email.html).toContain(part);
    }
    expect(email.text).toContain('contract terms are unchanged');
  });

  it('names the support contact in every message', () => {
    const stages: [string, object][] = [
      [
        EmailStages.PaymentReceived,
        { amount: { amountMinor: 100, currency: 'EUR' }, licenseIds: ['l'] },
      ],
      [
        EmailStages.ReviewRequired,
        { requiredDocuments: ['ID'], deadline: '2026-11-25T10:00:00.000Z' },
      ],
      [EmailStages.Scheduled, { scheduledFor: '2026-11-24T22:00:00.000Z' }],
      [EmailStages.Restored, restored],
      [EmailStages.EligibilityRejected, { reasons: ['OUTSTANDING_BALANCE'] }],
      [EmailStages.ReactivationFailed, { reasons: ['LICENSE_REVOKED'] }],
      [
        EmailStages.PaymentRejected,
        { reasons: ['PAYMENT_AMOUNT_MISMATCH'], amount: { amountMinor: 1, currency: 'EUR' } },
      ],
      [
        EmailStages.Refunded,
        {
          refundId: 'r',
          reasons: ['DOCUMENTS_EXPIRED'],
          amount: { amountMinor: 1, currency: 'EUR' },
        },
      ],
      [
        EmailStages.Stalled,
        {
          stage: 'OrderPaid',
          since: '2026-11-23T10:00:00.000Z',
          deadline: '2026-11-23T10:10:00.000Z',
        },
      ],
      [
        EmailStages.RenewalReminder,
        { licenseId: 'lic-1', product: 'Poly Studio', expiresAt: '2027-06-30T00:00:00.000Z' },
      ],
    ];
    for (const [stage, content] of stages) {
      const email = renderEmail(input(stage, content));
      expect(email.text).toContain('Amélie Laurent');
      expect(email.html).toContain('Amélie Laurent');
      expect(email.text).toContain('status.html?t=abc');
    }
  });

  it('explains each rejection reason and announces the full refund with tax', () => {
    const email = renderEmail(
      input(EmailStages.EligibilityRejected, {
        reasons: ['OUTSTANDING_BALANCE', 'LICENSE_NOT_OWNED'],
      }),
    );
    expect(email.text).toContain('outstanding balance');
    expect(email.text).toContain('does not belong to your account');
    expect(email.text).toContain('A full refund of JPY 12,000, tax included');
    expect(email.text).not.toContain('OUTSTANDING_BALANCE');
  });

  it('gives the refunded amount in its currency', () => {
    const email = renderEmail(
      input(EmailStages.Refunded, {
        refundId: 'ref-1',
        reasons: ['DOCUMENTS_EXPIRED'],
        amount: { amountMinor: 12_000, currency: 'JPY' },
      }),
    );
    expect(email.text).toContain('We refunded JPY 12,000, tax included');
  });

  it('gives the review deadline and every document', () => {
    const email = renderEmail(
      input(EmailStages.ReviewRequired, {
        requiredDocuments: ['Proof of address', 'Company registration'],
        deadline: '2026-11-25T10:00:00.000Z',
      }),
    );
    expect(email.text).toContain('Proof of address');
    expect(email.text).toContain('Company registration');
    expect(email.text).toContain('2026-11-25 10:00 UTC');
  });

  it('escapes what it puts in HTML', () => {
    const email = renderEmail(
      input(
        EmailStages.PaymentReceived,
        { amount: { amountMinor: 1, currency: 'EUR' }, licenseIds: ['l'] },
        { customerName: '<b>Eve</b>' },
      ),
    );
    expect(email.html).toContain('&lt;b&gt;Eve&lt;/b&gt;');
    expect(email.html).not.toContain('<b>Eve</b>');
  });

  it('gives a second payment of a paid order its own stages', () => {
    expect(emailStageFor('PaymentRejected', { reasons: ['DUPLICATE_PAYMENT'] })).toBe(
      EmailStages.DuplicatePaymentRejected,
    );
    expect(emailStageFor('OrderRefunded', { reasons: ['DUPLICATE_PAYMENT'] })).toBe(
      EmailStages.DuplicatePaymentRefunded,
    );
    expect(emailStageFor('PaymentRejected', { reasons: ['PAYMENT_AMOUNT_MISMATCH'] })).toBe(
      'PaymentRejected',
    );
    expect(emailStageFor('OrderRefunded', { reasons: ['OUTSTANDING_BALANCE'] })).toBe(
      'OrderRefunded',
    );
  });
});
