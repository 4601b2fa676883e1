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

/** A real SMTP server in the test process, keeping every message it accepts. */
export class TestMailbox {
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
      onData(stream, _session, callback) {
        simpleParser(stream)
          .then((parsed: ParsedMail) => {
            const to = [parsed.to ?? []]
              .flat()
              .flatMap((address) => address.value.map((v) => v.address ?? ''));
            mails.push({
              to,
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : '',
              messageId: parsed.messageId ?? '',
              acceptedAt: Date.now(),
            });
            callback();
          })
          .catch((error: Error) => callback(error));
      },
    });
    // A client killed mid-transaction (a service under kill -9) resets its connection: that
    // connection is lost, the server is not (unhandled, the 'error' would end the test process).
    server.on('error', () => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new TestMailbox(server, (server.server.address() as AddressInfo).port, mails, failures);
  }

  to(address: string): ReceivedMail[] {
    return this.mails.filter((mail) => mail.to.includes(address));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
