import { childTraceparent } from './event-factory';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;

describe('childTraceparent', () => {
  it("keeps the cause's trace id and gives the event a span id of its own", () => {
    const parent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const child = childTraceparent(parent);
    const [, traceId, spanId] = TRACEPARENT.exec(child)!;
    expect(traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(spanId).not.toBe('00f067aa0ba902b7');
  });

  it('starts a new trace when there is no cause', () => {
    const [, first] = TRACEPARENT.exec(childTraceparent(undefined))!;
    const [, second] = TRACEPARENT.exec(childTraceparent(undefined))!;
    expect(first).not.toBe(second);
  });

  it('never hands out the same span id twice, across refills of its random pool', () => {
    // 4 KiB of random bytes hold 512 span ids: 5,000 draw the pool ~10 times over.
    const spans = Array.from({ length: 5000 }, () =>
      TRACEPARENT.exec(childTraceparent(undefined))!,
    );
    expect(new Set(spans.map(([, , spanId]) => spanId)).size).toBe(5000);
    expect(new Set(spans.map(([, traceId]) => traceId)).size).toBe(5000);
    expect(
      spans.every(([, traceId, spanId]) => !/^0+$/.test(traceId) && !/^0+$/.test(spanId)),
    ).toBe(true);
  });
});
