import { ReactivationStalled } from '@app/contracts';
import { Transaction } from '@app/messaging';
import { Injectable } from '@nestjs/common';
import { stallAllowancesFrom } from '../deadlines/stall-allowances';
import { StallAllowances, stallDeadline } from '../deadlines/stall-rules';
import { NotificationsEnvironment } from '../notifications.config';
import { NotificationsMetrics } from '../notifications.metrics';
import { stageDetails, stageEffect, TimelineEventType } from './saga-status';
import { TimelineRepository } from './timeline.repository';

export interface RecordStageCommand {
  orderId: string;
  accountId: string;
  eventId: string;
  stage: TimelineEventType;
  at: Date;
  data: object;
}

/** Records a saga event in its order's timeline (once) and moves the order's summary forward. */
@Injectable()
export class RecordStageUsecase {
  private readonly allowances: StallAllowances;

  constructor(
    private readonly timeline: TimelineRepository,
    private readonly metrics: NotificationsMetrics,
    env: NotificationsEnvironment,
  ) {
    this.allowances = stallAllowancesFrom(env);
  }

  async execute(command: RecordStageCommand, tx: Transaction): Promise<void> {
    const stage = {
      orderId: command.orderId,
      accountId: command.accountId,
      eventId: command.eventId,
      stage: command.stage,
      at: command.at,
      details: stageDetails(command.data),
    };
    if (!(await this.timeline.addStage(tx.manager, stage))) return;
    const progress = await this.timeline.advance(
      tx.manager,
      stage,
      stageEffect(command.stage, command.data),
      tx.now,
    );
    const advanced =
      progress.progressStage === stage.stage &&
      progress.progressAt?.getTime() === stage.at.getTime();
    if (advanced && progress.previousProgressAt) {
      const waited = (stage.at.getTime() - progress.previousProgressAt.getTime()) / 1000;
      this.metrics.stageDuration.observe({ stage: stage.stage }, Math.max(0, waited));
    }
    const deadline = stallDeadline(progress, this.allowances);
    if (deadline?.getTime() !== progress.stallDeadline?.getTime()) {
      await this.timeline.setStallDeadline(tx.manager, command.orderId, deadline);
    }
    if (command.stage === ReactivationStalled.type) {
      await this.timeline.markStalled(
        tx.manager,
        command.orderId,
        (command.data as ReactivationStalled).stage,
      );
    }
  }
}
