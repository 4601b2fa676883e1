import { ParsedMail, simpleParser } from 'mailparser';
import { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string[];
  subject: string;
  text: string;
  html: string;
  messageId: string;
  /** When the server accepted it (ms since the epoch). */
  acceptedAt: number;
}

/**
 * Runs when a message has arrived, before the server answers it (250): a test may stop the
 * sender's database meanwhile, or answer late. The message counts as accepted only if the sender
 * is still connected to hear the answer.
 */
export type BeforeAnswer = (mail: ReceivedMail) => Promise<void>;

/** A real SMTP server in the test process, keeping every message it accepts. */
export class TestMailbox {
  /** See BeforeAnswer; none by default. */
  beforeAnswer?: BeforeAnswer;

  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
    readonly mails: ReceivedMail[],
    /** Recipients the server turns away (451, temporary) this many more times. */
    readonly failures: Map<string, number>,
  ) {}

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<TestMailbox> {
    const mails: ReceivedMail[] = [];
    const failures = new Map<string, number>();
    const closed = new Set<string>();
    const answering: { mailbox?: TestMailbox } = {};
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onRcptTo(address, _session, callback) {
        const left = failures.get(address.address) ?? 0;
        if (left === 0) return callback();
        failures.set(address.address, left - 1);
        callback(Object.assign(new Error('mailbox busy, try again later'), { responseCode: 451 }));
      },
      onClose(session) {
        closed.add(session.id);
      },
      onData(stream, session, callback) {
        simpleParser(stream)
          .then(async (parsed: ParsedMail) => {
            const to = [parsed.to ?? []]
              .flat()
              .flatMap((address) => address.value.map((v) => v.address ?? ''));
            const mail: ReceivedMail = {
              to,
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : '',
              messageId: parsed.messageId ?? '',
              acceptedAt: 0,
            };
            await answering.mailbox?.beforeAnswer?.(mail);
            // A sender that gave up waiting for the answer did not have its message accepted.
            if (closed.has(session.id)) return callback(new Error('sender gone'));
            mail.acceptedAt = Date.now();
            mails.push(mail);
            callback();
          })
          .catch((error: Error) => callback(error));
      },
    });
    // A client killed mid-transaction (a service under kill -9) resets its connection: that
    // connection is lost, the server is not (unhandled, the 'error' would end the test process).
    server.on('error', () => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    answering.mailbox = new TestMailbox(
      server,
      (server.server.address() as AddressInfo).port,
      mails,
      failures,
    );
    return answering.mailbox;
  }

  to(address: string): ReceivedMail[] {
    return this.mails.filter((mail) => mail.to.includes(address));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
