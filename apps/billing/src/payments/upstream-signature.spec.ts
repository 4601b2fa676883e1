import { signPayload, Topics } from '@app/contracts';
import { DecodeError } from '@app/messaging';
import { KafkaMessage } from 'kafkajs';
import { upstreamSignatureCheck } from './upstream-signature';

const secret = 'test-upstream-secret';
const verify = upstreamSignatureCheck(secret);
/** Runs the hook on a record of `topic`, appended when its timestamp says. */
const check = (topic: string, message: KafkaMessage): void =>
  verify(
    {
      topic,
      partition: 0,
      offset: message.offset,
      key: 'acc-1',
      appendedAt: new Date(Number(message.timestamp)),
    },
    message,
  );
const value = Buffer.from('{"type":"PaymentCaptured"}');
const at = 1_795_000_000;

function record(
  headers: KafkaMessage['headers'],
  timestampSeconds = at,
  body = value,
): KafkaMessage {
  return {
    key: Buffer.from('acc-1'),
    value: body,
    timestamp: String(timestampSeconds * 1000),
    attributes: 0,
    offset: '0',
    headers,
  } as KafkaMessage;
}

function failure(fn: () => void): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error instanceof DecodeError ? `${error.code}: ${error.message}` : 'OTHER';
  }
}

describe('upstreamSignatureCheck', () => {
  it('accepts a record signed with the shared secret when it was written', () => {
    const headers = { 'x-signature': Buffer.from(signPayload(secret, value, at)) };
    expect(failure(() => check(Topics.BillingPayments, record(headers)))).toBeUndefined();
  });

  it('keeps accepting that record when it is redelivered much later', () => {
    const headers = { 'x-signature': signPayload(secret, value, at) };
    expect(failure(() => check(Topics.BillingPayments, record(headers, at)))).toBeUndefined();
  });

  it('refuses a missing, forged, tampered or stale signature, saying why', () => {
    expect(failure(() => check(Topics.BillingPayments, record({})))).toMatch(
      /^UNAUTHENTICATED: x-signature missing/,
    );
    const forged = { 'x-signature': signPayload('another-secret', value, at) };
    expect(failure(() => check(Topics.BillingPayments, record(forged)))).toMatch(/mismatch/);
    const tampered = record(
      { 'x-signature': signPayload(secret, value, at) },
      at,
      Buffer.from('{"type":"X"}'),
    );
    expect(failure(() => check(Topics.BillingPayments, tampered))).toMatch(/mismatch/);
    const stale = { 'x-signature': signPayload(secret, value, at - 301) };
    expect(failure(() => check(Topics.BillingPayments, record(stale)))).toMatch(/stale/);
    expect(
      failure(() => check(Topics.BillingPayments, record({ 'x-signature': 'garbage' }))),
    ).toMatch(/malformed/);
  });

  it('does not ask for signatures on the saga topics', () => {
    expect(failure(() => check(Topics.ReactivationEligibility, record({})))).toBeUndefined();
  });
});
