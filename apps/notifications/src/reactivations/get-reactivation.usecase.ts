import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NotificationRepository } from '../emails/notification.repository';
import { NotificationsError } from '../notifications.error';
import { SupportCaseRepository } from '../roster/support-case.repository';
import { ReactivationView } from './reactivation.view';
import { displayedStatus } from '../timeline/saga-status';
import { TimelineRepository } from '../timeline/timeline.repository';

/** An order's timeline: every stage with its time, where the saga stands, who supports it. */
@Injectable()
export class GetReactivationUsecase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly timeline: TimelineRepository,
    private readonly cases: SupportCaseRepository,
    private readonly notifications: NotificationRepository,
  ) {}

  /** `readableAccount`: a customer's own account; another account's order is "not found" too. */
  async execute(orderId: string, readableAccount?: string): Promise<ReactivationView> {
    const manager = this.dataSource.manager;
    const reactivation = await this.timeline.find(manager, orderId);
    if (
      !reactivation ||
      (readableAccount !== undefined && reactivation.accountId !== readableAccount)
    )
      throw new NotificationsError(
        'REACTIVATION_NOT_FOUND',
        `no reactivation for order ${orderId}`,
      );
    const [stages, contact, emails] = await Promise.all([
      this.timeline.stages(manager, orderId),
      this.cases.findContact(manager, orderId),
      this.notifications.ofOrder(manager, orderId),
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
