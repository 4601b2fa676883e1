import {
  ActivationScheduled,
  EligibilityRejected,
  EligibilityReviewRequired,
  EntitlementsRestored,
  OrderPaid,
  OrderRefunded,
  PaymentRejected,
  ReactivationFailed,
  ReactivationStalled,
} from '@app/contracts';
import escape from 'escape-html';
import { formatMoney } from './money.format';
import { reasonText } from './reason.texts';

/** The email stages (CustomerNotified.stage): the event type that caused them, or a reminder. */
export const EmailStages = {
  PaymentReceived: OrderPaid.type,
  ReviewRequired: EligibilityReviewRequired.type,
  Scheduled: ActivationScheduled.type,
  Restored: EntitlementsRestored.type,
  EligibilityRejected: EligibilityRejected.type,
  PaymentRejected: PaymentRejected.type,
  ReactivationFailed: ReactivationFailed.type,
  Refunded: OrderRefunded.type,
  /** A second payment of an order already paid is refunded while the order goes on. */
  DuplicatePaymentRejected: 'DuplicatePaymentRejected',
  DuplicatePaymentRefunded: 'DuplicatePaymentRefunded',
  Stalled: ReactivationStalled.type,
  RenewalReminder: 'RenewalReminder',
} as const;

export interface Money {
  amountMinor: number;
  currency: string;
}

export interface RenewalReminderContent {
  licenseId: string;
  product: string;
  expiresAt: string;
}

/** Everything a message says, gathered when it is sent. */
export interface EmailInput {
  stage: string;
  orderId: string;
  /** The data of the event behind the message (RenewalReminderContent for a reminder). */
  content: Record<string, unknown>;
  customerName: string | null;
  contact: { name: string; email: string } | null;
  /** What the customer paid for the order (the amount a refund returns in full). */
  paid: Money | null;
  statusUrl: string;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

type Block =
  { paragraph: string } | { list: string[] } | { sections: { title: string; items: string[] }[] };

interface Message {
  subject: string;
  blocks: Block[];
}

const day = (iso: string): string => iso.slice(0, 10);
const moment = (iso: string): string => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

function refundLine(paid: Money | null): string {
  return paid
    ? `A full refund of ${formatMoney(paid.amountMinor, paid.currency)}, tax included, is on its way to your payment method.`
    : 'A full refund of what you paid, tax included, is on its way to your payment method.';
}

function rejection(
  subject: string,
  opening: string,
  reasons: string[],
  paid: Money | null,
): Message {
  return {
    subject,
    blocks: [
      { paragraph: opening },
      { list: reasons.map(reasonText) },
      { paragraph: refundLine(paid) },
    ],
  };
}

function message(input: EmailInput): Message {
  const { orderId, content, paid } = input;
  switch (input.stage) {
    case EmailStages.PaymentReceived: {
      const order = content as unknown as OrderPaid;
      return {
        subject: `Payment received for your service reactivation (order ${orderId})`,
        blocks: [
          {
            paragraph: `We received your payment of ${formatMoney(order.amount.amountMinor, order.amount.currency)} for the reactivation of ${order.licenseIds.length} license(s).`,
          },
          order.changeWindow
            ? {
                paragraph: `The reactivation will happen in your change window, from ${moment(order.changeWindow.startsAt)} to ${moment(order.changeWindow.endsAt)}, once your account has been checked.`,
              }
            : {
                paragraph:
                  'We are now checking that your account can be reactivated. We will write again at each step.',
              },
        ],
      };
    }
    case EmailStages.ReviewRequired: {
      const review = content as unknown as EligibilityReviewRequired;
      return {
        subject: `Documents needed to reactivate your services (order ${orderId})`,
        blocks: [
          {
            paragraph:
              'Your account has a compliance hold. Our team must verify these documents before we can reactivate it:',
          },
          { list: review.requiredDocuments },
          {
            paragraph: `Please make sure they reach us before ${moment(review.deadline)}. If they cannot be verified by then, the reactivation is cancelled and you are refunded in full.`,
          },
        ],
      };
    }
    case EmailStages.Scheduled: {
      const scheduled = content as unknown as ActivationScheduled;
      return {
        subject: `Your service reactivation is scheduled (order ${orderId})`,
        blocks: [
          {
            paragraph: `Your account was checked and your licenses will be reactivated at ${moment(scheduled.scheduledFor)}, at the start of the change window you chose.`,
          },
        ],
      };
    }
    case EmailStages.Restored: {
      const restored = content as unknown as EntitlementsRestored;
      return {
        subject: `Your services are reactivated (order ${orderId})`,
        blocks: [
          {
            paragraph: `Your services are active again. We restored ${restored.licenses.length} license(s) and their entitlements:`,
          },
          {
            sections: restored.licenses.map((license) => ({
              title: `${license.product} (license ${license.licenseId}), valid until ${day(license.expiresAt)}`,
              items: license.entitlements.map((e) => `${e.name} (${e.code})`),
            })),
          },
          {
            paragraph:
              'Your contract terms are unchanged: the same term dates, the same renewal terms.',
          },
        ],
      };
    }
    case EmailStages.EligibilityRejected:
      return rejection(
        `We could not reactivate your services (order ${orderId})`,
        'We checked your account and could not reactivate it, for these reasons:',
        (content as unknown as EligibilityRejected).reasons,
        paid,
      );
    case EmailStages.ReactivationFailed:
      return rejection(
        `We could not reactivate your services (order ${orderId})`,
        'Something changed on your account while we were reactivating it, so nothing was switched on (anything we had started was put back as it was):',
        (content as unknown as ReactivationFailed).reasons,
        paid,
      );
    case EmailStages.PaymentRejected:
      return rejection(
        `Your payment could not be accepted (order ${orderId})`,
        'We could not accept your payment for this order:',
        (content as unknown as PaymentRejected).reasons,
        (content as unknown as PaymentRejected).amount,
      );
    case EmailStages.DuplicatePaymentRejected: {
      const payment = content as unknown as PaymentRejected;
      return {
        subject: `A second payment for order ${orderId} will be refunded`,
        blocks: [
          {
            paragraph: `We received another payment of ${formatMoney(payment.amount.amountMinor, payment.amount.currency)} for an order you had already paid. Your reactivation is not affected; this extra payment will be refunded in full.`,
          },
        ],
      };
    }
    case EmailStages.Refunded:
    case EmailStages.DuplicatePaymentRefunded: {
      const refund = content as unknown as OrderRefunded;
      return {
        subject: `Your refund is complete (order ${orderId})`,
        blocks: [
          {
            paragraph: `We refunded ${formatMoney(refund.amount.amountMinor, refund.amount.currency)}, tax included, to your payment method (refund ${refund.refundId}).`,
          },
          { list: refund.reasons.map(reasonText) },
        ],
      };
    }
    case EmailStages.Stalled: {
      const stalled = content as unknown as ReactivationStalled;
      return {
        subject: `[Stalled] Reactivation ${orderId} stuck at ${stalled.stage}`,
        blocks: [
          {
            paragraph: `The reactivation of order ${orderId} has been waiting at stage ${stalled.stage} since ${moment(stalled.since)}; it was due to move on by ${moment(stalled.deadline)}.`,
          },
          { paragraph: 'Please look into it: the customer is waiting.' },
        ],
      };
    }
    case EmailStages.RenewalReminder: {
      const reminder = content as unknown as RenewalReminderContent;
      return {
        subject: `Your ${reminder.product} license expires on ${day(reminder.expiresAt)}`,
        blocks: [
          {
            paragraph: `Your license ${reminder.licenseId} for ${reminder.product} expires on ${day(reminder.expiresAt)}. Renew it before then to keep your services running without interruption.`,
          },
        ],
      };
    }
    default:
      throw new Error(`no email template for stage ${input.stage}`);
  }
}

/** A message for a stage, as plain text and as simple HTML; names the support contact. */
export function renderEmail(input: EmailInput): RenderedEmail {
  const { subject, blocks } = message(input);
  const toSupport = input.stage === EmailStages.Stalled;
  const greeting = toSupport
    ? 'Hello,'
    : input.customerName
      ? `Dear ${input.customerName},`
      : 'Hello,';
  const contactLine = input.contact
    ? toSupport
      ? `Support contact of this order: ${input.contact.name} <${input.contact.email}>.`
      : `Your support contact is ${input.contact.name} <${input.contact.email}>; reply to this email or write to them with any question.`
    : 'No support contact has been assigned to this order yet.';
  const statusLine = `Follow your reactivation at any time: ${input.statusUrl}`;
  const closing = toSupport
    ? [contactLine, statusLine]
    : [contactLine, statusLine, 'The Poly team'];

  const text = [greeting, ...blocks.map(blockText), ...closing].join('\n\n') + '\n';
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif">',
    `<p>${escape(greeting)}</p>`,
    ...blocks.map(blockHtml),
    `<p>${escape(contactLine)}</p>`,
    `<p><a href="${escape(input.statusUrl)}">Follow your reactivation</a></p>`,
    toSupport ? '' : '<p>The Poly team</p>',
    '</body></html>',
  ].join('\n');
  return { subject, text, html };
}

function blockText(block: Block): string {
  if ('paragraph' in block) return block.paragraph;
  if ('list' in block) return block.list.map((item) => `- ${item}`).join('\n');
  return block.sections
    .map((s) =>
      [
        `* ${s.title}`,
        ...(s.items.length > 0 ? s.items.map((i) => `  - ${i}`) : ['  (no entitlements)']),
      ].join('\n'),
    )
    .join('\n');
}

function blockHtml(block: Block): string {
  if ('paragraph' in block) return `<p>${escape(block.paragraph)}</p>`;
  if ('list' in block) return `<ul>${block.list.map((i) => `<li>${escape(i)}</li>`).join('')}</ul>`;
  return `<ul>${block.sections
    .map(
      (s) =>
        `<li><strong>${escape(s.title)}</strong><ul>${s.items.map((i) => `<li>${escape(i)}</li>`).join('')}</ul></li>`,
    )
    .join('')}</ul>`;
}
