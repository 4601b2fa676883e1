import { ReactivationStalled } from '@app/contracts';
import { Transaction } from '@app/messaging';
import { Injectable } from '@nestjs/common';
import { EmailStages } from '../emails/email.templates';
import { EmailsPort } from '../emails/emails.port';
import { NotificationsEnvironment } from '../notifications.config';
import { NotificationsMetrics } from '../notifications.metrics';
import { RecordStagesUsecase, stageOf } from '../timeline/record-stages.usecase';
import { TERMINAL_STATUSES } from '../timeline/saga-status';
import { TimelinePort } from '../timeline/timeline.port';
import { ReactivationStallRepository } from './reactivation-stall.repository';
import { stallAllowancesFrom } from '../timeline/stall-allowances';
import { StallAllowances, stallDeadline } from '../timeline/stall-rules';

/**
 * A saga overdue at its stage is escalated once: ReactivationStalled for everyone watching, and
 * an email to its support contact and ops.
 */
@Injectable()
export class RaiseStallUsecase {
  private readonly allowances: StallAllowances;

  constructor(
    private readonly timeline: TimelinePort,
    private readonly stalls: ReactivationStallRepository,
    private readonly emails: EmailsPort,
    private readonly recordStages: RecordStagesUsecase,
    private readonly metrics: NotificationsMetrics,
    env: NotificationsEnvironment,
  ) {
    this.allowances = stallAllowancesFrom(env);
  }

  async execute(command: { orderId: string }, tx: Transaction): Promise<void> {
    // Locked: the saga may have moved on since the sweeper looked.
    const saga = await this.timeline.lockSaga(tx.manager, command.orderId);
    if (!saga || !saga.progressStage || !saga.progressAt || TERMINAL_STATUSES.includes(saga.status))
      return;
    if (saga.stalledStage === saga.progressStage) return;
    const deadline = stallDeadline(saga, this.allowances);
    if (!deadline || deadline.getTime() > tx.now.getTime()) return;

    const stage = saga.progressStage;
    await this.timeline.markStalled(tx.manager, saga.orderId, stage);
    const raised = await this.stalls.record(tx.manager, {
      orderId: saga.orderId,
      stage,
      since: saga.progressAt,
      deadline,
      raisedAt: tx.now,
    });
    if (!raised) return;
    const stalled = {
      orderId: saga.orderId,
      accountId: saga.accountId,
      stage,
      since: saga.progressAt.toISOString(),
      deadline: deadline.toISOString(),
    };
    const event = tx.publish(ReactivationStalled, stalled);
    // Our own event: recorded in the timeline here rather than consumed back from Kafka.
    await this.recordStages.execute([stageOf(event)], tx);
    this.metrics.stalls.inc({ stage });
    await this.emails.queueEmails(tx.manager, [
      {
        orderId: saga.orderId,
        accountId: saga.accountId,
        stage: EmailStages.Stalled,
        subjectKey: stage,
        audience: 'SUPPORT',
        content: { stage: stalled.stage, since: stalled.since, deadline: stalled.deadline },
        dueAt: tx.now,
        createdAt: tx.now,
      },
    ]);
  }
}
