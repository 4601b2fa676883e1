import { signPayload, Topics } from '@app/contracts';
import { DecodeError } from '@app/messaging';
import { KafkaMessage } from 'kafkajs';
import { upstreamSignatureCheck } from './upstream-signature';

const secret = 'test-upstream-secret';
const verify = upstreamSignatureCheck(secret, 300);
/** Runs the hook on a record of `topic`, appended when its timestamp says (or at `appendedAt`). */
const check = (topic: string, message: KafkaMessage, appendedAt?: Date): void =>
  verify(
    {
      topic,
      partition: 0,
      offset: message.offset,
      key: message.key?.toString() ?? null,
      appendedAt: appendedAt ?? new Date(Number(message.timestamp)),
    },
    message,
    parsedOrUndefined(message.value),
  );
/** What the runtime hands the hook: the value parsed once, undefined when it is not JSON. */
function parsedOrUndefined(value: Buffer | null): unknown {
  try {
    return JSON.parse(value?.toString('utf8') ?? '');
  } catch {
    return undefined;
  }
}
const eventOf = (subject: string, accountId: string): Buffer =>
  Buffer.from(JSON.stringify({ type: 'PaymentCaptured', subject, data: { accountId } }));
const value = eventOf('acc-1', 'acc-1');
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

  it('takes the configured tolerance', () => {
    const signed = record({ 'x-signature': signPayload(secret, value, at - 20) });
    const judge = (toleranceSeconds: number) =>
      failure(() =>
        upstreamSignatureCheck(secret, toleranceSeconds)(
          {
            topic: Topics.BillingPayments,
            partition: 0,
            offset: '0',
            key: 'acc-1',
            appendedAt: new Date(at * 1000),
          },
          signed,
          parsedOrUndefined(signed.value),
        ),
      );
    expect(judge(30)).toBeUndefined();
    expect(judge(10)).toMatch(/stale/);
  });

  it('judges freshness on the broker append time, not on the timestamp the producer chose', () => {
    // A months-old signed payment produced again with its old timestamp: appended now.
    const monthsAgo = at - 90 * 24 * 3600;
    const replayed = record({ 'x-signature': signPayload(secret, value, monthsAgo) }, monthsAgo);
    expect(failure(() => check(Topics.BillingPayments, replayed, new Date(at * 1000)))).toMatch(
      /^UNAUTHENTICATED: x-signature stale/,
    );
    // A genuine payment whose producer clock is off: the append time says it is fresh.
    const skewed = record({ 'x-signature': signPayload(secret, value, at) }, at - 3600);
    expect(
      failure(() => check(Topics.BillingPayments, skewed, new Date(at * 1000))),
    ).toBeUndefined();
  });

  it('refuses a signed record whose key, subject and data.accountId name different accounts', () => {
    const signed = (body: Buffer, key: string): KafkaMessage => ({
      ...record({ 'x-signature': signPayload(secret, body, at) }, at, body),
      key: Buffer.from(key),
    });
    const mismatch = /^UNAUTHENTICATED: key, subject and data.accountId name different accounts/;
    expect(failure(() => check(Topics.BillingPayments, signed(value, 'acc-2')))).toMatch(mismatch);
    const subjectElsewhere = eventOf('acc-2', 'acc-1');
    expect(failure(() => check(Topics.BillingPayments, signed(subjectElsewhere, 'acc-1')))).toMatch(
      mismatch,
    );
    const dataElsewhere = eventOf('acc-1', 'acc-2');
    expect(failure(() => check(Topics.BillingPayments, signed(dataElsewhere, 'acc-1')))).toMatch(
      mismatch,
    );
    expect(failure(() => check(Topics.BillingPayments, signed(value, 'acc-1')))).toBeUndefined();
  });

  it('leaves a signed record that names no account in its data to the decoder (INVALID_DATA)', () => {
    const body = Buffer.from(
      JSON.stringify({ type: 'PaymentCaptured', subject: 'acc-1', data: {} }),
    );
    const signed = {
      ...record({ 'x-signature': signPayload(secret, body, at) }, at, body),
      key: Buffer.from('acc-1'),
    } as KafkaMessage;
    expect(failure(() => check(Topics.BillingPayments, signed))).toBeUndefined();
  });

  it('does not ask for signatures on the saga topics', () => {
    expect(failure(() => check(Topics.ReactivationEligibility, record({})))).toBeUndefined();
  });
});
