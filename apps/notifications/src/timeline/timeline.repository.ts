import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ReactivationEntity } from './reactivation.entity';
import { SagaStatus, StageEffect } from './saga-status';
import { TimelineStageEntity } from './timeline-stage.entity';

export interface MergedProgress {
  progressStage: string | null;
  progressAt: Date | null;
  windowEndsAt: Date | null;
  reviewDeadline: Date | null;
  stallDeadline: Date | null;
  /** When the saga had reached its previous furthest stage (before this event). */
  previousProgressAt: Date | null;
}

interface MergedProgressRow {
  previous_progress_at: Date | null;
  progress_stage: string | null;
  progress_at: Date | null;
  window_ends_at: Date | null;
  review_deadline: Date | null;
  stall_deadline: Date | null;
}

export interface RecordedStage {
  orderId: string;
  accountId: string;
  eventId: string;
  stage: string;
  at: Date;
  details: Record<string, unknown>;
}

/** Orders' timelines and the summary of where each saga stands. */
@Injectable()
export class TimelineRepository {
  /**
   * Records a stage that moves the saga (rank > 0; see recordSideStage for the others) once per
   * (order, event id) and, only when it is new, merges it into the order's summary, in one statement. The furthest stage wins (so events arriving out of order across
   * topics cannot move a saga backwards), facts are kept once known. When the stage becomes the
   * saga's progress, its stall deadline is set to `deadlineIfProgress` (the deadline the rules give
   * from the stage's own facts); the caller checks it against the merged facts (see
   * RecordStageUsecase). Returns the merged progress, or null when the stage was recorded already.
   */
  async record(
    manager: EntityManager,
    stage: RecordedStage,
    effect: StageEffect,
    deadlineIfProgress: Date | null,
    now: Date,
  ): Promise<MergedProgress | null> {
    const progressed = effect.rank > 0;
    const rows: MergedProgressRow[] = await manager.query(
      // The CTE "previous" reads the row as it was before this statement (same snapshot).
      `WITH recorded AS (
         INSERT INTO timeline_stages (order_id, event_id, stage, at, details)
         VALUES ($1, $3, $4, $5, $6::jsonb)
         ON CONFLICT (order_id, event_id) DO NOTHING
         RETURNING order_id
       ),
       previous AS (SELECT progress_at FROM reactivations WHERE order_id = $1)
       INSERT INTO reactivations AS r
         (order_id, account_id, status, progress_rank, progress_stage, progress_at,
          window_ends_at, review_deadline, stall_deadline, updated_at)
       SELECT $1::text, $2::text, $7::text, $8::int, $9::text, $10::timestamptz,
              $11::timestamptz, $12::timestamptz, $13::timestamptz, $14::timestamptz
         FROM recorded
       ON CONFLICT (order_id) DO UPDATE SET
         status = CASE WHEN EXCLUDED.progress_rank > r.progress_rank THEN EXCLUDED.status ELSE r.status END,
         progress_stage = CASE WHEN EXCLUDED.progress_rank > r.progress_rank THEN EXCLUDED.progress_stage ELSE r.progress_stage END,
         progress_at = CASE WHEN EXCLUDED.progress_rank > r.progress_rank THEN EXCLUDED.progress_at ELSE r.progress_at END,
         stall_deadline = CASE WHEN EXCLUDED.progress_rank > r.progress_rank THEN EXCLUDED.stall_deadline ELSE r.stall_deadline END,
         progress_rank = GREATEST(r.progress_rank, EXCLUDED.progress_rank),
         window_ends_at = COALESCE(r.window_ends_at, EXCLUDED.window_ends_at),
         review_deadline = COALESCE(EXCLUDED.review_deadline, r.review_deadline),
         updated_at = EXCLUDED.updated_at
       RETURNING progress_stage, progress_at, window_ends_at, review_deadline, stall_deadline,
                 (SELECT progress_at FROM previous) AS previous_progress_at`,
      [
        stage.orderId,
        stage.accountId,
        stage.eventId,
        stage.stage,
        stage.at,
        JSON.stringify(stage.details),
        effect.status,
        effect.rank,
        progressed ? stage.stage : null,
        progressed ? stage.at : null,
        effect.windowEndsAt ?? null,
        effect.reviewDeadline ?? null,
        progressed ? deadlineIfProgress : null,
        now,
      ],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      progressStage: row.progress_stage,
      progressAt: row.progress_at,
      windowEndsAt: row.window_ends_at,
      reviewDeadline: row.review_deadline,
      stallDeadline: row.stall_deadline,
      previousProgressAt: row.previous_progress_at,
    };
  }

  /**
   * Records a stage that does not move the saga (rank 0: our own notifications, a refunded extra
   * payment) once per (order, event id), creating the order's summary if it has none. An existing
   * summary is left alone: merging such a stage would change nothing but its updated_at, and not
   * locking it keeps a transaction recording many orders' emails out of lock cycles with the
   * handlers moving those sagas. False when the stage was recorded already.
   */
  async recordSideStage(
    manager: EntityManager,
    stage: RecordedStage,
    status: SagaStatus,
    now: Date,
  ): Promise<boolean> {
    const rows: { recorded: number }[] = await manager.query(
      `WITH recorded AS (
         INSERT INTO timeline_stages (order_id, event_id, stage, at, details)
         VALUES ($1, $3, $4, $5, $6::jsonb)
         ON CONFLICT (order_id, event_id) DO NOTHING
         RETURNING order_id
       ),
       summary AS (
         INSERT INTO reactivations (order_id, account_id, status, progress_rank, updated_at)
         SELECT $1::text, $2::text, $7::text, 0, $8::timestamptz FROM recorded
         ON CONFLICT (order_id) DO NOTHING
       )
       SELECT count(*)::int AS recorded FROM recorded`,
      [
        stage.orderId,
        stage.accountId,
        stage.eventId,
        stage.stage,
        stage.at,
        JSON.stringify(stage.details),
        status,
        now,
      ],
    );
    return rows[0].recorded > 0;
  }

  async setStallDeadline(
    manager: EntityManager,
    orderId: string,
    deadline: Date | null,
  ): Promise<void> {
    await manager.query(`UPDATE reactivations SET stall_deadline = $2 WHERE order_id = $1`, [
      orderId,
      deadline,
    ]);
  }

  async markStalled(manager: EntityManager, orderId: string, stage: string): Promise<void> {
    await manager.query(`UPDATE reactivations SET stalled_stage = $2 WHERE order_id = $1`, [
      orderId,
      stage,
    ]);
  }

  async findForUpdate(manager: EntityManager, orderId: string): Promise<ReactivationEntity | null> {
    return manager
      .createQueryBuilder(ReactivationEntity, 'r')
      .setLock('pessimistic_write')
      .where('r.order_id = :orderId', { orderId })
      .getOne();
  }

  async find(manager: EntityManager, orderId: string): Promise<ReactivationEntity | null> {
    return manager.findOneBy(ReactivationEntity, { orderId });
  }

  async stages(manager: EntityManager, orderId: string): Promise<TimelineStageEntity[]> {
    return manager.find(TimelineStageEntity, {
      where: { orderId },
      order: { at: 'ASC', id: 'ASC' },
    });
  }

  /** Sagas past their stall deadline and not yet reported stalled at their current stage. */
  async overdue(manager: EntityManager, now: Date, limit: number): Promise<ReactivationEntity[]> {
    return manager
      .createQueryBuilder(ReactivationEntity, 'r')
      .where('r.stall_deadline <= :now', { now })
      .andWhere(`r.status NOT IN ('FULFILLED', 'REFUNDED')`)
      .andWhere('r.stalled_stage IS DISTINCT FROM r.progress_stage')
      .orderBy('r.stall_deadline', 'ASC')
      .limit(limit)
      .getMany();
  }
}
