import { ConfigError, EnvNumber, loadConfig, Secret, ServiceEnvironment } from '@app/platform';
import { DynamicModule, Module } from '@nestjs/common';
import { IsInt, IsOptional, IsString, Matches, Max, MinLength, Min } from 'class-validator';

/** Emails claimed from the queue at once (one statement), then sent in waves (EMAIL_WAVE_SIZE). */
export const EMAIL_CLAIM_BATCH = 96;

/** Notifications's environment, validated at boot. */
export class NotificationsEnvironment extends ServiceEnvironment {
  /** Where emails go out (smtp://user:pass@host:port, smtps:// for TLS). */
  @Matches(/^smtps?:\/\/.+/, { message: 'SMTP_URL must be an smtp:// or smtps:// URL' })
  SMTP_URL = 'smtp://127.0.0.1:1025';

  @IsString() @MinLength(3) MAIL_FROM = 'Poly Reactivation <reactivation@poly.example>';

  /** Ops' mailbox: stalled sagas are escalated there as well as to the support contact. */
  @Matches(/^[^@\s]+@[^@\s]+$/, { message: 'OPS_EMAIL must be an email address' })
  OPS_EMAIL = 'ops@poly.example';

  /** Key of the HMAC that makes a status page link unguessable (`?t=`). */
  @Secret('dev-status-page-secret-change-me')
  @IsString()
  @MinLength(16)
  STATUS_PAGE_SECRET!: string;

  /** Days a status page link (sent in an email) opens the page; each email carries a new link. */
  @EnvNumber() @IsInt() @Min(1) @Max(365) STATUS_PAGE_LINK_TTL_DAYS = 30;

  /** Public base URL of this service, for the status page links in emails. */
  @Matches(/^https?:\/\/[^\s]+[^/\s]$/, {
    message: 'STATUS_PAGE_BASE_URL must be an http(s) URL without trailing /',
  })
  STATUS_PAGE_BASE_URL = 'http://127.0.0.1:3004';

  /** A renewal reminder is sent this many days before a restored license expires. */
  @EnvNumber() @IsInt() @Min(1) @Max(365) RENEWAL_REMINDER_DAYS = 30;

  /** Seconds a saga may stay paid (waiting for eligibility) before it is reported stalled. */
  @EnvNumber() @IsInt() @Min(1) STALL_AFTER_PAID = 600;
  /** Seconds a verified saga may wait for licensing to reinstate or schedule. */
  @EnvNumber() @IsInt() @Min(1) STALL_AFTER_VERIFIED = 600;
  /** Seconds of grace after the change window ends for a scheduled activation. */
  @EnvNumber() @IsInt() @Min(1) STALL_AFTER_SCHEDULED = 600;
  /** Seconds of grace after a review's own deadline (eligibility expires it; this catches it not doing so). */
  @EnvNumber() @IsInt() @Min(1) STALL_AFTER_REVIEW_DEADLINE = 600;
  /** Seconds between restored entitlements and billing's OrderFulfilled. */
  @EnvNumber() @IsInt() @Min(1) STALL_AFTER_RESTORED = 600;
  /** Seconds a refund may stay requested (rejection seen) before it is reported stalled. */
  @EnvNumber() @IsInt() @Min(1) STALL_AFTER_REFUND_REQUESTED = 3600;

  /** How often the stall sweeper looks for overdue sagas. */
  @EnvNumber() @IsInt() @Min(50) @Max(3_600_000) STALL_SWEEP_MS = 15_000;

  /** Periodic sweep of the email queue (besides the wake-up after each commit). */
  @EnvNumber() @IsInt() @Min(50) @Max(3_600_000) EMAIL_SWEEP_MS = 1000;
  /** First retry delay after an SMTP failure; doubles each attempt (capped at 15 minutes). */
  @EnvNumber() @IsInt() @Min(10) EMAIL_RETRY_BASE_MS = 2000;
  /** Attempts before an email is given up (FAILED, visible to ops). */
  @EnvNumber() @IsInt() @Min(1) @Max(100) EMAIL_MAX_ATTEMPTS = 10;
  /**
   * Lease of a claimed email: its sender renews it while it works on the message; a lease not
   * renewed for this long (its sender died) lets another sender take the message over.
   */
  @EnvNumber() @IsInt() @Min(1000) EMAIL_CLAIM_TIMEOUT_MS = 120_000;
  /**
   * The most emails ever sent to SMTP and not yet recorded as sent (in flight, answered, or in the
   * record in progress), so the most a kill can have sent twice (resent with the same Message-ID).
   * They go side by side over the pooled SMTP connections, and those answered are recorded in one
   * transaction at a time while others are sent; with 1, each is recorded before the next goes
   * out. More sends faster under a backlog: fewer transactions and CustomerNotified produce
   * requests per email, and more emails in flight while each waits for its SMTP answer. The
   * emails per second are at most this many over the time each holds its place (its SMTP exchange,
   * then the wait for and the length of its record): on this project's 2-core machine at 70 sagas/s
   * (140 emails/s) an exchange took 80–83 ms and a record 42–43 ms, and with 24 (the default until
   * session 19) the emails fell behind while the rest of the saga kept up.
   */
  @EnvNumber() @IsInt() @Min(1) @Max(EMAIL_CLAIM_BATCH) EMAIL_WAVE_SIZE = 48;
  /**
   * How long a record of emails the SMTP server accepted waits for others before it is written
   * (sooner when EMAIL_WAVE_SIZE is reached or the process stops). Not on the customer's path (they
   * wait for the email, not for its record); a kill meanwhile has them sent again, within
   * EMAIL_WAVE_SIZE. 0: each record is written at once.
   */
  @EnvNumber() @IsInt() @Min(0) @Max(5000) EMAIL_RECORD_LINGER_MS = 100;
  /**
   * Pooled SMTP connections the emails are spread over (one email at a time on each): half of the
   * default EMAIL_WAVE_SIZE, so that the emails it lets out at once go side by side. On a busy
   * machine each SMTP exchange waits for a core several times; with 3 connections, twelve emails
   * were four exchanges long.
   */
  @EnvNumber() @IsInt() @Min(1) @Max(EMAIL_CLAIM_BATCH) EMAIL_SMTP_CONNECTIONS = 24;
  /**
   * SMTP connection, greeting and socket (inactivity) timeouts. Below the lease, so that a send
   * gives up before another sender could take its message over. Default: 30 s, or half the lease
   * when that is shorter.
   */
  @IsOptional() @EnvNumber() @IsInt() @Min(100) EMAIL_SMTP_TIMEOUT_MS?: number;
}

/** The SMTP timeouts in effect (see EMAIL_SMTP_TIMEOUT_MS). */
export function smtpTimeoutMs(env: NotificationsEnvironment): number {
  return env.EMAIL_SMTP_TIMEOUT_MS ?? Math.min(30_000, Math.floor(env.EMAIL_CLAIM_TIMEOUT_MS / 2));
}

export function loadNotificationsConfig(
  env: NodeJS.ProcessEnv = process.env,
): NotificationsEnvironment {
  const config = loadConfig(
    NotificationsEnvironment,
    {
      HTTP_PORT: '3004',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/reactivation_notifications',
      // What it publishes (SupportContactAssigned, CustomerNotified, stalls) is on no saga's
      // path: its relay waits a little for the commits of that moment and sends them together.
      MESSAGING_RELAY_LINGER_MS: '25',
    },
    env,
  );
  if (smtpTimeoutMs(config) >= config.EMAIL_CLAIM_TIMEOUT_MS) {
    throw new ConfigError(
      'invalid configuration:\n  EMAIL_SMTP_TIMEOUT_MS: must be below EMAIL_CLAIM_TIMEOUT_MS',
    );
  }
  return config;
}

/** Makes the validated environment injectable (`constructor(env: NotificationsEnvironment)`). */
@Module({})
export class NotificationsConfigModule {
  static register(env: NotificationsEnvironment): DynamicModule {
    return {
      module: NotificationsConfigModule,
      global: true,
      providers: [{ provide: NotificationsEnvironment, useValue: env }],
      exports: [NotificationsEnvironment],
    };
  }
}
