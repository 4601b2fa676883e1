import { CloudEvent, ReactivationStalled } from '@app/contracts';
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

/**
 * The stage a saga event makes in its order's timeline: the same whether the event was consumed or
 * published by this service (its id keeps recording it idempotent).
 */
export function stageOf(
  event: CloudEvent<{ orderId: string; accountId: string }>,
): RecordStageCommand {
  return {
    orderId: event.data.orderId,
    accountId: event.data.accountId,
    eventId: event.id,
    stage: event.type as TimelineEventType,
    at: new Date(event.time),
    data: event.data,
  };
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
    const effect = stageEffect(command.stage, command.data);
    if (effect.rank === 0) {
      // The saga does not move: no progress, deadline or stage duration to update.
      const recorded = await this.timeline.recordSideStage(
        tx.manager,
        stage,
        effect.status,
        tx.now,
      );
      // ReactivationStalled: the saga shows STALLED while it stays at the stalled stage.
      if (recorded && command.stage === ReactivationStalled.type) {
        await this.timeline.markStalled(
          tx.manager,
          command.orderId,
          (command.data as ReactivationStalled).stage,
        );
      }
      return;
    }
    // The deadline if this stage becomes the saga's progress, from its own facts: right unless
    // the rule reads a fact only an earlier event brought (a change window), checked below.
    const deadlineIfProgress = stallDeadline(
      {
        progressStage: stage.stage,
        progressAt: stage.at,
        windowEndsAt: effect.windowEndsAt ? new Date(effect.windowEndsAt) : null,
        reviewDeadline: effect.reviewDeadline ? new Date(effect.reviewDeadline) : null,
      },
      this.allowances,
    );
    const progress = await this.timeline.record(
      tx.manager,
      stage,
      effect,
      deadlineIfProgress,
      tx.now,
    );
    // Recorded already (a redelivery, a replay, a retried transaction): nothing changes.
    if (!progress) return;
    const advanced =
      progress.progressStage === stage.stage &&
      progress.progressAt?.getTime() === stage.at.getTime();
    if (advanced && progress.previousProgressAt) {
      const waited = (stage.at.getTime() - progress.previousProgressAt.getTime()) / 1000;
      this.metrics.stageDuration.observe({ stage: stage.stage }, Math.max(0, waited));
    }
    // The rules applied to the merged summary decide; rarely differs from what was stored.
    const deadline = stallDeadline(progress, this.allowances);
    if (deadline?.getTime() !== progress.stallDeadline?.getTime()) {
      await this.timeline.setStallDeadline(tx.manager, command.orderId, deadline);
    }
  }
}
