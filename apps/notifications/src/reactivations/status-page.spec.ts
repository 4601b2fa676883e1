import { ReactivationView, renderStatusPage } from './reactivation.view';
import {
  statusPageToken,
  statusPageUrl,
  verifyStatusPageToken,
} from '../timeline/status-page.token';

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

  const SECRET = 'secret-secret-secret';
  const issuedAt = new Date('2026-11-30T10:00:00Z');
  const expiresAt = new Date('2026-12-30T10:00:00Z');
  const during = new Date('2026-12-01T00:00:00Z');

  it('opens only with the token of that very order', () => {
    const token = statusPageToken('order-1', SECRET, { issuedAt, expiresAt });
    expect(verifyStatusPageToken('order-1', token, SECRET, during)).toEqual({
      issuedAt,
      expiresAt,
    });
    expect(verifyStatusPageToken('order-2', token, SECRET, during)).toBeUndefined();
    expect(verifyStatusPageToken('order-1', token, 'another-secret-value', during)).toBeUndefined();
    expect(verifyStatusPageToken('order-1', '', SECRET, during)).toBeUndefined();
  });

  it('expires: the same link no longer opens the page after its expiry', () => {
    const token = statusPageToken('order-1', SECRET, { issuedAt, expiresAt });
    expect(verifyStatusPageToken('order-1', token, SECRET, expiresAt)).toBeUndefined();
    expect(
      verifyStatusPageToken('order-1', token, SECRET, new Date('2027-06-01T00:00:00Z')),
    ).toBeUndefined();
  });

  it('cannot be extended: a later expiry with the old signature is refused', () => {
    const token = statusPageToken('order-1', SECRET, { issuedAt, expiresAt });
    const [issued, , signature] = token.split('.');
    const extended = `${issued}.${new Date('2099-01-01T00:00:00Z').getTime().toString(36)}.${signature}`;
    expect(verifyStatusPageToken('order-1', extended, SECRET, during)).toBeUndefined();
  });

  it('links to the page with a token that expires after the given time', () => {
    const url = statusPageUrl('https://status.example', 'order-1', SECRET, issuedAt, 30 * 86_400);
    expect(url).toBe(
      `https://status.example/reactivations/order-1/status.html?t=${statusPageToken('order-1', SECRET, { issuedAt, expiresAt })}`,
    );
  });
});
