import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ReactivationEntity } from './reactivation.entity';
import { TimelineStageEntity } from './timeline-stage.entity';
import { TimelineRepository } from './timeline.repository';

/**
 * Orders' timelines as the read side and the stall deadlines see them: where each saga stands,
 * its stages, and the escalation of a saga overdue at its stage. (Stages are recorded through
 * RecordStagesUsecase.)
 */
@Injectable()
export class TimelinePort {
  constructor(private readonly timeline: TimelineRepository) {}

  /** Where the order's saga stands, or null when no event of it was seen. */
  sagaOf(manager: EntityManager, orderId: string): Promise<ReactivationEntity | null> {
    return this.timeline.find(manager, orderId);
  }

  /** The order's stages, in the order they happened. */
  stagesOf(manager: EntityManager, orderId: string): Promise<TimelineStageEntity[]> {
    return this.timeline.stages(manager, orderId);
  }

  /** Sagas past their stall deadline and not yet reported stalled at their current stage. */
  overdueSagas(manager: EntityManager, now: Date, limit: number): Promise<ReactivationEntity[]> {
    return this.timeline.overdue(manager, now, limit);
  }

  /** Where the order's saga stands, locked until the transaction ends. */
  lockSaga(manager: EntityManager, orderId: string): Promise<ReactivationEntity | null> {
    return this.timeline.findForUpdate(manager, orderId);
  }

  /** Records the stage the saga was reported stalled at. */
  markStalled(manager: EntityManager, orderId: string, stage: string): Promise<void> {
    return this.timeline.markStalled(manager, orderId, stage);
  }
}
