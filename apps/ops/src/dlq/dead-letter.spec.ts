import {
  DeadLetter,
  matchesFilter,
  parseDeadLetterId,
  parseFilters,
  redriveHeaders,
} from './dead-letter';

const letter: DeadLetter = {
  id: 'reactivation-eligibility:2:7',
  group: 'reactivation-eligibility',
  partition: 2,
  offset: '7',
  key: 'acc-1',
  originTopic: 'reactivation.billing.v1',
  errorCode: 'INVALID_DATA',
  reason: 'amount must be an integer',
  eventType: 'OrderPaid',
  previousRedrives: 0,
};

describe('dead letters', () => {
  it('parses ids of the form <group>:<partition>:<offset>', () => {
    expect(parseDeadLetterId('reactivation-eligibility:2:7')).toEqual({
      group: 'reactivation-eligibility',
      partition: 2,
      offset: '7',
    });
    expect(() => parseDeadLetterId('reactivation-eligibility:7')).toThrow(/not a dead-letter id/);
  });

  it('selects by error code, event type and origin topic, all given filters at once', () => {
    expect(matchesFilter(letter, parseFilters(['code=INVALID_DATA']))).toBe(true);
    expect(matchesFilter(letter, parseFilters(['code=INVALID_DATA', 'type=OrderPaid']))).toBe(true);
    expect(
      matchesFilter(letter, parseFilters(['code=INVALID_DATA', 'topic=billing.payments.v1'])),
    ).toBe(false);
    expect(() => parseFilters(['colour=red'])).toThrow(/invalid filter/);
  });

  it('redrives with the original headers and the sealed origin, without the dead-letter bookkeeping, counting redrives', () => {
    const headers = redriveHeaders(
      {
        'content-type': 'application/cloudevents+json; charset=UTF-8',
        'x-signature': Buffer.from('t=1,v1=ab'),
        'dlq-reason': 'boom',
        'dlq-error-code': 'P0001',
        'dlq-origin-topic': 'billing.payments.v1',
        'dlq-origin-partition': '2',
        'dlq-origin-offset': '17',
        'dlq-origin-appended-at': '2026-11-23T11:00:00.000Z',
        'dlq-origin-seal': 'c'.repeat(64),
        'dlq-redrive-count': '1',
      },
      1,
      new Date('2026-11-23T12:00:00Z'),
    );
    expect(headers).toEqual({
      'content-type': 'application/cloudevents+json; charset=UTF-8',
      'x-signature': Buffer.from('t=1,v1=ab'),
      'dlq-origin-topic': 'billing.payments.v1',
      'dlq-origin-partition': '2',
      'dlq-origin-offset': '17',
      'dlq-origin-appended-at': '2026-11-23T11:00:00.000Z',
      'dlq-origin-seal': 'c'.repeat(64),
      'dlq-redriven-at': '2026-11-23T12:00:00.000Z',
      'dlq-redrive-count': '2',
    });
  });
});
