import { statusPageToken, statusPageUrl, verifyStatusPageToken } from './status-page.token';

describe('status page links', () => {
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
