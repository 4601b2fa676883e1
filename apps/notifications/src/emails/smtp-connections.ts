import MailComposer from 'nodemailer/lib/mail-composer';
import { parseConnectionUrl } from 'nodemailer/lib/shared';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { composeMessage } from './mime-message';

export interface OutgoingEmail {
  to: string[];
  subject: string;
  text: string;
  html: string;
  /** Stable per queued message: a resend after a crash carries the same Message-ID. */
  messageId: string;
}

/** Where and how to send (from the notifications environment). */
export interface SmtpSettings {
  /** SMTP_URL */
  url: string;
  /** EMAIL_SMTP_CONNECTIONS */
  connections: number;
  /** MAIL_FROM */
  from: string;
  /** Connection, greeting and socket timeouts (smtpTimeoutMs). */
  timeoutMs: number;
  /** A connection is renewed after carrying this many messages (default 1000). */
  messagesPerConnection?: number;
}

/**
 * A bare ASCII address, as the envelope takes it: such recipients go to the envelope as they are
 * (nodemailer's own envelope, parsed from the message's headers again, cost 0.13 ms per email).
 */
const PLAIN_ADDRESS = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+$/;

/** A connection carries this many messages before it is renewed (as nodemailer's pool does). */
const MESSAGES_PER_CONNECTION = 1000;

/** An open connection and what it has carried. */
interface Connection {
  smtp: SMTPConnection;
  messages: number;
  /** The server closed it, or it failed: never handed out again. */
  lost: boolean;
  /** Its replacement is being opened (it carried its share of messages); it serves until then. */
  renewing: boolean;
  /** Its replacement is open: closed once the send in progress on it ends. */
  retired: boolean;
}

/**
 * Sends email over SMTP: up to `connections` connections kept open, one message at a time on
 * each, the others waiting their turn (run in the SMTP sender's thread, smtp-sender.worker.ts).
 *
 * Each message is composed in memory by nodemailer's MailComposer (its parts framed at once,
 * mime-message.ts) and handed to nodemailer's SMTPConnection whole. Its pooled transport would
 * compose it a second time around the raw message, as a stream through its plugins: 0.57 ms of
 * CPU per email against 0.14 ms this way (4,000 emails to the bench's SMTP server, measured
 * alone). A connection that fails, or that the
 * server closes, is dropped: the send in progress on it fails (its email is retried by the
 * dispatcher) and the next send opens a new one. A connection that carried its share of messages
 * is renewed: its replacement is opened while it keeps serving, so that no send waits for the
 * server's greeting (smtp-server, as the bench's sink, greets 100 ms after the connection).
 */
export class SmtpConnections {
  private readonly options: SMTPConnection.Options;
  private readonly auth?: { user: string; pass: string };
  private readonly from: string;
  /** MAIL_FROM's address alone, for the envelope. */
  private readonly envelopeFrom: string;
  private readonly maxConnections: number;
  private readonly messagesPerConnection: number;
  private readonly idle: Connection[] = [];
  private readonly waiting: { resolve: (c: Connection) => void; reject: (e: Error) => void }[] = [];
  private open = 0;
  private closed = false;

  constructor(settings: SmtpSettings) {
    this.from = settings.from;
    const envelopeFrom = new MailComposer({ from: settings.from }).compile().getEnvelope().from;
    if (!envelopeFrom) throw new Error('MAIL_FROM holds no email address');
    this.envelopeFrom = envelopeFrom;
    this.maxConnections = settings.connections;
    this.messagesPerConnection = settings.messagesPerConnection ?? MESSAGES_PER_CONNECTION;
    const { auth, ...url } = parseConnectionUrl(settings.url);
    this.auth = auth;
    // Below the claim's lease (nodemailer's socket timeout is 10 minutes): a send gives up before
    // another sender could take its message over.
    this.options = {
      ...(url as SMTPConnection.Options),
      connectionTimeout: settings.timeoutMs,
      greetingTimeout: settings.timeoutMs,
      socketTimeout: settings.timeoutMs,
      dnsTimeout: settings.timeoutMs,
    };
  }

  /**
   * Sends one message; resolves with its Message-ID once the server accepted it. Its parts are
   * base64: nodemailer otherwise scans each part to choose, then applies quoted-printable, in
   * JavaScript (0.32 → 0.18 ms per email composed, measured alone).
   */
  async send(email: OutgoingEmail): Promise<string> {
    const { raw, node } = await composeMessage({
      from: this.from,
      to: email.to,
      subject: email.subject,
      text: email.text,
      html: email.html,
      messageId: email.messageId,
      textEncoding: 'base64',
    });
    const envelope = email.to.every((to) => PLAIN_ADDRESS.test(to))
      ? { from: this.envelopeFrom, to: email.to }
      : node.getEnvelope();
    const connection = await this.acquire();
    try {
      await new Promise<void>((resolve, reject) =>
        connection.smtp.send(envelope, raw, (error) => (error ? reject(error) : resolve())),
      );
    } catch (error) {
      this.drop(connection);
      throw error;
    }
    this.release(connection);
    return email.messageId;
  }

  /** Sends in progress finish; idle connections are closed, and each other one once free. */
  close(): void {
    this.closed = true;
    for (const connection of this.idle.splice(0)) connection.smtp.quit();
    for (const waiter of this.waiting.splice(0)) waiter.reject(new Error('mailer closed'));
  }

  private async acquire(): Promise<Connection> {
    if (this.closed) throw new Error('mailer closed');
    const ready = this.idle.pop();
    if (ready) return ready;
    if (this.open >= this.maxConnections) {
      return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
    }
    return this.connect();
  }

  /** Hands a connection that carried a message to the next waiting send, or keeps it open. */
  private release(connection: Connection): void {
    connection.messages++;
    if (connection.lost || connection.retired || this.closed) {
      this.drop(connection);
      return;
    }
    if (connection.messages >= this.messagesPerConnection && !connection.renewing) {
      this.renew(connection);
    }
    this.handOver(connection);
  }

  private handOver(connection: Connection): void {
    const waiter = this.waiting.shift();
    if (waiter) waiter.resolve(connection);
    else this.idle.push(connection);
  }

  /**
   * Opens the replacement of a connection that carried its share, which serves until the
   * replacement is open and is closed then (or once its send in progress ends). If the
   * replacement cannot be opened, it keeps serving and the next release tries again.
   */
  private renew(connection: Connection): void {
    connection.renewing = true;
    this.connect().then(
      (fresh) => {
        connection.retired = true;
        const at = this.idle.indexOf(connection);
        if (at >= 0) this.drop(connection);
        if (this.closed) this.drop(fresh);
        else this.handOver(fresh);
      },
      () => (connection.renewing = false),
    );
  }

  /** Closes a connection for good; a waiting send gets a new one if there is room for it. */
  private drop(connection: Connection): void {
    if (connection.lost) return;
    connection.lost = true;
    this.open--;
    const at = this.idle.indexOf(connection);
    if (at >= 0) this.idle.splice(at, 1);
    connection.smtp.close();
    if (this.closed || this.waiting.length === 0 || this.open >= this.maxConnections) return;
    const waiter = this.waiting.shift()!;
    this.connect().then(waiter.resolve, waiter.reject);
  }

  private connect(): Promise<Connection> {
    this.open++;
    const connection: Connection = {
      smtp: new SMTPConnection(this.options),
      messages: 0,
      lost: false,
      renewing: false,
      retired: false,
    };
    return new Promise((resolve, reject) => {
      let ready = false;
      const failed = (error: Error) => {
        this.drop(connection);
        if (!ready) reject(error);
      };
      const connected = () => {
        ready = true;
        resolve(connection);
      };
      // Whatever happens to it later (the server closes it idle, the network fails) takes it out
      // of use; during a send, the send's own callback reports the failure as well.
      connection.smtp.on('error', failed);
      connection.smtp.once('end', () => failed(new Error('SMTP connection closed')));
      connection.smtp.connect((error) => {
        if (error) return failed(error);
        if (!this.auth || !connection.smtp.allowsAuth) return connected();
        connection.smtp.login(this.auth, (loginError) =>
          loginError ? failed(loginError) : connected(),
        );
      });
    });
  }
}
