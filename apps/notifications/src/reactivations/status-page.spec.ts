import { ReactivationView } from './reactivation.view';
import { renderStatusPage, statusPageOf } from './status-page';

const CONTACT = {
  contactId: 'eu-1',
  name: 'Amélie <Laurent>',
  email: 'amelie.laurent@support.poly.example',
};

function receipt(currency: string, unit: number, taxRateBps: number) {
  const tax = Math.round((unit * 2 * taxRateBps) / 10_000);
  return {
    lines: [
      {
        code: 'REACTIVATION_FEE',
        description: 'Service Reactivation Fee',
        quantity: 1,
        unitAmountMinor: unit,
        amountMinor: unit,
        taxMinor: tax / 2,
      },
      {
        code: 'LICENSE_REINSTATEMENT',
        description: 'License reinstatement',
        quantity: 1,
        unitAmountMinor: unit,
        amountMinor: unit,
        taxMinor: tax / 2,
      },
    ],
    subtotalMinor: unit * 2,
    taxMinor: tax,
    totalMinor: unit * 2 + tax,
    currency,
    taxInclusive: false,
    taxRateBps,
  };
}

function paid(currency: string, unit: number, taxRateBps: number, extra: object = {}) {
  const r = receipt(currency, unit, taxRateBps);
  return {
    stage: 'OrderPaid',
    at: '2026-11-23T10:00:00.120Z',
    details: {
      amount: { amountMinor: r.totalMinor, currency },
      addOns: [],
      receipt: r,
      ...extra,
    },
  };
}

function view(status: ReactivationView['status'], stages: ReactivationView['stages']) {
  return {
    orderId: 'order-1',
    accountId: 'acct-1',
    status,
    supportContact: CONTACT,
    stages,
    emails: [],
  } satisfies ReactivationView;
}

const restored = {
  stage: 'EntitlementsRestored',
  at: '2026-11-23T10:00:02.500Z',
  details: {
    licenses: [
      {
        licenseId: 'lic-1',
        contractId: 'c-1',
        product: 'Poly Studio',
        expiresAt: '2027-06-30T00:00:00.000Z',
        entitlements: [
          { code: 'VIDEO_HD', name: 'HD video' },
          { code: 'RECORDING', name: 'Cloud recording' },
        ],
      },
      {
        licenseId: 'lic-2',
        contractId: 'c-1',
        product: 'Poly Voice',
        expiresAt: '2027-03-31T00:00:00.000Z',
        entitlements: [{ code: 'PSTN', name: 'Phone calls' }],
      },
    ],
  },
};

describe('the customer status page', () => {
  it('itemizes what was bought in the order’s currency, with its own decimals', () => {
    const eur = renderStatusPage(statusPageOf(view('PAID', [paid('EUR', 4900, 2000)])));
    expect(eur).toContain('Service Reactivation Fee');
    expect(eur).toContain('EUR 49.00');
    expect(eur).toContain('Tax (20 %)</td><td class="n">EUR 19.60');
    expect(eur).toContain('Total paid</td><td class="n">EUR 117.60');
    const jpy = renderStatusPage(statusPageOf(view('PAID', [paid('JPY', 6000, 1000)])));
    expect(jpy).toContain('JPY 6,000');
    expect(jpy).toContain('JPY 1,200');
    expect(jpy).toContain('JPY 13,200');
    expect(jpy).not.toMatch(/JPY [\d,]+\.\d/);
  });

  it('shows the tax as part of a total whose lines include it', () => {
    const order = paid('EUR', 4900, 2000);
    order.details.receipt = {
      ...order.details.receipt,
      taxInclusive: true,
      subtotalMinor: 8000,
      totalMinor: 9800,
      taxMinor: 1800,
    };
    const html = renderStatusPage(statusPageOf(view('PAID', [order])));
    expect(html).toContain('Total paid</td><td class="n">EUR 98.00');
    expect(html).toContain('Of which tax (20 %)</td><td class="n">EUR 18.00');
    expect(html).not.toContain('Subtotal');
  });

  it('lists every stage in the order it happened, even within the same second', () => {
    const page = statusPageOf(
      view('FULFILLED', [
        paid('USD', 5000, 0),
        { stage: 'SupportContactAssigned', at: '2026-11-23T10:00:00.130Z', details: {} },
        { stage: 'EligibilityVerified', at: '2026-11-23T10:00:00.400Z', details: {} },
        { stage: 'CustomerNotified', at: '2026-11-23T10:00:00.500Z', details: {} },
        restored,
        { stage: 'OrderFulfilled', at: '2026-11-23T10:00:02.900Z', details: {} },
      ]),
    );
    expect(page.stages.map((s) => s.label)).toEqual([
      'Payment received',
      'Support contact assigned',
      'Eligibility confirmed',
      'Licenses and entitlements restored',
      'Order completed',
    ]);
    const html = renderStatusPage(page);
    const positions = page.stages.map((s) => html.indexOf(`${s.label}</li>`));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(html).toContain('2026-11-23 10:00:00 UTC');
  });

  it('when fulfilled, shows every restored license with its entitlements and the next steps', () => {
    const html = renderStatusPage(
      statusPageOf({
        ...view('FULFILLED', [
          paid('EUR', 4900, 2000, { addOns: ['RENEWAL_REMINDERS'] }),
          restored,
          { stage: 'OrderFulfilled', at: '2026-11-23T10:00:03.000Z', details: {} },
        ]),
        emails: [
          {
            stage: 'RenewalReminder',
            subject: 'lic-2',
            status: 'PENDING',
            dueAt: '2027-03-01T00:00:00.000Z',
            sentAt: null,
          },
        ],
      }),
    );
    for (const text of [
      'Poly Studio (license lic-1), valid until 2027-06-30',
      'HD video (VIDEO_HD)',
      'Cloud recording (RECORDING)',
      'Poly Voice (license lic-2), valid until 2027-03-31',
      'Phone calls (PSTN)',
      'Check connectivity',
      'Check your client endpoints',
      'lic-2 on 2027-03-01',
    ])
      expect(html).toContain(text);
  });

  it('when scheduled, says when the change window opens', () => {
    const window = { startsAt: '2026-12-01T22:00:00.000Z', endsAt: '2026-12-02T02:00:00.000Z' };
    const html = renderStatusPage(
      statusPageOf(
        view('SCHEDULED', [
          paid('EUR', 4900, 2000, { changeWindow: window }),
          {
            stage: 'ActivationScheduled',
            at: '2026-11-23T10:00:01.000Z',
            details: { scheduledFor: window.startsAt },
          },
        ]),
      ),
    );
    expect(html).toContain('reactivated at 2026-12-01 22:00:00 UTC');
    expect(html).toContain('2026-12-02 02:00:00 UTC');
  });

  it('when in review, names the documents and the deadline', () => {
    const html = renderStatusPage(
      statusPageOf(
        view('IN_REVIEW', [
          paid('USD', 5000, 0),
          {
            stage: 'EligibilityReviewRequired',
            at: '2026-11-23T10:00:01.000Z',
            details: { requiredDocuments: ['passport'], deadline: '2026-11-30T10:00:00.000Z' },
          },
        ]),
      ),
    );
    expect(html).toContain('passport');
    expect(html).toContain('before 2026-11-30 10:00:00 UTC');
  });

  it('when refunded, gives the reason in plain words, the amount with tax and that it is settled', () => {
    const order = paid('EUR', 4900, 2000);
    const html = renderStatusPage(
      statusPageOf(
        view('REFUNDED', [
          order,
          {
            stage: 'EligibilityRejected',
            at: '2026-11-23T10:00:01.000Z',
            details: { reasons: ['OUTSTANDING_BALANCE'] },
          },
          {
            stage: 'OrderRefunded',
            at: '2026-11-23T10:00:05.000Z',
            details: {
              refundId: 'r-1',
              amount: order.details.amount,
              reasons: ['OUTSTANDING_BALANCE'],
              refundedAt: '2026-11-23T10:00:05.000Z',
            },
          },
        ]),
      ),
    );
    expect(html).toContain('outstanding balance');
    expect(html).not.toContain('OUTSTANDING_BALANCE');
    expect(html).toContain('EUR 117.60, tax included (of which EUR 19.60 tax)');
    expect(html).toContain('Settled');
  });

  it('while a refund is pending, says it is not settled yet', () => {
    const html = renderStatusPage(
      statusPageOf(
        view('REFUND_PENDING', [
          paid('JPY', 6000, 1000),
          {
            stage: 'ReactivationFailed',
            at: '2026-11-23T10:00:01.000Z',
            details: { reasons: ['LICENSE_REVOKED'] },
          },
        ]),
      ),
    );
    expect(html).toContain('has been revoked');
    expect(html).toContain('JPY 13,200, tax included');
    expect(html).toContain('Not settled yet');
  });

  it('names the support contact with how to reach them, escaping everything it shows', () => {
    const html = renderStatusPage(statusPageOf(view('PAID', [paid('EUR', 4900, 2000)])));
    expect(html).toContain('Amélie &lt;Laurent&gt;');
    expect(html).not.toContain('<Laurent>');
    expect(html).toContain('mailto:amelie.laurent@support.poly.example');
    expect(html).not.toContain('<script');
  });
});
