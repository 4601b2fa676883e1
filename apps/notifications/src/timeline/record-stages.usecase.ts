import { CloudEvent, ReactivationStalled } from '@app/contracts';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { NotificationsEnvironment } from '../notifications.config';
import { NotificationsMetrics } from '../notifications.metrics';
import { stageDetails, stageEffect, TimelineEventType } from './saga-status';
import { stallAllowancesFrom } from './stall-allowances';
import { StallAllowances, stallDeadline } from './stall-rules';
import { StageToRecord, TimelineRepository } from './timeline.repository';

export interface RecordStageCommand {
  orderId: string;
  accountId: string;
  eventId: string;
  stage: TimelineEventType;
  at: Date;
  data: object;
}

/** Where stages are recorded: a transaction's manager and its one clock reading. */
export interface RecordingScope {
  manager: EntityManager;
  now: Date;
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

/**
 * Splits stages into rounds naming each order at most once, in their order: one statement per
 * table and round (nearly always a single round).
 */
export function roundsOfDistinctOrders<T extends { orderId: string }>(items: T[]): T[][] {
  const rounds: T[][] = [];
  const seen = new Map<string, number>();
  for (const item of items) {
    const round = seen.get(item.orderId) ?? 0;
    seen.set(item.orderId, round + 1);
    (rounds[round] ??= []).push(item);
  }
  return rounds;
}

/**
 * Records saga events in their orders' timelines (once each) and moves the orders' summaries
 * forward, with a few statements whatever the number of events.
 */
@Injectable()
export class RecordStagesUsecase {
  private readonly allowances: StallAllowances;

  constructor(
    private readonly timeline: TimelineRepository,
    private readonly metrics: NotificationsMetrics,
    env: NotificationsEnvironment,
  ) {
    this.allowances = stallAllowancesFrom(env);
  }

  async execute(commands: RecordStageCommand[], scope: RecordingScope): Promise<void> {
    for (const round of roundsOfDistinctOrders(commands)) await this.recordRound(round, scope);
  }

  private async recordRound(commands: RecordStageCommand[], scope: RecordingScope): Promise<void> {
    const stages = commands.map((command): StageToRecord => {
      const effect = stageEffect(command.stage, command.data);
      const stage = {
        orderId: command.orderId,
        accountId: command.accountId,
        eventId: command.eventId,
        stage: command.stage,
        at: command.at,
        details: stageDetails(command.data),
      };
      // The deadline if this stage becomes the saga's progress, from its own facts: right unless
      // the rule reads a fact only an earlier event brought (a change window), checked below.
      const deadlineIfProgress =
        effect.rank > 0
          ? stallDeadline(
              {
                progressStage: stage.stage,
                progressAt: stage.at,
                windowEndsAt: effect.windowEndsAt ? new Date(effect.windowEndsAt) : null,
                reviewDeadline: effect.reviewDeadline ? new Date(effect.reviewDeadline) : null,
              },
              this.allowances,
            )
          : null;
      return { stage, effect, deadlineIfProgress };
    });
    const { progress, sideRecorded } = await this.timeline.recordMany(
      scope.manager,
      stages,
      scope.now,
    );
    // ReactivationStalled: the saga shows STALLED while it stays at the stalled stage.
    for (const command of commands) {
      if (command.stage === ReactivationStalled.type && sideRecorded.has(command.orderId)) {
        await this.timeline.markStalled(
          scope.manager,
          command.orderId,
          (command.data as ReactivationStalled).stage,
        );
      }
    }
    const corrections: { orderId: string; deadline: Date | null }[] = [];
    for (const { stage } of stages) {
      // Recorded already (a redelivery, a replay, a retried transaction): nothing changes.
      const merged = progress.get(stage.orderId);
      if (!merged) continue;
      const advanced =
        merged.progressStage === stage.stage && merged.progressAt?.getTime() === stage.at.getTime();
      if (advanced && merged.previousProgressAt) {
        const waited = (stage.at.getTime() - merged.previousProgressAt.getTime()) / 1000;
        this.metrics.stageDuration.observe({ stage: stage.stage }, Math.max(0, waited));
      }
      // The rules applied to the merged summary decide; rarely differs from what was stored.
      const deadline = stallDeadline(merged, this.allowances);
      if (deadline?.getTime() !== merged.stallDeadline?.getTime())
        corrections.push({ orderId: stage.orderId, deadline });
    }
    await this.timeline.setStallDeadlines(scope.manager, corrections);
  }
}
