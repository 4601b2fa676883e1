import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The secret of an order's status page link: an HMAC of the order id, when the link was issued and
 * when it expires, so only whoever received the link (the customer, by email) can open the page,
 * only until it expires, and a revocation (links issued up to a time are refused) can end it.
 * No table of tokens is needed. Form: `<issuedAt>.<expiresAt>.<mac>` (ms since epoch, base 36).
 */
export interface StatusPageLinkTimes {
  issuedAt: Date;
  expiresAt: Date;
}

function mac(orderId: string, issued: string, expires: string, secret: string): string {
  return createHmac('sha256', secret)
    .update(`status-page:v2:${orderId}:${issued}:${expires}`)
    .digest('base64url');
}

export function statusPageToken(
  orderId: string,
  secret: string,
  link: StatusPageLinkTimes,
): string {
  const issued = link.issuedAt.getTime().toString(36);
  const expires = link.expiresAt.getTime().toString(36);
  return `${issued}.${expires}.${mac(orderId, issued, expires, secret)}`;
}

/**
 * The link's times when `token` is a genuine, unexpired link to this order's page; undefined
 * otherwise (forged, for another order, under another secret, malformed or expired).
 */
export function verifyStatusPageToken(
  orderId: string,
  token: string,
  secret: string,
  now: Date,
): StatusPageLinkTimes | undefined {
  const [issued, expires, given, extra] = token.split('.');
  if (!issued || !expires || !given || extra !== undefined) return undefined;
  if (!/^[0-9a-z]{1,12}$/.test(issued) || !/^[0-9a-z]{1,12}$/.test(expires)) return undefined;
  const expected = Buffer.from(mac(orderId, issued, expires, secret));
  const presented = Buffer.from(given);
  if (expected.length !== presented.length || !timingSafeEqual(expected, presented))
    return undefined;
  const link = {
    issuedAt: new Date(parseInt(issued, 36)),
    expiresAt: new Date(parseInt(expires, 36)),
  };
  return link.expiresAt.getTime() > now.getTime() ? link : undefined;
}

/** A link valid for `ttlSeconds` from `issuedAt`. */
export function statusPageUrl(
  baseUrl: string,
  orderId: string,
  secret: string,
  issuedAt: Date,
  ttlSeconds: number,
): string {
  const expiresAt = new Date(issuedAt.getTime() + ttlSeconds * 1000);
  const token = statusPageToken(orderId, secret, { issuedAt, expiresAt });
  return `${baseUrl}/reactivations/${encodeURIComponent(orderId)}/status.html?t=${token}`;
}
