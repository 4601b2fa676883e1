import { SagaStatus } from '../timeline/saga-status';

/** An order's timeline as the API and the status page show it. */
export interface ReactivationView {
  orderId: string;
  accountId: string;
  status: SagaStatus;
  supportContact: { contactId: string; name: string; email: string } | null;
  stages: { stage: string; at: string; details: Record<string, unknown> }[];
  /** The emails of the order and where each stands (FAILED ones need ops' attention). */
  emails: {
    stage: string;
    subject: string | null;
    status: string;
    dueAt: string;
    sentAt: string | null;
  }[];
}

const STATUS_LABELS: Record<SagaStatus, string> = {
  PAID: 'Payment received, checking eligibility',
  IN_REVIEW: 'Documents under review',
  VERIFIED: 'Eligible, reactivating',
  SCHEDULED: 'Reactivation scheduled in your change window',
  RESTORED: 'Services restored',
  REFUND_PENDING: 'Cannot be reactivated, refund on its way',
  FULFILLED: 'Completed: services restored',
  REFUNDED: 'Refunded in full',
  STALLED: 'Delayed: our support team is on it',
  MANUAL_HANDLING: 'Your refund is being checked by our team',
};

const STAGE_LABELS: Record<string, string> = {
  OrderPaid: 'Payment received',
  PaymentRejected: 'Payment rejected',
  OrderFulfilled: 'Order completed',
  OrderRefunded: 'Refund completed',
  EligibilityVerified: 'Eligibility confirmed',
  EligibilityRejected: 'Eligibility rejected',
  EligibilityReviewRequired: 'Documents review needed',
  ActivationScheduled: 'Reactivation scheduled',
  EntitlementsRestored: 'Licenses and entitlements restored',
  ReactivationFailed: 'Reactivation failed, changes rolled back',
  SupportContactAssigned: 'Support contact assigned',
  CustomerNotified: 'Email sent',
  ReactivationStalled: 'Delay escalated to support',
  ManualHandlingRequired: 'Handed to our team to check the refund',
};

export function statusLabel(status: SagaStatus): string {
  return STATUS_LABELS[status];
}

export function stageLabel(stage: string): string {
  return STAGE_LABELS[stage] ?? stage;
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** The customer's status page: plain HTML, readable without scripts, every value escaped. */
export function renderStatusPage(view: ReactivationView): string {
  const contact = view.supportContact
    ? `${escapeHtml(view.supportContact.name)} &lt;<a href="mailto:${escapeHtml(view.supportContact.email)}">${escapeHtml(view.supportContact.email)}</a>&gt;`
    : 'being assigned';
  const rows = view.stages
    .filter((s) => s.stage !== 'CustomerNotified')
    .map(
      (s) =>
        `<tr><td><time datetime="${escapeHtml(s.at)}">${escapeHtml(s.at.replace('T', ' ').slice(0, 19))} UTC</time></td><td>${escapeHtml(stageLabel(s.stage))}</td></tr>`,
    )
    .join('\n        ');
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="robots" content="noindex">
    <title>Reactivation ${escapeHtml(view.orderId)}</title>
    <style>body{font-family:sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}td{padding:.25rem .75rem .25rem 0}</style>
  </head>
  <body>
    <h1>Service reactivation</h1>
    <p>Order <strong>${escapeHtml(view.orderId)}</strong></p>
    <p>Status: <strong>${escapeHtml(statusLabel(view.status))}</strong></p>
    <p>Your support contact: ${contact}</p>
    <table>
      <thead><tr><th align="left">When</th><th align="left">What happened</th></tr></thead>
      <tbody>
        ${rows}
      </tbody>
    </table>
  </body>
</html>
`;
}
