import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header carrying the upstream signature: `t=<unix seconds>,v1=<hex HMAC-SHA256("<t>.<raw value>")>`. */
export const SIGNATURE_HEADER = 'x-signature';
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export function signPayload(secret: string, rawValue: Buffer, atUnixSeconds: number): string {
  const mac = createHmac('sha256', secret)
    .update(`${atUnixSeconds}.`)
    .update(rawValue)
    .digest('hex');
  return `t=${atUnixSeconds},v1=${mac}`;
}

export type SignatureVerdict = 'valid' | 'missing' | 'malformed' | 'stale' | 'mismatch';

export function verifySignature(
  secret: string,
  rawValue: Buffer,
  header: string | undefined,
  nowUnixSeconds: number,
  toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS,
): SignatureVerdict {
  if (!header) return 'missing';
  const match = /^t=(\d{1,12}),v1=([0-9a-f]{64})$/.exec(header.trim());
  if (!match) return 'malformed';
  const at = Number(match[1]);
  if (Math.abs(nowUnixSeconds - at) > toleranceSeconds) return 'stale';
  const expected = Buffer.from(signPayload(secret, rawValue, at).slice(-64), 'hex');
  const given = Buffer.from(match[2], 'hex');
  return timingSafeEqual(expected, given) ? 'valid' : 'mismatch';
}
