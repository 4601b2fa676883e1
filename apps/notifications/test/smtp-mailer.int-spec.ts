/**
 * SmtpMailer and the SMTP sender's thread it starts (the built smtp-sender.worker.js, as the
 * service runs it), against a real SMTP server: what becomes of the sends in progress when that
 * thread dies, and of the sends after.
 */
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { SMTPServer } from 'smtp-server';
import type { NotificationsEnvironment } from '../src/notifications.config';
import type { SmtpMailer as SmtpMailerType } from '../src/emails/smtp.mailer';

// The thread's script is JavaScript next to the mailer's: the built one (`npm test` builds first).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { SmtpMailer } = require(
  join(__dirname, '../../../dist/apps/notifications/src/emails/smtp.mailer.js'),
) as { SmtpMailer: new (env: NotificationsEnvironment) => SmtpMailerType };

/** A real SMTP server that can hold a message's DATA unanswered. */
async function startServer() {
  const received: string[] = [];
  let hold = false;
  let onHeld: (() => void) | undefined;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    disableReverseLookup: true,
    logger: false,
    onData(stream, _session, callback) {
      let raw = '';
      stream.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
      stream.on('end', () => {
        if (hold) {
          onHeld?.(); // never answered: the sender waits for its 250
          return;
        }
        received.push(/^Message-ID: (.*)$/im.exec(raw)?.[1]?.trim() ?? '');
        callback();
      });
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`,
    received,
    /** Holds the next messages' DATA unanswered; resolves once one is held. */
    holdNext: () => {
      hold = true;
      return new Promise<void>((resolve) => (onHeld = resolve));
    },
    answer: () => (hold = false),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const email = (i: number) => ({
  to: [`customer${i}@example.org`],
  subject: `Your services are reactivated (order o-${i})`,
  text: `Hello ${i}`,
  html: `<p>Hello ${i}</p>`,
  messageId: `<n-${i}@notifications.poly.example>`,
});

describe('SmtpMailer', () => {
  it('fails the sends in progress when its sender thread dies, and starts a new thread for the next send', async () => {
    const server = await startServer();
    const mailer = new SmtpMailer({
      SMTP_URL: server.url,
      EMAIL_SMTP_CONNECTIONS: 2,
      MAIL_FROM: 'Poly Reactivation <reactivation@poly.example>',
      EMAIL_CLAIM_TIMEOUT_MS: 120_000,
    } as NotificationsEnvironment);
    try {
      await expect(mailer.send(email(1))).resolves.toBe(email(1).messageId);

      // A send in progress: its message is with the server, which has not answered yet.
      const held = server.holdNext();
      const inProgress = mailer.send(email(2));
      await held;
      // The thread dies (as from a crash or its heap limit); the test reaches it directly.
      const thread = (mailer as unknown as { worker?: Worker }).worker!;
      await thread.terminate();
      // The send fails (the dispatcher retries it as any SMTP failure) rather than hanging.
      await expect(inProgress).rejects.toThrow(/SMTP sender thread exited/);

      server.answer();
      await expect(mailer.send(email(3))).resolves.toBe(email(3).messageId);
      const restarted = (mailer as unknown as { worker?: Worker }).worker;
      expect(restarted).toBeDefined();
      expect(restarted).not.toBe(thread);
      expect(server.received).toEqual([email(1).messageId, email(3).messageId]);
    } finally {
      await mailer.onApplicationShutdown();
      await server.stop();
    }
  });
});
