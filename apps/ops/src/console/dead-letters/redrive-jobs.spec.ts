import { RedriveResult } from '../../dlq/redrive-dead-letters';
import { RedriveJobs } from './redrive-jobs';

const RESULT: RedriveResult = { dryRun: false, matched: 2, redriven: 2, skipped: 0, outcomes: [] };

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('the console redrives in the background', () => {
  const request = { group: 'reactivation-eligibility', filter: {} };

  it('shows how far a redrive is while it runs, then its result', async () => {
    const jobs = new RedriveJobs();
    const finish = deferred<RedriveResult>();
    let report!: (done: number, total: number) => void;
    const job = jobs.start('session-1', request, (progress) => {
      report = progress;
      return finish.promise;
    });
    expect(jobs.find(job.id, 'session-1')).toMatchObject({ done: 0, total: null });
    report(1, 2);
    expect(jobs.find(job.id, 'session-1')).toMatchObject({ done: 1, total: 2 });
    expect(jobs.find(job.id, 'session-1')?.result).toBeUndefined();
    finish.resolve(RESULT);
    await finish.promise;
    expect(jobs.find(job.id, 'session-1')?.result).toEqual(RESULT);
  });

  it('keeps the error of a redrive that stopped', async () => {
    const jobs = new RedriveJobs();
    const failure = deferred<RedriveResult>();
    const job = jobs.start('session-1', request, () => failure.promise);
    failure.reject(new Error('broker unavailable'));
    await failure.promise.catch(() => undefined);
    expect(jobs.find(job.id, 'session-1')?.error).toBe('broker unavailable');
  });

  it('shows a redrive to the session that started it only', () => {
    const jobs = new RedriveJobs();
    const job = jobs.start('session-1', request, () => new Promise<RedriveResult>(() => undefined));
    expect(jobs.find(job.id, 'session-2')).toBeUndefined();
    expect(jobs.find('no-such-job', 'session-1')).toBeUndefined();
  });

  it('forgets ended redrives after a while, never running ones', async () => {
    const jobs = new RedriveJobs(1000);
    const t0 = new Date('2026-11-30T10:00:00Z');
    const ended = jobs.start('s', request, () => Promise.resolve(RESULT), t0);
    const running = jobs.start('s', request, () => new Promise<RedriveResult>(() => undefined), t0);
    await Promise.resolve();
    jobs.start('s', request, () => Promise.resolve(RESULT), new Date(t0.getTime() + 5000));
    expect(jobs.find(ended.id, 's')).toBeUndefined();
    expect(jobs.find(running.id, 's')).toBeDefined();
  });
});
