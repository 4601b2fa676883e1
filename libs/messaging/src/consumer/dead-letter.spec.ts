import { KafkaMessage } from 'kafkajs';
import { DeadLetterHeaders } from '../outbox/outbox-message';
import { DeadLetterBuilder, deadLetterInboxKey, safeHeaderText } from './dead-letter';
import { RecordOrigin } from './event-context';
import { OriginSeal } from './origin-seal';

function record(overrides: Partial<KafkaMessage> = {}): KafkaMessage {
  return {
    key: Buffer.from('acct\u00001'),
    value: Buffer.from('not json \u0000 at all'),
    timestamp: '1764500000000',
    attributes: 0,
    offset: '0',
    headers: { 'x-trace': Buffer.from([0x00, 0xff, 0xfe]), 'content-type': Buffer.from('a/b') },
    ...overrides,
  } as KafkaMessage;
}

const origin: RecordOrigin = {
  topic: 'billing.payments.v1',
  partition: 3,
  offset: '0',
  key: 'acct\u00001',
  appendedAt: new Date(1764500000000),
};

describe('dead letters', () => {
  it('keep the original key, header values and value as the exact bytes', () => {
    const message = record();
    const letter = new DeadLetterBuilder(
      'reactivation-billing',
      new OriginSeal('s'.repeat(32)),
    ).build(
      origin,
      message,
      { code: 'NOT_JSON', reason: 'value is not JSON: Unexpected token \u0000', attempts: 1 },
      null,
    );
    expect(letter.topic).toBe('reactivation-billing.dlq.v1');
    expect(letter.key).toEqual(message.key);
    expect(letter.payload).toEqual(message.value);
    expect(letter.headers['x-trace']).toEqual(Buffer.from([0x00, 0xff, 0xfe]));
    // Text that is exactly the same bytes may stay text.
    expect(letter.headers['content-type']).toBe('a/b');
    expect(letter.headers[DeadLetterHeaders.Reason]).toBe(
      'value is not JSON: Unexpected token \\u0000',
    );
    expect(letter.headers[DeadLetterHeaders.OriginAppendedAt]).toBe(
      new Date(1764500000000).toISOString(),
    );
    expect(letter.headers[DeadLetterHeaders.OriginSeal]).toMatch(/^[0-9a-f]{64}$/);
  });

  it('escape NUL, control characters and unpaired surrogates in the text the runtime writes', () => {
    expect(safeHeaderText('a\u0000b\u001bc\u007fd\ud800e😀')).toBe(
      'a\\u0000b\\u001bc\\u007fd\\ud800e😀',
    );
    expect(safeHeaderText('x'.repeat(5000))).toHaveLength(2000);
  });

  it('are identified by the record’s content as well as its position', () => {
    const key = deadLetterInboxKey('billing.payments.v1', 3, record());
    // The same record delivered again: the same identity (not dead-lettered twice).
    expect(deadLetterInboxKey('billing.payments.v1', 3, record())).toBe(key);
    // Another record at the same position (offsets restarted at 0): another identity.
    expect(
      deadLetterInboxKey('billing.payments.v1', 3, record({ value: Buffer.from('x') })),
    ).not.toBe(key);
    expect(
      deadLetterInboxKey('billing.payments.v1', 3, record({ timestamp: '1764500000001' })),
    ).not.toBe(key);
    expect(
      deadLetterInboxKey(
        'billing.payments.v1',
        3,
        record({ headers: { 'x-trace': Buffer.from('y') } }),
      ),
    ).not.toBe(key);
    expect(deadLetterInboxKey('billing.payments.v1', 4, record())).not.toBe(key);
  });
});

describe('OriginSeal', () => {
  const seal = new OriginSeal('a-secret-of-the-service-only-32+chars');
  const appendedAt = new Date('2026-11-30T10:00:00.000Z');
  const value = Buffer.from('{"payment":1}');
  const redriven = (headers: Record<string, string>, body = value): KafkaMessage => ({
    value: body,
    headers,
    key: null,
    offset: '9',
    timestamp: '0',
    attributes: 0,
  });
  const sealed = seal.headers(
    { topic: 'billing.payments.v1', partition: 1, offset: '41', appendedAt },
    value,
  );

  it('gives back the original append time of a redriven record whose seal holds', () => {
    expect(seal.originalAppendTime('billing.payments.v1', redriven(sealed))).toEqual(appendedAt);
  });

  it('ignores a record without a seal, with a forged one, or moved or changed since', () => {
    expect(seal.originalAppendTime('billing.payments.v1', redriven({}))).toBeUndefined();
    const later = { ...sealed, [DeadLetterHeaders.OriginAppendedAt]: '2026-11-30T11:00:00.000Z' };
    expect(seal.originalAppendTime('billing.payments.v1', redriven(later))).toBeUndefined();
    const forged = new OriginSeal('somebody-else-s-secret-of-32-chars!').headers(
      { topic: 'billing.payments.v1', partition: 1, offset: '41', appendedAt },
      value,
    );
    expect(seal.originalAppendTime('billing.payments.v1', redriven(forged))).toBeUndefined();
    expect(seal.originalAppendTime('billing.refunds.v1', redriven(sealed))).toBeUndefined();
    expect(
      seal.originalAppendTime(
        'billing.payments.v1',
        redriven(sealed, Buffer.from('{"payment":2}')),
      ),
    ).toBeUndefined();
    const garbled = { ...sealed, [DeadLetterHeaders.OriginSeal]: 'zz' };
    expect(seal.originalAppendTime('billing.payments.v1', redriven(garbled))).toBeUndefined();
  });
});
