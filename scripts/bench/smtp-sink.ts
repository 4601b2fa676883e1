/**
 * The bench's SMTP server: accepts every message and reads only its header, to tell when each
 * order's confirmation email ("Your services are reactivated (order <id>)", notifications'
 * EntitlementsRestored email; the floor writes the same subject) was accepted.
 */
import { freePort } from '@app/testing';
import { SMTPServer } from 'smtp-server';
import { confirmedOrderOf, subjectOf } from './completion';

const HEADER_LIMIT = 16 * 1024;

export interface SmtpSink {
  url: string;
  accepted(): number;
  /** When each order's first confirmation was accepted (performance.now()). */
  readonly confirmations: Map<string, number>;
  /** Confirmations beyond the first of an order. */
  duplicateConfirmations(): number;
  /** Called with the order id of every first confirmation. */
  onConfirmation?: (orderId: string) => void;
  stop(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  let accepted = 0;
  let duplicates = 0;
  const confirmations = new Map<string, number>();
  const sink: SmtpSink = {
    url: '',
    accepted: () => accepted,
    confirmations,
    duplicateConfirmations: () => duplicates,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      let header = '';
      stream.on('data', (chunk: Buffer) => {
        if (header.length < HEADER_LIMIT) header += chunk.toString('latin1');
      });
      stream.on('end', () => {
        accepted++;
        const orderId = confirmedOrderOf(subjectOf(header));
        if (orderId !== undefined) {
          if (confirmations.has(orderId)) duplicates++;
          else {
            confirmations.set(orderId, performance.now());
            sink.onConfirmation?.(orderId);
          }
        }
        callback();
      });
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  sink.url = `smtp://127.0.0.1:${port}`;
  return sink;
}
