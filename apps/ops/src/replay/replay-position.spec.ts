import { parsePosition, resolveOffset } from './replay-position';

describe('replay positions', () => {
  it('reads an offset or an ISO time, and refuses anything else', () => {
    expect(parsePosition('120', '--from')).toEqual({ kind: 'offset', offset: 120n });
    expect(parsePosition('2026-11-23T08:00:00Z', '--from')).toEqual({
      kind: 'time',
      at: new Date('2026-11-23T08:00:00Z'),
    });
    expect(() => parsePosition('yesterday', '--from')).toThrow(/neither an offset nor an ISO time/);
  });

  it('keeps an offset within what the partition holds', () => {
    const bounds = { partition: 0, low: 10n, high: 50n };
    const none = () => undefined;
    expect(resolveOffset({ kind: 'offset', offset: 0n }, bounds, none)).toBe(10n);
    expect(resolveOffset({ kind: 'offset', offset: 30n }, bounds, none)).toBe(30n);
    expect(resolveOffset({ kind: 'offset', offset: 99n }, bounds, none)).toBe(50n);
  });

  it('takes the first record at or after a time, or the end when there is none', () => {
    const bounds = { partition: 3, low: 0n, high: 50n };
    const at = { kind: 'time' as const, at: new Date() };
    expect(resolveOffset(at, bounds, (p) => (p === 3 ? 42n : undefined))).toBe(42n);
    expect(resolveOffset(at, bounds, () => -1n)).toBe(50n);
  });
});
