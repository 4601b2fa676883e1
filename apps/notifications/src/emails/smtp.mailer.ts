import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { createTransport, Transporter } from 'nodemailer';
import { NotificationsEnvironment, smtpTimeoutMs } from '../notifications.config';

export interface OutgoingEmail {
  to: string[];
  subject: string;
  text: string;
  html: string;
  /** Stable per queued message: a resend after a crash carries the same Message-ID. */
  messageId: string;
}

/** An SMTP failure the server says will not go away by retrying (5xx). */
export function isPermanentSmtpFailure(error: unknown): boolean {
  const code = (error as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

/** Pooled SMTP connections: a wave's emails (see DeliverEmailsUsecase) share them. */
const SMTP_CONNECTIONS = 3;

/** Sends email over SMTP (SMTP_URL), pooled connections. */
@Injectable()
export class SmtpMailer implements OnApplicationShutdown {
  private readonly transport: Transporter;

  constructor(env: NotificationsEnvironment) {
    // Below the claim's lease (nodemailer's socket timeout is 10 minutes): a send gives up before
    // another sender could take its message over.
    const timeout = smtpTimeoutMs(env);
    this.transport = createTransport(
      {
        url: env.SMTP_URL,
        pool: true,
        maxConnections: SMTP_CONNECTIONS,
        // A connection carries many messages before it is renewed (nodemailer's default: 100).
        maxMessages: 1000,
        connectionTimeout: timeout,
        greetingTimeout: timeout,
        socketTimeout: timeout,
        dnsTimeout: timeout,
      } as never,
      {
        from: env.MAIL_FROM,
      },
    );
  }

  async send(email: OutgoingEmail): Promise<string> {
    const info = (await this.transport.sendMail({
      to: email.to,
      subject: email.subject,
      text: email.text,
      html: email.html,
      messageId: email.messageId,
    })) as { messageId?: string };
    return info.messageId ?? email.messageId;
  }

  onApplicationShutdown(): void {
    this.transport.close();
  }
}
