/**
 * The SMTP sender thread's connections against a real SMTP server (smtp-server, in the test
 * process): what they send, over how many connections, and what becomes of a connection the
 * server closes or of a recipient it turns away.
 */
import { simpleParser } from 'mailparser';
import { AddressInfo } from 'node:net';
import { SMTPServer, SMTPServerSession } from 'smtp-server';
import { SmtpConnections } from '../src/emails/smtp-connections';
import { isPermanentSmtpFailure } from '../src/emails/smtp.mailer';

interface Received {
  session: string;
  envelopeTo: string[];
  to: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
}

/** A real SMTP server that keeps what it accepted and the sessions it saw open and close. */
async function startServer(options: {
  /** Recipients refused at RCPT TO, with the code to answer. */
  refuse?: Map<string, number>;
  /** The server closes a session idle this long (ms). */
  idleTimeoutMs?: number;
  port?: number;
}) {
  const received: Received[] = [];
  const opened: string[] = [];
  const closed: string[] = [];
  let onClose: (() => void) | undefined;
  let onOpen: (() => void) | undefined;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    ...(options.idleTimeoutMs ? { socketTimeout: options.idleTimeoutMs } : {}),
    onConnect(session, callback) {
      opened.push(session.id);
      onOpen?.();
      callback();
    },
    onClose(session) {
      closed.push(session.id);
      onClose?.();
    },
    onRcptTo(address, _session, callback) {
      const code = options.refuse?.get(address.address);
      if (!code) return callback();
      callback(Object.assign(new Error(`refused (${code})`), { responseCode: code }));
    },
    onData(stream, session: SMTPServerSession, callback) {
      simpleParser(stream)
        .then((parsed) => {
          received.push({
            session: session.id,
            envelopeTo: session.envelope.rcptTo.map((r) => r.address),
            to: parsed.to ? [parsed.to].flat()[0].text : '',
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html: typeof parsed.html === 'string' ? parsed.html : '',
            messageId: parsed.messageId ?? '',
          });
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    opened,
    closed,
    /** Resolves once `count` sessions have closed. */
    closedCount: (count: number) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (closed.length >= count) resolve();
        };
        onClose = check;
        check();
      }),
    /** Resolves once `count` sessions have opened; rejects if they have not within `withinMs`. */
    openedCount: (count: number, withinMs: number) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`${opened.length} sessions opened, not ${count}`)),
          withinMs,
        );
        const check = () => {
          if (opened.length < count) return;
          clearTimeout(timer);
          resolve();
        };
        onOpen = check;
        check();
      }),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function mailerFor(url: string, connections: number, messagesPerConnection?: number) {
  return new SmtpConnections({
    url,
    connections,
    from: 'Poly Reactivation <reactivation@poly.example>',
    timeoutMs: 30_000,
    messagesPerConnection,
  });
}

const email = (i: number, to = `customer${i}@example.org`) => ({
  to: [to],
  subject: `Your services are reactivated (order o-${i}) — ünïcode`,
  text: `Hello ${i},\nyour services are back.`,
  html: `<p>Hello <b>${i}</b>, your services are back.</p>`,
  messageId: `<n-${i}@notifications.poly.example>`,
});

describe('SmtpConnections', () => {
  it('sends each email whole over at most EMAIL_SMTP_CONNECTIONS connections, kept open between emails', async () => {
    const server = await startServer({});
    const mailer = mailerFor(server.url, 3);
    try {
      const ids = await Promise.all(Array.from({ length: 30 }, (_, i) => mailer.send(email(i))));
      expect(ids).toEqual(Array.from({ length: 30 }, (_, i) => email(i).messageId));
      await Promise.all(Array.from({ length: 10 }, (_, i) => mailer.send(email(30 + i))));

      expect(server.received).toHaveLength(40);
      const first = server.received.find((m) => m.messageId === email(7).messageId)!;
      expect(first).toMatchObject({
        envelopeTo: ['customer7@example.org'],
        to: 'customer7@example.org',
        subject: email(7).subject,
        text: email(7).text,
        html: email(7).html,
      });
      // Three connections carried all forty, the second round on the ones the first left open.
      expect(server.opened).toHaveLength(3);
      expect(new Set(server.received.map((m) => m.session)).size).toBe(3);
      expect(server.closed).toHaveLength(0);
    } finally {
      mailer.close();
      await server.stop();
    }
  });

  it('puts a recipient written with a name on the envelope as its bare address, and one with a non-ASCII domain as nodemailer does', async () => {
    const server = await startServer({});
    const mailer = mailerFor(server.url, 1);
    try {
      await mailer.send({
        ...email(1),
        to: ['Ops Team <ops@example.org>', 'kunde@bücher.example'],
      });
      expect(server.received.map((m) => m.envelopeTo)).toEqual([
        ['ops@example.org', 'kunde@bücher.example'],
      ]);
    } finally {
      mailer.close();
      await server.stop();
    }
  });

  it('opens the replacement of a connection that carried its share of messages before the next email needs it', async () => {
    const server = await startServer({});
    const mailer = mailerFor(server.url, 1, 3);
    try {
      for (let i = 0; i < 3; i++) await mailer.send(email(i));
      // No email is waiting, yet the replacement opens (the server greets 100 ms later): the
      // next email does not wait for it. Before, it was opened by the next email, which waited.
      await server.openedCount(2, 5000);
      await server.closedCount(1);
      await mailer.send(email(3));
      const sessions = server.received.map((m) => m.session);
      expect(sessions.slice(0, 3)).toEqual(Array(3).fill(server.opened[0]));
      expect(sessions[3]).toBe(server.opened[1]);
      expect(server.opened).toHaveLength(2);
      // Concurrent emails across renewals: each sent once.
      await Promise.all(Array.from({ length: 10 }, (_, i) => mailer.send(email(4 + i))));
      expect(server.received.map((m) => m.messageId).sort()).toEqual(
        Array.from({ length: 14 }, (_, i) => email(i).messageId).sort(),
      );
    } finally {
      mailer.close();
      await server.stop();
    }
  });

  it('opens a new connection for the next email when the server closed an idle one', async () => {
    const server = await startServer({ idleTimeoutMs: 300 });
    const mailer = mailerFor(server.url, 1);
    try {
      await mailer.send(email(1));
      await server.closedCount(1); // the server's idle timeout
      await mailer.send(email(2));
      expect(server.received.map((m) => m.messageId)).toEqual([
        email(1).messageId,
        email(2).messageId,
      ]);
      expect(server.opened).toHaveLength(2);
    } finally {
      mailer.close();
      await server.stop();
    }
  });

  it('fails an email whose recipient the server refuses, with its code, and sends the next', async () => {
    const server = await startServer({
      refuse: new Map([
        ['busy@example.org', 451],
        ['unknown@example.org', 550],
      ]),
    });
    const mailer = mailerFor(server.url, 1);
    try {
      const busy = await mailer.send(email(1, 'busy@example.org')).catch((e: unknown) => e);
      expect(busy).toMatchObject({ responseCode: 451 });
      expect(isPermanentSmtpFailure(busy)).toBe(false);
      const unknown = await mailer.send(email(2, 'unknown@example.org')).catch((e: unknown) => e);
      expect(unknown).toMatchObject({ responseCode: 550 });
      expect(isPermanentSmtpFailure(unknown)).toBe(true);

      await mailer.send(email(3));
      expect(server.received.map((m) => m.envelopeTo)).toEqual([['customer3@example.org']]);
    } finally {
      mailer.close();
      await server.stop();
    }
  });

  it('fails the emails waiting for a connection when the server cannot be reached, then sends once it can', async () => {
    const away = await startServer({});
    const port = Number(new URL(away.url).port);
    await away.stop();
    const mailer = mailerFor(away.url, 2);
    let server: Awaited<ReturnType<typeof startServer>> | undefined;
    try {
      const outcomes = await Promise.allSettled(
        Array.from({ length: 5 }, (_, i) => mailer.send(email(i))),
      );
      expect(outcomes.map((o) => o.status)).toEqual(Array(5).fill('rejected'));

      server = await startServer({ port });
      await Promise.all([mailer.send(email(5)), mailer.send(email(6))]);
      expect(server.received.map((m) => m.messageId).sort()).toEqual([
        email(5).messageId,
        email(6).messageId,
      ]);
    } finally {
      mailer.close();
      await server?.stop();
    }
  });
});
