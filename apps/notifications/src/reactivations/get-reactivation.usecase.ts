import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EmailsPort } from '../emails/emails.port';
import { NotificationsError } from '../notifications.error';
import { RosterPort } from '../roster/roster.port';
import { ReactivationView } from './reactivation.view';
import { displayedStatus } from '../timeline/saga-status';
import { TimelinePort } from '../timeline/timeline.port';

/** An order's timeline: every stage with its time, where the saga stands, who supports it. */
@Injectable()
export class GetReactivationUsecase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly timeline: TimelinePort,
    private readonly cases: RosterPort,
    private readonly emails: EmailsPort,
  ) {}

  /** `readableAccount`: a customer's own account; another account's order is "not found" too. */
  async execute(orderId: string, readableAccount?: string): Promise<ReactivationView> {
    const manager = this.dataSource.manager;
    const reactivation = await this.timeline.sagaOf(manager, orderId);
    if (
      !reactivation ||
      (readableAccount !== undefined && reactivation.accountId !== readableAccount)
    )
      throw new NotificationsError(
        'REACTIVATION_NOT_FOUND',
        `no reactivation for order ${orderId}`,
      );
    const [stages, contact, emails] = await Promise.all([
      this.timeline.stagesOf(manager, orderId),
      this.cases.contactOf(manager, orderId),
      this.emails.emailsOf(manager, orderId),
    ]);
    return {
      orderId: reactivation.orderId,
      accountId: reactivation.accountId,
      status: displayedStatus(reactivation),
      supportContact: contact
        ? { contactId: contact.contactId, name: contact.name, email: contact.email }
        : null,
      stages: stages.map((s) => ({ stage: s.stage, at: s.at.toISOString(), details: s.details })),
      emails: emails.map((n) => ({
        stage: n.stage,
        subject: n.subjectKey || null,
        status: n.status,
        dueAt: n.dueAt.toISOString(),
        sentAt: n.sentAt?.toISOString() ?? null,
      })),
    };
  }
}
