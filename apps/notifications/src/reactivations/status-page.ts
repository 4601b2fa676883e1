import type {
  ActivationScheduled,
  EligibilityReviewRequired,
  EntitlementsRestored,
  ManualHandlingRequired,
  OrderFulfilled,
  OrderPaid,
  OrderRefunded,
  ReceiptDto,
} from '@app/contracts';
import { EmailStages } from '../emails/email.templates';
import escapeHtml from 'escape-html';
import { formatMoney } from '../emails/money.format';
import { reasonText } from '../emails/reason.texts';
import { isDuplicatePaymentOnly } from '../timeline/saga-status';
import { ReactivationView, stageLabel, statusLabel } from './reactivation.view';

/** The stages whose reasons explain a refund, latest first wins. */
const REFUND_CAUSES = ['EligibilityRejected', 'ReactivationFailed', 'PaymentRejected'];

/** What the customer's status page says: built from the order's timeline, contact and emails. */
export interface StatusPage {
  orderId: string;
  status: string;
  /** What was bought: each fee line, the tax and the total, in the order's currency. */
  purchase: {
    lines: { description: string; quantity: number; amount: string }[];
    /** Subtotal, tax and total (prices without tax), or total and the tax it includes. */
    totals: { label: string; amount: string }[];
  } | null;
  /** Every stage, in the order it happened (stages of the same second included). */
  stages: { label: string; at: string; shown: string }[];
  /** What happens next, and when. */
  next: string[];
  contact: { name: string; email: string } | null;
  /** When the licenses are back: each with its product, expiry and entitlements. */
  restored: { title: string; entitlements: string[] }[];
  /** After fulfilment: what the customer should do now. */
  nextSteps: string[];
  refund: { reasons: string[]; amount: string; settled: boolean; settledAt: string | null } | null;
}

type Stage = ReactivationView['stages'][number];

const shownTime = (iso: string): string => `${iso.slice(0, 19).replace('T', ' ')} UTC`;
const shownDay = (iso: string): string => iso.slice(0, 10);

function last<T>(stages: Stage[], type: string, accept: (data: T) => boolean = () => true) {
  const found = stages.filter((s) => s.stage === type && accept(s.details as T));
  return found.length > 0 ? (found[found.length - 1].details as T) : undefined;
}

function purchaseOf(receipt: ReceiptDto | undefined, paid: OrderPaid | undefined) {
  if (receipt) {
    const money = (minor: number) => formatMoney(minor, receipt.currency);
    const rate = `${(receipt.taxRateBps / 100).toString()} %`;
    return {
      lines: receipt.lines.map((line) => ({
        description: line.description,
        quantity: line.quantity,
        amount: money(line.amountMinor),
      })),
      // Lines with tax included add up to the total: the tax is a part of it, not added to it.
      totals: receipt.taxInclusive
        ? [
            { label: 'Total paid', amount: money(receipt.totalMinor) },
            { label: `Of which tax (${rate})`, amount: money(receipt.taxMinor) },
          ]
        : [
            { label: 'Subtotal', amount: money(receipt.subtotalMinor) },
            { label: `Tax (${rate})`, amount: money(receipt.taxMinor) },
            { label: 'Total paid', amount: money(receipt.totalMinor) },
          ],
    };
  }
  if (paid) {
    const total = formatMoney(paid.amount.amountMinor, paid.amount.currency);
    return { lines: [], totals: [{ label: 'Total paid, tax included', amount: total }] };
  }
  return null;
}

function nextOf(view: ReactivationView, stages: Stage[], paid: OrderPaid | undefined): string[] {
  const window = paid?.changeWindow;
  const inWindow = window
    ? `Your licenses will be reactivated in your change window, from ${shownTime(window.startsAt)} to ${shownTime(window.endsAt)}.`
    : null;
  switch (view.status) {
    case 'PAID':
      return [
        'We are checking that your account and its licenses can be reactivated.',
        inWindow ?? 'Your licenses are reactivated as soon as the check passes.',
      ];
    case 'IN_REVIEW': {
      const review = last<EligibilityReviewRequired>(stages, 'EligibilityReviewRequired');
      return [
        `Our team must verify these documents: ${review?.requiredDocuments.join(', ') ?? 'your compliance documents'}.`,
        review
          ? `Please make sure they reach us before ${shownTime(review.deadline)}. If they cannot be verified by then, the reactivation is cancelled and you are refunded in full, tax included.`
          : 'If they cannot be verified in time, you are refunded in full, tax included.',
        ...(inWindow ? [inWindow] : []),
      ];
    }
    case 'VERIFIED':
      return [
        'Your account can be reactivated.',
        inWindow ?? 'Your licenses and entitlements are being reinstated now.',
      ];
    case 'SCHEDULED': {
      const scheduled = last<ActivationScheduled>(stages, 'ActivationScheduled');
      return [
        scheduled
          ? `Your licenses will be reactivated at ${shownTime(scheduled.scheduledFor)}, at the start of your change window${window ? ` (${shownTime(window.startsAt)} to ${shownTime(window.endsAt)})` : ''}.`
          : (inWindow ?? 'Your licenses will be reactivated in your change window.'),
        'Nothing changes on your account before then.',
      ];
    }
    case 'RESTORED':
      return ['Your services are restored; we are completing your order and its receipt.'];
    case 'REFUND_PENDING':
      return [
        'Your refund has been requested from our payment provider; this page shows when it is settled.',
      ];
    case 'STALLED':
      return [
        'This is taking longer than it should. Your support contact has been alerted and is on it.',
      ];
    case 'MANUAL_HANDLING': {
      const manual = last<ManualHandlingRequired>(stages, 'ManualHandlingRequired');
      return [
        `Our team is checking your refund by hand${manual ? ` and will have settled it by ${shownTime(manual.deadline)}` : ''}.`,
      ];
    }
    default:
      return [];
  }
}

function refundOf(
  view: ReactivationView,
  stages: Stage[],
  paid: OrderPaid | undefined,
  receipt: ReceiptDto | undefined,
) {
  // A full refund returns the tax too: say how much of it was tax.
  const withTax = (amount: { amountMinor: number; currency: string }): string =>
    `${formatMoney(amount.amountMinor, amount.currency)}, tax included` +
    (receipt && receipt.currency === amount.currency && receipt.totalMinor === amount.amountMinor
      ? ` (of which ${formatMoney(receipt.taxMinor, receipt.currency)} tax)`
      : '');
  const refunded = last<OrderRefunded>(
    stages,
    'OrderRefunded',
    (data) => !isDuplicatePaymentOnly(data),
  );
  if (refunded) {
    return {
      reasons: refunded.reasons.map(reasonText),
      amount: withTax(refunded.amount),
      settled: true,
      settledAt: shownTime(refunded.refundedAt),
    };
  }
  if (view.status !== 'REFUND_PENDING' && view.status !== 'MANUAL_HANDLING') return null;
  const cause = stages
    .filter((s) => REFUND_CAUSES.includes(s.stage) && !isDuplicatePaymentOnly(s.details))
    .pop();
  const reasons = (cause?.details.reasons as string[] | undefined) ?? [];
  const amount = paid?.amount ?? (cause?.details.amount as OrderPaid['amount'] | undefined);
  return {
    reasons: reasons.map(reasonText),
    amount: amount ? withTax(amount) : 'what you paid, tax included',
    settled: false,
    settledAt: null,
  };
}

/** The customer's status page of an order, from what its events carried. */
export function statusPageOf(view: ReactivationView): StatusPage {
  const stages = view.stages;
  const paid = last<OrderPaid>(stages, 'OrderPaid');
  const receipt = paid?.receipt ?? last<OrderFulfilled>(stages, 'OrderFulfilled')?.receipt;
  const restored = last<EntitlementsRestored>(stages, 'EntitlementsRestored');
  const fulfilled = view.status === 'FULFILLED';
  const reminders = view.emails.filter((e) => e.stage === EmailStages.RenewalReminder);
  const nextSteps = fulfilled
    ? [
        'Check connectivity: sign in to your Poly clients on each device and make sure the services listed above are available again.',
        'Check your client endpoints: the rooms, devices and integrations that use these licenses should register again within a few minutes; restart any that do not.',
        paid?.addOns.includes('RENEWAL_REMINDERS')
          ? `Renewal reminders: we will write to you before each license expires${reminders.length > 0 ? ` (${reminders.map((r) => `${r.subject ?? 'license'} on ${shownDay(r.dueAt)}`).join(', ')})` : ''}.`
          : 'Renewal reminders were not part of this order: note the expiry dates above.',
        'Keep this page: it is your record of what was restored and paid.',
      ]
    : [];
  return {
    orderId: view.orderId,
    status: statusLabel(view.status),
    purchase: purchaseOf(receipt, paid),
    stages: stages
      .filter((s) => s.stage !== 'CustomerNotified')
      .map((s) => ({ label: stageLabel(s.stage), at: s.at, shown: shownTime(s.at) })),
    next: nextOf(view, stages, paid),
    contact: view.supportContact && {
      name: view.supportContact.name,
      email: view.supportContact.email,
    },
    restored:
      restored && (fulfilled || view.status === 'RESTORED')
        ? restored.licenses.map((license) => ({
            title: `${license.product} (license ${license.licenseId}), valid until ${shownDay(license.expiresAt)}`,
            entitlements: license.entitlements.map((e) => `${e.name} (${e.code})`),
          }))
        : [],
    nextSteps,
    refund: refundOf(view, stages, paid, receipt),
  };
}

const STYLE = [
  'body{font-family:system-ui,sans-serif;line-height:1.45;max-width:42rem;margin:0 auto;padding:1rem;color:#1b1b1b}',
  'h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:1.6rem;border-bottom:1px solid #ddd}',
  '.status{font-size:1.15rem;font-weight:bold;padding:.6rem .8rem;background:#eef4ff;border-radius:.4rem}',
  'table{width:100%;border-collapse:collapse}td,th{padding:.3rem .4rem;text-align:left;vertical-align:top}',
  'td.n,th.n{text-align:right;white-space:nowrap}tfoot td{font-weight:bold;border-top:1px solid #999}',
  'ol.stages{padding-left:1.4rem}ol.stages time{display:block;color:#555;font-size:.9rem}',
  'a{color:#0645ad;word-break:break-all}',
].join('');

const e = escapeHtml;
const list = (items: string[]): string =>
  `<ul>${items.map((i) => `<li>${e(i)}</li>`).join('')}</ul>`;

/** The customer's status page: plain HTML, readable without scripts and on a phone, every value escaped. */
export function renderStatusPage(page: StatusPage): string {
  const sections: string[] = [];
  sections.push(`<p class="status" id="status">${e(page.status)}</p>`);
  if (page.next.length > 0)
    sections.push(`<section id="next"><h2>What happens next</h2>${list(page.next)}</section>`);
  if (page.refund) {
    const r = page.refund;
    sections.push(
      `<section id="refund"><h2>Your refund</h2>` +
        (r.reasons.length > 0
          ? `<p>We could not reactivate your services:</p>${list(r.reasons)}`
          : '') +
        `<p>Amount refunded: <strong>${e(r.amount)}</strong></p>` +
        `<p>${r.settled ? `Settled: the refund was paid back to your payment method on ${e(r.settledAt ?? '')}.` : 'Not settled yet: the refund is on its way to your payment method.'}</p></section>`,
    );
  }
  if (page.restored.length > 0) {
    sections.push(
      `<section id="restored"><h2>What was restored</h2><p>Your contract terms are unchanged: the same term dates, the same renewal terms.</p><ul>` +
        page.restored
          .map(
            (l) =>
              `<li><strong>${e(l.title)}</strong>${l.entitlements.length > 0 ? list(l.entitlements) : '<p>(no entitlements)</p>'}</li>`,
          )
          .join('') +
        `</ul></section>`,
    );
  }
  if (page.nextSteps.length > 0)
    sections.push(
      `<section id="next-steps"><h2>Your next steps</h2>${list(page.nextSteps)}</section>`,
    );
  sections.push(
    `<section id="contact"><h2>Your support contact</h2>` +
      (page.contact
        ? `<p><strong>${e(page.contact.name)}</strong> guides you through this reactivation. Write to <a href="mailto:${e(page.contact.email)}">${e(page.contact.email)}</a> or reply to any of our emails.</p>`
        : '<p>Your support contact is being assigned.</p>') +
      `</section>`,
  );
  if (page.purchase) {
    const p = page.purchase;
    const rows = p.lines
      .map(
        (l) =>
          `<tr><td>${e(l.description)}</td><td class="n">${l.quantity}</td><td class="n">${e(l.amount)}</td></tr>`,
      )
      .join('');
    const foot = p.totals
      .map((t) => `<tr><td colspan="2">${e(t.label)}</td><td class="n">${e(t.amount)}</td></tr>`)
      .join('');
    sections.push(
      `<section id="purchase"><h2>What you bought</h2><table>` +
        (rows
          ? `<thead><tr><th>Item</th><th class="n">Qty</th><th class="n">Amount</th></tr></thead><tbody>${rows}</tbody>`
          : '') +
        `<tfoot>${foot}</tfoot></table></section>`,
    );
  }
  sections.push(
    `<section id="timeline"><h2>Every step so far</h2><ol class="stages">` +
      page.stages
        .map((s) => `<li><time datetime="${e(s.at)}">${e(s.shown)}</time>${e(s.label)}</li>`)
        .join('') +
      `</ol></section>`,
  );
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="robots" content="noindex">
    <title>Reactivation ${e(page.orderId)}</title>
    <style>${STYLE}</style>
  </head>
  <body>
    <h1>Service reactivation</h1>
    <p>Order <strong>${e(page.orderId)}</strong></p>
    ${sections.join('\n    ')}
  </body>
</html>
`;
}
