import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The secret of an order's status page link: an HMAC of the order id, so only whoever received
 * the link (the customer, by email) can open the page, and no table of tokens is needed.
 */
export function statusPageToken(orderId: string, secret: string): string {
  return createHmac('sha256', secret).update(`status-page:${orderId}`).digest('base64url');
}

export function isValidStatusPageToken(orderId: string, token: string, secret: string): boolean {
  const expected = Buffer.from(statusPageToken(orderId, secret));
  const given = Buffer.from(token);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export function statusPageUrl(baseUrl: string, orderId: string, secret: string): string {
  return `${baseUrl}/reactivations/${encodeURIComponent(orderId)}/status.html?t=${statusPageToken(orderId, secret)}`;
}
