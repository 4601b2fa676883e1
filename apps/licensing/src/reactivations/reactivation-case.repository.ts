import { ReasonCode } from '@app/contracts';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { affected, preparedStatement, returned, runPrepared } from '@app/platform';
import { ReactivationCaseEntity, ReactivationCaseState } from './reactivation-case.entity';

export interface CaseOutcome {
  state: 'RESTORED' | 'FAILED';
  reasons: ReasonCode[];
  resuspendedLicenseIds: string[];
  clearedHoldIds: string[];
  /** Kept on the case when given (why it failed); else the case's note stays. */
  note: string | null;
  completedAt: Date;
}

/** Reactivation cases (one per order). Every method takes the caller's EntityManager. */
@Injectable()
export class ReactivationCaseRepository {
  /** Inserts the case unless the order already has one; true when it is new. */
  async insertIfNew(
    manager: EntityManager,
    reactivation: ReactivationCaseEntity,
  ): Promise<boolean> {
    const rows: unknown[] = await runPrepared(manager, INSERT_CASE_IF_NEW, [
      reactivation.orderId,
      reactivation.accountId,
      JSON.stringify(reactivation.licenseIds),
      JSON.stringify(reactivation.holdIds),
      reactivation.windowStartsAt,
      reactivation.windowEndsAt,
      reactivation.state,
      reactivation.scheduledFor,
      reactivation.windowMissed,
      JSON.stringify(reactivation.reasons),
      JSON.stringify(reactivation.resuspendedLicenseIds),
      JSON.stringify(reactivation.clearedHoldIds),
      reactivation.note,
      reactivation.verifiedAt,
      reactivation.createdAt,
      reactivation.completedAt,
    ]);
    return rows.length === 1;
  }

  async find(manager: EntityManager, orderId: string): Promise<ReactivationCaseEntity | null> {
    const rows: CaseRow[] = await runPrepared(manager, FIND_CASE, [orderId]);
    return rows.length === 1 ? toCase(rows[0]) : null;
  }

  /** Orders whose scheduled activation is due, oldest first. */
  async findDue(manager: EntityManager, now: Date, limit: number): Promise<string[]> {
    const rows: { order_id: string }[] = await manager.query(
      `SELECT order_id FROM reactivation_cases
       WHERE state = 'SCHEDULED' AND scheduled_for <= $1
       ORDER BY scheduled_for, order_id LIMIT $2`,
      [now, limit],
    );
    return rows.map((row) => row.order_id);
  }

  /**
   * SCHEDULED → ACTIVATING, once: of two sweepers (or a sweep and a restart) only one gets the
   * row. Notes whether the change window had already ended.
   */
  async claimScheduled(manager: EntityManager, orderId: string, now: Date): Promise<boolean> {
    const result = await manager.query<unknown>(
      `UPDATE reactivation_cases
       SET state = 'ACTIVATING',
           window_missed = (window_ends_at IS NOT NULL AND window_ends_at <= $2),
           note = CASE WHEN window_ends_at IS NOT NULL AND window_ends_at <= $2
                  THEN 'the change window had ended when the activation ran; activated at once because the order was paid'
                  ELSE note END
       WHERE order_id = $1 AND state = 'SCHEDULED' AND scheduled_for <= $2`,
      [orderId, now],
    );
    return affected(result) === 1;
  }

  /** ACTIVATING → RESTORED | FAILED; false when the case was not being activated. */
  async complete(manager: EntityManager, orderId: string, outcome: CaseOutcome): Promise<boolean> {
    const result = await runPrepared<unknown>(manager, COMPLETE_CASE, [
      orderId,
      outcome.state,
      JSON.stringify(outcome.reasons),
      JSON.stringify(outcome.resuspendedLicenseIds),
      JSON.stringify(outcome.clearedHoldIds),
      outcome.completedAt,
      outcome.note?.slice(0, 2000) ?? null,
    ]);
    return affected(result) === 1;
  }

  /**
   * SCHEDULED → FAILED with the reasons, after its activation failed with an error of its own;
   * null when the case was not SCHEDULED.
   */
  async failScheduled(
    manager: EntityManager,
    orderId: string,
    reasons: ReasonCode[],
    note: string,
    now: Date,
  ): Promise<{ accountId: string } | null> {
    const rows = returned<{ account_id: string }>(
      await manager.query(
        `UPDATE reactivation_cases SET state = 'FAILED', reasons = $2::jsonb, note = $3,
                completed_at = $4
         WHERE order_id = $1 AND state = 'SCHEDULED' RETURNING account_id`,
        [orderId, JSON.stringify(reasons), note.slice(0, 2000), now],
      ),
    );
    return rows.length === 1 ? { accountId: rows[0].account_id } : null;
  }
}

/** A reactivation_cases row as node-postgres returns it. */
interface CaseRow {
  order_id: string;
  account_id: string;
  license_ids: string[];
  hold_ids: string[];
  window_starts_at: Date | null;
  window_ends_at: Date | null;
  state: ReactivationCaseState;
  scheduled_for: Date | null;
  window_missed: boolean;
  reasons: ReasonCode[];
  resuspended_license_ids: string[];
  cleared_hold_ids: string[];
  note: string | null;
  verified_at: Date;
  created_at: Date;
  completed_at: Date | null;
}

function toCase(row: CaseRow): ReactivationCaseEntity {
  return {
    orderId: row.order_id,
    accountId: row.account_id,
    licenseIds: row.license_ids,
    holdIds: row.hold_ids,
    windowStartsAt: row.window_starts_at,
    windowEndsAt: row.window_ends_at,
    state: row.state,
    scheduledFor: row.scheduled_for,
    windowMissed: row.window_missed,
    reasons: row.reasons,
    resuspendedLicenseIds: row.resuspended_license_ids,
    clearedHoldIds: row.cleared_hold_ids,
    note: row.note,
    verifiedAt: row.verified_at,
    createdAt: row.created_at,
    completedAt: row.completed_at,
  };
}

const INSERT_CASE_IF_NEW = preparedStatement(
  `INSERT INTO reactivation_cases (order_id, account_id, license_ids, hold_ids, window_starts_at,
                                   window_ends_at, state, scheduled_for, window_missed, reasons,
                                   resuspended_license_ids, cleared_hold_ids, note, verified_at,
                                   created_at, completed_at)
   VALUES ($1, $2, $3::jsonb, $4::jsonb, $5, $6, $7, $8, $9, $10::jsonb, $11::jsonb, $12::jsonb,
           $13, $14, $15, $16)
   ON CONFLICT DO NOTHING
   RETURNING order_id`,
);

const FIND_CASE = preparedStatement(
  `SELECT order_id, account_id, license_ids, hold_ids, window_starts_at, window_ends_at, state,
        scheduled_for, window_missed, reasons, resuspended_license_ids, cleared_hold_ids, note,
        verified_at, created_at, completed_at
   FROM reactivation_cases WHERE order_id = $1`,
);

const COMPLETE_CASE = preparedStatement(
  `UPDATE reactivation_cases
   SET state = $2, reasons = $3::jsonb, resuspended_license_ids = $4::jsonb,
       cleared_hold_ids = $5::jsonb, completed_at = $6, note = COALESCE($7::text, note)
   WHERE order_id = $1 AND state = 'ACTIVATING'`,
);
