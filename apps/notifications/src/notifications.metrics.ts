import { MessagingMetrics } from '@app/messaging';
import { Injectable } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';

/** Notifications' own metrics, served with the runtime's at /metrics. */
@Injectable()
export class NotificationsMetrics {
  /** How long sagas waited before reaching each stage (from the stage before it). */
  readonly stageDuration: Histogram<'stage'>;
  readonly emails: Counter<'stage' | 'outcome'>;
  readonly stalls: Counter<'stage'>;
  /** Each email's send over SMTP (phase=send), each record of accepted emails (phase=record). */
  readonly emailDelivery: Histogram<'phase'>;

  constructor(messaging: MessagingMetrics) {
    this.stageDuration = new Histogram({
      name: 'saga_stage_duration_seconds',
      help: 'Time a saga took to reach a stage from its previous stage',
      labelNames: ['stage'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30, 120, 600, 3600, 86_400],
      registers: [messaging.registry],
    });
    this.emails = new Counter({
      name: 'notifications_emails_total',
      help: 'Emails by stage and outcome (sent, retry, failed)',
      labelNames: ['stage', 'outcome'],
      registers: [messaging.registry],
    });
    this.stalls = new Counter({
      name: 'notifications_stalls_total',
      help: 'Sagas reported stalled, by the stage they were stuck at',
      labelNames: ['stage'],
      registers: [messaging.registry],
    });
    this.emailDelivery = new Histogram({
      name: 'notifications_email_delivery_seconds',
      help: 'Time an email took to send (phase=send), and a record of accepted emails to commit (phase=record)',
      labelNames: ['phase'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 60],
      registers: [messaging.registry],
    });
  }
}
