import { preparedStatement, runPrepared } from '@app/messaging';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ReactivationEntity } from './reactivation.entity';
import { StageEffect } from './saga-status';
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

/** A stage to record, with where it puts its saga and its stall deadline if it becomes progress. */
export interface StageToRecord {
  stage: RecordedStage;
  effect: StageEffect;
  deadlineIfProgress: Date | null;
}

export interface RecordedStage {
  orderId: string;
  accountId: string;
  eventId: string;
  stage: string;
  at: Date;
  details: Record<string, unknown>;
}

/** Of `input`'s stages, those new to their timelines are written; their orders are `recorded`. */
const RECORD_NEW_STAGES = `recorded AS (
     INSERT INTO timeline_stages (order_id, event_id, stage, at, details)
     SELECT order_id, event_id, stage, at, details FROM input ORDER BY n
     ON CONFLICT (order_id, event_id) DO NOTHING
     RETURNING order_id
   )`;

// "previous" reads the summaries as they were before this statement (same snapshot).
const RECORD_MOVING_STAGES = preparedStatement(
  `WITH input AS (
     SELECT i.*, $6::jsonb -> (i.n::int - 1) AS details
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[],
                   $7::text[], $8::int[], $9::timestamptz[], $10::timestamptz[],
                   $11::timestamptz[])
         WITH ORDINALITY AS i(order_id, account_id, event_id, stage, at, status, rank,
                              window_ends_at, review_deadline, stall_deadline, n)
   ),
   ${RECORD_NEW_STAGES},
   previous AS (
     SELECT order_id, progress_at FROM reactivations
      WHERE order_id IN (SELECT order_id FROM input)
   )
   INSERT INTO reactivations AS r
     (order_id, account_id, status, progress_rank, progress_stage, progress_at,
      window_ends_at, review_deadline, stall_deadline, updated_at)
   SELECT i.order_id, i.account_id, i.status, i.rank, i.stage, i.at,
          i.window_ends_at, i.review_deadline, i.stall_deadline, $12::timestamptz
     FROM input i JOIN recorded USING (order_id)
    ORDER BY i.n
   ON CONFLICT (order_id) DO UPDATE SET
     status = CASE WHEN EXCLUDED.progress_rank > r.progress_rank THEN EXCLUDED.status ELSE r.status END,
     progress_stage = CASE WHEN EXCLUDED.progress_rank > r.progress_rank THEN EXCLUDED.progress_stage ELSE r.progress_stage END,
     progress_at = CASE WHEN EXCLUDED.progress_rank > r.progress_rank THEN EXCLUDED.progress_at ELSE r.progress_at END,
     stall_deadline = CASE WHEN EXCLUDED.progress_rank > r.progress_rank THEN EXCLUDED.stall_deadline ELSE r.stall_deadline END,
     progress_rank = GREATEST(r.progress_rank, EXCLUDED.progress_rank),
     window_ends_at = COALESCE(r.window_ends_at, EXCLUDED.window_ends_at),
     review_deadline = COALESCE(EXCLUDED.review_deadline, r.review_deadline),
     updated_at = EXCLUDED.updated_at
   RETURNING r.order_id, r.progress_stage, r.progress_at, r.window_ends_at, r.review_deadline,
             r.stall_deadline,
             (SELECT p.progress_at FROM previous p WHERE p.order_id = r.order_id)
               AS previous_progress_at`,
);

const RECORD_SIDE_STAGES = preparedStatement(
  `WITH input AS (
     SELECT i.*, $6::jsonb -> (i.n::int - 1) AS details
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $7::text[])
         WITH ORDINALITY AS i(order_id, account_id, event_id, stage, at, status, n)
   ),
   ${RECORD_NEW_STAGES},
   summary AS (
     INSERT INTO reactivations (order_id, account_id, status, progress_rank, updated_at)
     SELECT i.order_id, i.account_id, i.status, 0, $8::timestamptz
       FROM input i JOIN recorded USING (order_id) ORDER BY i.n
     ON CONFLICT (order_id) DO NOTHING
   )
   SELECT order_id FROM recorded`,
);

/**
 * The parameters $1–$7 of `input` in both statements: the stages themselves and their status.
 * The details go as one JSON array ($6, the n-th stage's at index n - 1): a text[] of JSON
 * documents was escaped quote by quote into an array literal (node-postgres) and parsed twice
 * (the array, then each document), the largest share of this service's allocations.
 */
function stageColumns(stages: StageToRecord[]): unknown[] {
  return [
    stages.map((s) => s.stage.orderId),
    stages.map((s) => s.stage.accountId),
    stages.map((s) => s.stage.eventId),
    stages.map((s) => s.stage.stage),
    stages.map((s) => s.stage.at),
    JSON.stringify(stages.map((s) => s.stage.details)),
    stages.map((s) => s.effect.status),
  ];
}

/** Orders' timelines and the summary of where each saga stands. */
@Injectable()
export class TimelineRepository {
  /**
   * Records stages in their orders' timelines, once per (order, event id), and merges the new ones
   * into their orders' summaries, with one statement per table whatever their number: the rows
   * are written in order id order (the lock order every writer of these tables follows). At most
   * one stage per order: the caller splits a list that names an order twice (see
   * RecordStagesUsecase).
   *
   * A stage that moves the saga (rank > 0) merges: the furthest stage wins (so events arriving
   * out of order across topics cannot move a saga backwards), facts are kept once known, and when
   * the stage becomes the saga's progress its stall deadline is `deadlineIfProgress` (the deadline
   * the rules give from the stage's own facts; the caller checks it against the merged facts).
   * A stage that does not (rank 0: our own notifications, a refunded extra payment) only creates
   * the summary when the order has none: an existing one is left alone (and unlocked, which keeps
   * a transaction recording many orders' emails out of lock cycles with the handlers moving those
   * sagas).
   *
   * Returns the merged progress of each order whose moving stage was new (recorded already: a
   * redelivery, a replay, a retried transaction; absent), and the orders whose side stage was new.
   */
  async recordMany(
    manager: EntityManager,
    stages: StageToRecord[],
    now: Date,
  ): Promise<{ progress: Map<string, MergedProgress>; sideRecorded: Set<string> }> {
    const sorted = [...stages].sort((a, b) => (a.stage.orderId < b.stage.orderId ? -1 : 1));
    const moving = sorted.filter((s) => s.effect.rank > 0);
    const side = sorted.filter((s) => s.effect.rank === 0);
    const progress = new Map<string, MergedProgress>();
    const sideRecorded = new Set<string>();
    if (moving.length > 0) {
      const rows: (MergedProgressRow & { order_id: string })[] = await runPrepared(
        manager,
        RECORD_MOVING_STAGES,
        [
          ...stageColumns(moving),
          moving.map((s) => s.effect.rank),
          moving.map((s) => s.effect.windowEndsAt ?? null),
          moving.map((s) => s.effect.reviewDeadline ?? null),
          moving.map((s) => s.deadlineIfProgress),
          now,
        ],
      );
      for (const row of rows) {
        progress.set(row.order_id, {
          progressStage: row.progress_stage,
          progressAt: row.progress_at,
          windowEndsAt: row.window_ends_at,
          reviewDeadline: row.review_deadline,
          stallDeadline: row.stall_deadline,
          previousProgressAt: row.previous_progress_at,
        });
      }
    }
    if (side.length > 0) {
      const rows: { order_id: string }[] = await runPrepared(manager, RECORD_SIDE_STAGES, [
        ...stageColumns(side),
        now,
      ]);
      for (const row of rows) sideRecorded.add(row.order_id);
    }
    return { progress, sideRecorded };
  }

  /** Sets the stall deadlines of these orders, one statement. */
  async setStallDeadlines(
    manager: EntityManager,
    deadlines: { orderId: string; deadline: Date | null }[],
  ): Promise<void> {
    if (deadlines.length === 0) return;
    const sorted = [...deadlines].sort((a, b) => (a.orderId < b.orderId ? -1 : 1));
    await manager.query(
      `UPDATE reactivations r SET stall_deadline = d.deadline
         FROM unnest($1::text[], $2::timestamptz[]) AS d(order_id, deadline)
        WHERE r.order_id = d.order_id`,
      [sorted.map((d) => d.orderId), sorted.map((d) => d.deadline)],
    );
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
