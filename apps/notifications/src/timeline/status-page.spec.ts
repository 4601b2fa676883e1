import { ReactivationView, renderStatusPage } from './reactivation.view';
import { isValidStatusPageToken, statusPageToken, statusPageUrl } from './status-page.token';

const view: ReactivationView = {
  orderId: 'order-1',
  accountId: 'acct-1',
  status: 'RESTORED',
  supportContact: {
    contactId: 'eu-1',
    name: 'Amélie <Laurent>',
    email: 'amelie.laurent@support.poly.example',
  },
  stages: [
    { stage: 'OrderPaid', at: '2026-11-23T10:00:00.000Z', details: {} },
    { stage: 'EntitlementsRestored', at: '2026-11-23T10:00:02.000Z', details: {} },
  ],
  emails: [],
};

describe('status page', () => {
  it('shows the status, the contact and every stage with its time', () => {
    const html = renderStatusPage(view);
    expect(html).toContain('Services restored');
    expect(html).toContain('amelie.laurent@support.poly.example');
    expect(html).toContain('Payment received');
    expect(html).toContain('2026-11-23 10:00:02 UTC');
  });

  it('escapes everything it shows', () => {
    const html = renderStatusPage(view);
    expect(html).toContain('Amélie &lt;Laurent&gt;');
    expect(html).not.toContain('<Laurent>');
  });

  it('opens only with the token of that very order', () => {
    const token = statusPageToken('order-1', 'secret-secret-secret');
    expect(isValidStatusPageToken('order-1', token, 'secret-secret-secret')).toBe(true);
    expect(isValidStatusPageToken('order-2', token, 'secret-secret-secret')).toBe(false);
    expect(isValidStatusPageToken('order-1', token, 'another-secret-value')).toBe(false);
    expect(isValidStatusPageToken('order-1', '', 'secret-secret-secret')).toBe(false);
  });

  it('links to the page with its token', () => {
    expect(statusPageUrl('https://status.example', 'order-1', 'secret-secret-secret')).toBe(
      `https://status.example/reactivations/order-1/status.html?t=${statusPageToken('order-1', 'secret-secret-secret')}`,
    );
  });
});
