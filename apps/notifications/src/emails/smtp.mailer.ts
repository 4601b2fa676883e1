import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { NotificationsEnvironment, smtpTimeoutMs } from '../notifications.config';
import { OutgoingEmail, SmtpSettings } from './smtp-connections';

export type { OutgoingEmail } from './smtp-connections';

/** An SMTP failure the server says will not go away by retrying (5xx). */
export function isPermanentSmtpFailure(error: unknown): boolean {
  const code = (error as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

/** From the main thread to the SMTP sender's thread. */
export type SenderRequest = { kind: 'send'; id: number; email: OutgoingEmail } | { kind: 'close' };

/** The outcome of one send, from the SMTP sender's thread. */
export interface SenderReply {
  id: number;
  error?: { message: string; responseCode?: number; code?: string };
}

/** How long shutdown waits for the sends in progress before it ends the sender's thread. */
const CLOSE_WAIT_MS = 10_000;

/**
 * Sends email over SMTP (SMTP_URL) from a thread of its own (smtp-sender.worker.ts), which
 * composes each message and holds the SMTP connections (smtp-connections.ts).
 *
 * Composing and sending cost ~0.5 ms of CPU per email, which the service's one thread otherwise
 * spends between its consumer's transactions: flooded, that thread was busy the whole time after
 * the rest of the saga had finished, with a core idle beside it. Here the sends run on that core.
 * A thread that dies fails the sends in progress (each is retried by the dispatcher, as any SMTP
 * failure) and is started again by the next send.
 */
@Injectable()
export class SmtpMailer implements OnApplicationShutdown {
  private readonly logger = new Logger(SmtpMailer.name);
  private readonly settings: SmtpSettings;
  private readonly pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private worker?: Worker;
  private nextId = 0;
  private closed = false;

  constructor(env: NotificationsEnvironment) {
    this.settings = {
      url: env.SMTP_URL,
      connections: env.EMAIL_SMTP_CONNECTIONS,
      from: env.MAIL_FROM,
      timeoutMs: smtpTimeoutMs(env),
    };
  }

  /** Resolves with the message's Message-ID once the SMTP server accepted it. */
  send(email: OutgoingEmail): Promise<string> {
    if (this.closed) return Promise.reject(new Error('mailer closed'));
    const worker = (this.worker ??= this.startWorker());
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: () => resolve(email.messageId), reject });
      worker.postMessage({ kind: 'send', id, email } satisfies SenderRequest);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage({ kind: 'close' } satisfies SenderRequest);
    const timer = setTimeout(() => void worker.terminate(), CLOSE_WAIT_MS);
    await exited;
    clearTimeout(timer);
  }

  private startWorker(): Worker {
    const worker = new Worker(join(__dirname, 'smtp-sender.worker.js'), {
      workerData: this.settings,
    });
    worker.on('message', (reply: SenderReply) => {
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      if (!reply.error) waiting.resolve();
      else waiting.reject(Object.assign(new Error(reply.error.message), reply.error));
    });
    worker.on('error', (error) => {
      this.logger.error({ err: error }, 'SMTP sender thread failed');
    });
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = undefined;
      const lost = [...this.pending.values()];
      this.pending.clear();
      for (const waiting of lost) {
        waiting.reject(new Error(`SMTP sender thread exited (code ${code}) before the answer`));
      }
    });
    // The service may exit while the thread still holds connections (they are its to close).
    worker.unref();
    return worker;
  }
}
