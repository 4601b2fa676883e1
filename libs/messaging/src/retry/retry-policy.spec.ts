import { TransientError } from '../errors';
import { RetryPolicy } from './retry-policy';

const policy = new RetryPolicy({ initialDelayMs: 100, maxDelayMs: 5000, maxAttempts: Infinity });

describe('RetryPolicy', () => {
  it('backs off exponentially with jitter, capped', () => {
    expect(policy.delayBefore(1, () => 0)).toBe(50);
    expect(policy.delayBefore(1, () => 1)).toBe(100);
    expect(policy.delayBefore(4, () => 1)).toBe(800);
    expect(policy.delayBefore(20, () => 1)).toBe(5000);
    expect(policy.delayBefore(20, () => 0)).toBe(2500);
  });

  it('retries what the classifier calls retry until it succeeds, waiting each delay', async () => {
    const waits: number[] = [];
    let calls = 0;
    const result = await policy.run(
      async () => {
        calls++;
        if (calls < 8) throw Object.assign(new Error('too many connections'), { code: '53300' });
        return 'applied';
      },
      { wait: async (ms) => void waits.push(ms) },
    );
    expect(result).toBe('applied');
    expect(calls).toBe(8);
    expect(waits).toHaveLength(7);
    expect(waits[6]).toBeGreaterThanOrEqual(waits[0]);
  });

  it('rethrows a permanent failure at once', async () => {
    let calls = 0;
    const refused = new TypeError('bug');
    await expect(
      policy.run(
        async () => {
          calls++;
          throw refused;
        },
        { wait: async () => undefined },
      ),
    ).rejects.toBe(refused);
    expect(calls).toBe(1);
  });

  it('stops when told to, and after maxAttempts', async () => {
    let calls = 0;
    const fail = async () => {
      calls++;
      throw new TransientError('again');
    };
    await expect(
      policy.run(fail, { wait: async () => undefined, shouldContinue: () => calls < 3 }),
    ).rejects.toThrow('again');
    expect(calls).toBe(3);
    calls = 0;
    await expect(
      policy.withMaxAttempts(2).run(fail, { wait: async () => undefined }),
    ).rejects.toThrow('again');
    expect(calls).toBe(2);
  });

  it('retries every failure when asked (a write that must not be skipped)', async () => {
    let calls = 0;
    await policy.run(
      async () => {
        if (++calls < 3) throw new TypeError('not retryable by class');
      },
      { wait: async () => undefined, retryAll: true },
    );
    expect(calls).toBe(3);
  });
});
