import { preparedStatement, runPrepared } from '@app/messaging';
import { ReasonCode } from '@app/contracts';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { affected, returned } from '@app/platform';
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
  /**
   * Inserts each case unless its order already has one (one statement for all); returns the
   * order ids of those that are new.
   */
  async insertAllIfNew(
    manager: EntityManager,
    cases: ReactivationCaseEntity[],
  ): Promise<Set<string>> {
    const column = <T>(of: (c: ReactivationCaseEntity) => T): T[] => cases.map(of);
    const json = (of: (c: ReactivationCaseEntity) => unknown) =>
      column((c) => JSON.stringify(of(c)));
    const rows: { order_id: string }[] = await runPrepared(manager, INSERT_CASES_IF_NEW, [
      column((c) => c.orderId),
      column((c) => c.accountId),
      json((c) => c.licenseIds),
      json((c) => c.holdIds),
      column((c) => c.windowStartsAt),
      column((c) => c.windowEndsAt),
      column((c) => c.state),
      column((c) => c.scheduledFor),
      column((c) => c.windowMissed),
      json((c) => c.reasons),
      json((c) => c.resuspendedLicenseIds),
      json((c) => c.clearedHoldIds),
      column((c) => c.note),
      column((c) => c.verifiedAt),
      column((c) => c.createdAt),
      column((c) => c.completedAt),
    ]);
    return new Set(rows.map((row) => row.order_id));
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

  /**
   * ACTIVATING → RESTORED | FAILED, each case with its outcome (one statement for all); returns
   * the order ids of the cases it completed (one that was not being activated is left out).
   */
  async completeAll(
    manager: EntityManager,
    outcomes: { orderId: string; outcome: CaseOutcome }[],
  ): Promise<Set<string>> {
    const column = <T>(of: (o: CaseOutcome) => T): T[] =>
      outcomes.map(({ outcome }) => of(outcome));
    const rows = returned<{ order_id: string }>(
      await runPrepared(manager, COMPLETE_CASES, [
        outcomes.map(({ orderId }) => orderId),
        column((o) => o.state),
        column((o) => JSON.stringify(o.reasons)),
        column((o) => JSON.stringify(o.resuspendedLicenseIds)),
        column((o) => JSON.stringify(o.clearedHoldIds)),
        column((o) => o.completedAt),
        column((o) => o.note?.slice(0, 2000) ?? null),
      ]),
    );
    return new Set(rows.map((row) => row.order_id));
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

const INSERT_CASES_IF_NEW = preparedStatement(
  `INSERT INTO reactivation_cases (order_id, account_id, license_ids, hold_ids, window_starts_at,
                                   window_ends_at, state, scheduled_for, window_missed, reasons,
                                   resuspended_license_ids, cleared_hold_ids, note, verified_at,
                                   created_at, completed_at)
   SELECT order_id, account_id, license_ids::jsonb, hold_ids::jsonb, window_starts_at,
          window_ends_at, state, scheduled_for, window_missed, reasons::jsonb,
          resuspended_license_ids::jsonb, cleared_hold_ids::jsonb, note, verified_at, created_at,
          completed_at
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[],
                 $6::timestamptz[], $7::text[], $8::timestamptz[], $9::boolean[], $10::text[],
                 $11::text[], $12::text[], $13::text[], $14::timestamptz[], $15::timestamptz[],
                 $16::timestamptz[])
          AS c(order_id, account_id, license_ids, hold_ids, window_starts_at, window_ends_at,
               state, scheduled_for, window_missed, reasons, resuspended_license_ids,
               cleared_hold_ids, note, verified_at, created_at, completed_at)
   ON CONFLICT DO NOTHING
   RETURNING order_id`,
);

const FIND_CASE = preparedStatement(
  `SELECT order_id, account_id, license_ids, hold_ids, window_starts_at, window_ends_at, state,
        scheduled_for, window_missed, reasons, resuspended_license_ids, cleared_hold_ids, note,
        verified_at, created_at, completed_at
   FROM reactivation_cases WHERE order_id = $1`,
);

const COMPLETE_CASES = preparedStatement(
  `UPDATE reactivation_cases r
   SET state = o.state, reasons = o.reasons::jsonb,
       resuspended_license_ids = o.resuspended_license_ids::jsonb,
       cleared_hold_ids = o.cleared_hold_ids::jsonb, completed_at = o.completed_at,
       note = COALESCE(o.note, r.note)
   FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[],
               $7::text[])
        AS o(order_id, state, reasons, resuspended_license_ids, cleared_hold_ids, completed_at,
             note)
   WHERE r.order_id = o.order_id AND r.state = 'ACTIVATING'
   RETURNING r.order_id`,
);
