import { retryDelayMs } from './retry-policy';

describe('email retry policy', () => {
  it('backs off exponentially from the base delay', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, 2000))).toEqual([2000, 4000, 8000, 16000]);
  });

  it('never waits more than 15 minutes', () => {
    expect(retryDelayMs(30, 2000)).toBe(15 * 60 * 1000);
  });
});
