import { ReasonCode } from '@app/contracts';
import { preparedStatement, runPrepared, TransientError } from '@app/messaging';
import { returned } from '@app/platform';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CaseDecision } from '../reviews/reviewed-cases';
import {
  CaseChangeWindow,
  CaseOutcome,
  CaseState,
  EligibilityCaseEntity,
} from './eligibility-case.entity';

const OPEN_CASE_INDEX = 'eligibility_cases_one_open_per_account';

function violates(error: unknown, constraint: string): boolean {
  const e = error as { code?: unknown; constraint?: unknown } | null;
  return e?.code === '23505' && e.constraint === constraint;
}

/**
 * Another instance opened a case for the account meanwhile (a rebalance): retrying re-runs the
 * rules, which then see that case (REACTIVATION_IN_PROGRESS).
 */
function openedConcurrently(accountId: string): (error: unknown) => never {
  return (error: unknown) => {
    if (violates(error, OPEN_CASE_INDEX)) {
      throw new TransientError(`account ${accountId} got an open case concurrently`);
    }
    throw error;
  };
}

/** Eligibility cases. Methods take the transaction's manager. */
@Injectable()
export class CaseRepository {
  async findByOrderId(
    manager: EntityManager,
    orderId: string,
  ): Promise<EligibilityCaseEntity | null> {
    const rows: CaseRow[] = await manager.query(
      `SELECT ${CASE_COLUMNS} FROM eligibility_cases WHERE order_id = $1`,
      [orderId],
    );
    return rows.length === 1 ? toCase(rows[0]) : null;
  }

  /**
   * What checking an order needs from the cases, in one statement: the order's own case, and
   * whether another case of the account is open (a case awaiting its account is undecided: it
   * reserves nothing). The one-open-case index holds the rule should another one open meanwhile.
   */
  async findForCheck(
    manager: EntityManager,
    orderId: string,
    accountId: string,
  ): Promise<{ existing: EligibilityCaseEntity | null; hasOtherOpenCase: boolean }> {
    const found = await this.findForCheckAll(manager, [{ orderId, accountId }]);
    return found.get(orderId)!;
  }

  /**
   * For each order (of distinct accounts), in one statement: its own case if it has one, and
   * whether its account has another open case (one awaiting its account does not count).
   */
  async findForCheckAll(
    manager: EntityManager,
    orders: { orderId: string; accountId: string }[],
  ): Promise<Map<string, { existing: EligibilityCaseEntity | null; hasOtherOpenCase: boolean }>> {
    const rows: CaseRow[] = await runPrepared(manager, FIND_FOR_CHECK_ALL, [
      orders.map((o) => o.orderId),
      orders.map((o) => o.accountId),
    ]);
    // Indexed once: a chunk's orders are looked up without scanning every row for each.
    const byOrder = new Map(rows.map((row) => [row.order_id, row]));
    const openOrdersByAccount = new Map<string, string[]>();
    for (const row of rows) {
      if (row.closed_at !== null || row.state === 'AWAITING_ACCOUNT') continue;
      const open = openOrdersByAccount.get(row.account_id) ?? [];
      open.push(row.order_id);
      openOrdersByAccount.set(row.account_id, open);
    }
    return new Map(
      orders.map(({ orderId, accountId }) => {
        const own = byOrder.get(orderId);
        const open = openOrdersByAccount.get(accountId) ?? [];
        return [
          orderId,
          {
            existing: own ? toCase(own) : null,
            hasOtherOpenCase: open.some((other) => other !== orderId),
          },
        ];
      }),
    );
  }

  /**
   * Inserts new cases of distinct accounts in one statement; returns the order ids of those
   * inserted (an order that already has a case is left out: the same OrderPaid, re-published).
   */
  async insertAllIfAbsent(
    manager: EntityManager,
    cases: EligibilityCaseEntity[],
  ): Promise<Set<string>> {
    const column = <T>(of: (c: EligibilityCaseEntity) => T): T[] => cases.map(of);
    const inserted = await runPrepared<{ order_id: string }[]>(manager, INSERT_CASES_IF_ABSENT, [
      column((c) => c.orderId),
      column((c) => c.accountId),
      column((c) => c.state),
      column((c) => JSON.stringify(c.reasons)),
      column((c) => JSON.stringify(c.licenseIds)),
      column((c) => JSON.stringify(c.holdIds)),
      column((c) => (c.changeWindow === null ? null : JSON.stringify(c.changeWindow))),
      column((c) => c.reviewId),
      column((c) => c.accountVersion),
      column((c) => c.checkedAt),
      column((c) => c.decidedAt),
      column((c) => c.closedAt),
      column((c) => c.outcome),
      column((c) => c.region),
      column((c) => c.accountDeadline),
    ]).catch((error: unknown) => {
      if (violates(error, OPEN_CASE_INDEX)) {
        throw new TransientError('an account of the run got an open case concurrently');
      }
      throw error;
    });
    return new Set(inserted.map((row) => row.order_id));
  }

  /** Inserts a new case; false when the order already has one (the same OrderPaid, re-published). */
  async insertIfAbsent(manager: EntityManager, c: EligibilityCaseEntity): Promise<boolean> {
    // A second case for the same order is a re-published OrderPaid: ignored.
    const inserted = await runPrepared<unknown[]>(manager, INSERT_CASE_IF_ABSENT, [
      c.orderId,
      c.accountId,
      c.state,
      c.reasons,
      c.licenseIds,
      c.holdIds,
      c.changeWindow === null ? null : JSON.stringify(c.changeWindow),
      c.reviewId,
      c.accountVersion,
      c.checkedAt,
      c.decidedAt,
      c.closedAt,
      c.outcome,
      c.region,
      c.accountDeadline,
    ]).catch(openedConcurrently(c.accountId));
    return inserted.length > 0;
  }

  /**
   * Records the decision of a case that awaited its account; false if it was not awaiting any more
   * (decided by a snapshot, the sweep or another instance meanwhile, or its saga ended).
   */
  async decideAwaiting(manager: EntityManager, c: EligibilityCaseEntity): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(EligibilityCaseEntity)
      .set({
        state: c.state,
        reasons: c.reasons,
        licenseIds: c.licenseIds,
        holdIds: c.holdIds,
        reviewId: c.reviewId,
        accountVersion: c.accountVersion,
        checkedAt: c.checkedAt,
        decidedAt: c.decidedAt,
        closedAt: c.closedAt,
        outcome: c.outcome,
      })
      .where("order_id = :orderId AND state = 'AWAITING_ACCOUNT' AND closed_at IS NULL", {
        orderId: c.orderId,
      })
      .execute()
      .catch(openedConcurrently(c.accountId));
    return result.affected === 1;
  }

  /** The cases of the accounts still awaiting their snapshot, in the order their orders came. */
  async findAwaitingOfAccounts(
    manager: EntityManager,
    accountIds: string[],
  ): Promise<EligibilityCaseEntity[]> {
    const rows: CaseRow[] = await runPrepared(manager, FIND_AWAITING_OF_ACCOUNTS, [accountIds]);
    return rows.map(toCase);
  }

  /**
   * Cases awaiting their account that can be decided now: past their deadline, or whose account
   * became known (a snapshot committed while the order was being parked, on another instance).
   */
  async findAwaitingDecidable(
    manager: EntityManager,
    now: Date,
    limit: number,
  ): Promise<EligibilityCaseEntity[]> {
    return manager
      .createQueryBuilder(EligibilityCaseEntity, 'c')
      .where("c.state = 'AWAITING_ACCOUNT' AND c.closed_at IS NULL")
      .andWhere(
        '(c.account_deadline <= :now OR EXISTS (SELECT 1 FROM accounts a WHERE a.account_id = c.account_id))',
        { now },
      )
      .orderBy('c.opened_seq', 'ASC')
      .limit(limit)
      .getMany();
  }

  /** Moves an in-review case to its decision; false if it was not in review any more. */
  async decideReview(
    manager: EntityManager,
    orderId: string,
    decision: CaseDecision,
    now: Date,
  ): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(EligibilityCaseEntity)
      .set({
        state: decision.state,
        decidedAt: now,
        ...(decision.state === 'REJECTED'
          ? { reasons: decision.reasons, closedAt: now, outcome: 'REJECTED' as const }
          : {}),
      })
      .where('order_id = :orderId AND state = :inReview', { orderId, inReview: 'IN_REVIEW' })
      .execute();
    return result.affected === 1;
  }

  /**
   * Closes the cases of orders whose sagas ended, in one statement. Returns, for each case it
   * closed (none open: left out), its review (null: it never went to review), by order id.
   */
  async closeAll(
    manager: EntityManager,
    closing: { orderId: string; outcome: CaseOutcome }[],
    now: Date,
  ): Promise<Map<string, string | null>> {
    const rows = returned<{ order_id: string; review_id: string | null }>(
      await runPrepared(manager, CLOSE_CASES, [
        closing.map((c) => c.orderId),
        closing.map((c) => c.outcome),
        now,
      ]),
    );
    return new Map(rows.map((row) => [row.order_id, row.review_id]));
  }
}

/** An eligibility_cases row as node-postgres returns it. */
interface CaseRow {
  order_id: string;
  account_id: string;
  state: CaseState;
  region: string | null;
  reasons: ReasonCode[];
  license_ids: string[];
  hold_ids: string[];
  change_window: CaseChangeWindow | null;
  review_id: string | null;
  account_version: number | null;
  account_deadline: Date | null;
  checked_at: Date;
  decided_at: Date | null;
  closed_at: Date | null;
  outcome: CaseOutcome | null;
}

const CASE_COLUMNS = `order_id, account_id, state, region, reasons, license_ids, hold_ids,
  change_window, review_id, account_version, account_deadline, checked_at, decided_at, closed_at,
  outcome`;

function toCase(row: CaseRow): EligibilityCaseEntity {
  return {
    orderId: row.order_id,
    accountId: row.account_id,
    state: row.state,
    region: row.region,
    reasons: row.reasons,
    licenseIds: row.license_ids,
    holdIds: row.hold_ids,
    changeWindow: row.change_window,
    reviewId: row.review_id,
    accountVersion: row.account_version,
    accountDeadline: row.account_deadline,
    checkedAt: row.checked_at,
    decidedAt: row.decided_at,
    closedAt: row.closed_at,
    outcome: row.outcome,
  };
}

const FIND_FOR_CHECK_ALL = preparedStatement(
  `SELECT ${CASE_COLUMNS} FROM eligibility_cases
   WHERE order_id = ANY($1::text[])
      OR (account_id = ANY($2::text[]) AND closed_at IS NULL AND state <> 'AWAITING_ACCOUNT')`,
);

/** Arrays travel as JSON (unnest would flatten an array of arrays). */
const INSERT_CASES_IF_ABSENT = preparedStatement(
  `INSERT INTO eligibility_cases (order_id, account_id, state, reasons, license_ids, hold_ids,
                                  change_window, review_id, account_version, checked_at,
                                  decided_at, closed_at, outcome, region, account_deadline)
   SELECT c.order_id, c.account_id, c.state,
          ARRAY(SELECT jsonb_array_elements_text(c.reasons::jsonb)),
          ARRAY(SELECT jsonb_array_elements_text(c.license_ids::jsonb)),
          ARRAY(SELECT jsonb_array_elements_text(c.hold_ids::jsonb)),
          c.change_window::jsonb, c.review_id, c.account_version, c.checked_at, c.decided_at,
          c.closed_at, c.outcome, c.region, c.account_deadline
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                 $7::text[], $8::text[], $9::int[], $10::timestamptz[], $11::timestamptz[],
                 $12::timestamptz[], $13::text[], $14::text[], $15::timestamptz[])
          WITH ORDINALITY AS c(order_id, account_id, state, reasons, license_ids, hold_ids,
                               change_window, review_id, account_version, checked_at, decided_at,
                               closed_at, outcome, region, account_deadline, n)
    ORDER BY c.n
   ON CONFLICT (order_id) DO NOTHING
   RETURNING order_id`,
);

const INSERT_CASE_IF_ABSENT = preparedStatement(
  `INSERT INTO eligibility_cases (order_id, account_id, state, reasons, license_ids, hold_ids,
                                  change_window, review_id, account_version, checked_at,
                                  decided_at, closed_at, outcome, region, account_deadline)
   VALUES ($1, $2, $3, $4::text[], $5::text[], $6::text[], $7::jsonb, $8, $9, $10, $11, $12, $13,
           $14, $15)
   ON CONFLICT (order_id) DO NOTHING
   RETURNING order_id`,
);

const FIND_AWAITING_OF_ACCOUNTS = preparedStatement(
  `SELECT ${CASE_COLUMNS} FROM eligibility_cases
   WHERE account_id = ANY($1::text[]) AND state = 'AWAITING_ACCOUNT' AND closed_at IS NULL
   ORDER BY opened_seq`,
);

/**
 * `c.order_id = ANY($1)` holds the statement to the cases it names, whatever the statistics say of
 * open cases: estimated from an ANALYZE that saw none open (a quiet moment), `closed_at IS NULL`
 * looked like one row, and the planner read the table for it and joined every open case against
 * the whole batch (33–38 ms a batch of 40 at 3,000 cases, flooded; billing's fulfilment had the
 * same trap). Now at most the batch's cases, by key (test/case-closing-statement.int-spec.ts).
 */
const CLOSE_CASES = preparedStatement(
  `UPDATE eligibility_cases c SET closed_at = $3, outcome = e.outcome
     FROM unnest($1::text[], $2::text[]) AS e(order_id, outcome)
    WHERE c.order_id = ANY($1::text[]) AND c.order_id = e.order_id AND c.closed_at IS NULL
   RETURNING c.order_id, c.review_id`,
);
