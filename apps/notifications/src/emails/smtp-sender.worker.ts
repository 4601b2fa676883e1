/**
 * The SMTP sender's thread: composes and sends the emails the service's main thread hands it
 * (SmtpMailer), over its own SMTP connections, and answers each with its outcome.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SmtpConnections, SmtpSettings } from './smtp-connections';
import type { SenderReply, SenderRequest } from './smtp.mailer';

const port = parentPort!;
const connections = new SmtpConnections(workerData as SmtpSettings);
let inFlight = 0;
let closing = false;

port.on('message', (request: SenderRequest) => {
  if (request.kind === 'close') {
    closing = true;
    connections.close();
    if (inFlight === 0) port.close();
    return;
  }
  inFlight++;
  void connections
    .send(request.email)
    .then(
      (): SenderReply => ({ id: request.id }),
      (error: unknown): SenderReply => ({ id: request.id, error: failureOf(error) }),
    )
    .then((reply) => {
      port.postMessage(reply);
      inFlight--;
      if (closing && inFlight === 0) port.close();
    });
});

/** What the main thread needs of a failure: its message, and the server's code if it answered. */
function failureOf(error: unknown): NonNullable<SenderReply['error']> {
  const { responseCode, code } = (error ?? {}) as { responseCode?: unknown; code?: unknown };
  return {
    message: error instanceof Error ? error.message : String(error),
    ...(typeof responseCode === 'number' ? { responseCode } : {}),
    ...(typeof code === 'string' ? { code } : {}),
  };
}
