import { randomUUID } from 'node:crypto';
import { RedriveResult } from '../../dlq/redrive-dead-letters';
import type { RedriveRequest } from './dead-letters.page';

/** A confirmed redrive running in the background, followed on its own page. */
export interface RedriveJob {
  id: string;
  /** The session that started it: only its owner sees it. */
  sessionId: string;
  /** What was asked (group and filter), for its page. */
  request: RedriveRequest;
  startedAt: Date;
  done: number;
  /** Unknown (null) until the dead letters have been read. */
  total: number | null;
  result?: RedriveResult;
  error?: string;
}

/**
 * The console's redrives in progress and just finished, in memory like its sessions: a console
 * restarted mid-run loses the page, not the work (each sent dead letter is marked on ops' marker
 * topic, so running the same redrive again sends only the rest).
 */
export class RedriveJobs {
  private readonly jobs = new Map<string, RedriveJob>();

  constructor(private readonly keepMs = 60 * 60 * 1000) {}

  /** Starts `work`, which reports its progress, and returns the job at once. */
  start(
    sessionId: string,
    request: RedriveRequest,
    work: (progress: (done: number, total: number) => void) => Promise<RedriveResult>,
    now = new Date(),
  ): RedriveJob {
    this.forgetOld(now);
    const job: RedriveJob = {
      id: randomUUID(),
      sessionId,
      request,
      startedAt: now,
      done: 0,
      total: null,
    };
    this.jobs.set(job.id, job);
    work((done, total) => {
      job.done = done;
      job.total = total;
    }).then(
      (result) => {
        job.result = result;
      },
      (error: unknown) => {
        job.error = error instanceof Error ? error.message : String(error);
      },
    );
    return job;
  }

  /** The job, if it exists and belongs to this session. */
  find(id: string, sessionId: string): RedriveJob | undefined {
    const job = this.jobs.get(id);
    return job && job.sessionId === sessionId ? job : undefined;
  }

  private forgetOld(now: Date): void {
    for (const [id, job] of this.jobs) {
      const ended = job.result !== undefined || job.error !== undefined;
      if (ended && now.getTime() - job.startedAt.getTime() > this.keepMs) this.jobs.delete(id);
    }
  }
}
