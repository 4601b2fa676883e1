/**
 * The test SMTP server outlives a client that dies mid-transaction (a notifications instance
 * killed with -9 while sending, as the fault suite does): the reset connection is the client's
 * problem, and the next email is accepted as usual.
 */
import { createConnection } from 'node:net';
import { createTransport } from 'nodemailer';
import { TestMailbox } from './mailbox';

describe('TestMailbox', () => {
  it('keeps accepting email after a client resets its connection mid-transaction', async () => {
    const mailbox = await TestMailbox.start();
    try {
      await new Promise<void>((resolve, reject) => {
        const socket = createConnection(mailbox.port, '127.0.0.1');
        socket.once('error', reject);
        // Greeting, EHLO, MAIL FROM: a transaction in progress (outside one, the server ignores
        // a reset connection).
        let answers = 0;
        socket.on('data', () => {
          answers++;
          if (answers === 1) socket.write('EHLO killed.example\r\n');
          else if (answers === 2) socket.write('MAIL FROM:<killed@example.org>\r\n');
          else if (answers === 3) {
            socket.resetAndDestroy(); // RST, as the kernel sends for a process killed with -9
            resolve();
          }
        });
      });
      // The barrier: a whole email from another client after the reset.
      const transport = createTransport({ host: '127.0.0.1', port: mailbox.port, secure: false });
      await transport.sendMail({
        from: 'a@example.org',
        to: 'after-reset@example.org',
        subject: 'after the reset',
        text: 'still here',
      });
      transport.close();
      expect(mailbox.to('after-reset@example.org').map((m) => m.subject)).toEqual([
        'after the reset',
      ]);
    } finally {
      await mailbox.stop();
    }
  });
});
