import { classifyFailure } from '../errors';

/**
 * The runtime's one retry policy: exponential backoff with jitter, used by the consumer
 * (chunks, single records, dead letters) and by `UnitOfWork`. Only failures that
 * `classifyFailure` calls `retry` are retried; anything else is rethrown at once.
 *
 * Written here rather than taken from a library (p-retry, cockatiel): the consumer needs to
 * heartbeat while it waits and to stop waiting when kafkajs takes its partition away, which is
 * all this class does beyond a loop and a delay.
 */
export interface RetryPolicyOptions {
  /** First delay. */
  initialDelayMs: number;
  /** No delay is longer than this (an outage heals at most this late after it ended). */
  maxDelayMs: number;
  /** Attempts in all, the first included; `Infinity` retries until it succeeds or is stopped. */
  maxAttempts: number;
}

export interface RetryHooks {
  /** Called before each wait (log, metrics). */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /** Waits `ms` (the consumer heartbeats meanwhile). */
  wait?: (ms: number) => Promise<void>;
  /** When it answers false the last failure is rethrown instead of waiting again. */
  shouldContinue?: () => boolean;
  /** Retries every failure, not only those classified `retry` (a write that must not be skipped). */
  retryAll?: boolean;
}

export const DEFAULT_RETRY_POLICY: RetryPolicyOptions = {
  initialDelayMs: 100,
  maxDelayMs: 5000,
  maxAttempts: Infinity,
};

export class RetryPolicy {
  constructor(readonly options: RetryPolicyOptions = DEFAULT_RETRY_POLICY) {}

  /** The same policy with a bound on attempts. */
  withMaxAttempts(maxAttempts: number): RetryPolicy {
    return new RetryPolicy({ ...this.options, maxAttempts });
  }

  /** Delay before retry number `attempt` (1 = the first retry): between half and all of initialDelay·2^(n-1). */
  delayBefore(attempt: number, random = Math.random): number {
    const ceiling = Math.min(
      this.options.maxDelayMs,
      this.options.initialDelayMs * 2 ** Math.min(attempt - 1, 30),
    );
    return Math.round(ceiling / 2 + (random() * ceiling) / 2);
  }

  async run<T>(work: () => Promise<T>, hooks: RetryHooks = {}): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        if (
          (!hooks.retryAll && classifyFailure(error) !== 'retry') ||
          attempt >= this.options.maxAttempts ||
          (hooks.shouldContinue && !hooks.shouldContinue())
        ) {
          throw error;
        }
        const delayMs = this.delayBefore(attempt);
        hooks.onRetry?.(error, attempt, delayMs);
        await (hooks.wait ?? sleep)(delayMs);
      }
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
