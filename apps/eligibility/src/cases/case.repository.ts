import { ReasonCode } from '@app/contracts';
import { TransientError } from '@app/messaging';
import { Injectable } from '@nestjs/common';
import { EntityManager, IsNull, Not } from 'typeorm';
import { CaseOutcome, EligibilityCaseEntity } from './eligibility-case.entity';

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

/** How a review ends a case that was waiting for it. */
export type CaseDecision = { state: 'VERIFIED' } | { state: 'REJECTED'; reasons: ReasonCode[] };

/** Eligibility cases. Methods take the transaction's manager. */
@Injectable()
export class CaseRepository {
  async findByOrderId(
    manager: EntityManager,
    orderId: string,
  ): Promise<EligibilityCaseEntity | null> {
    return manager.findOneBy(EligibilityCaseEntity, { orderId });
  }

  async hasOpenCaseOtherThan(
    manager: EntityManager,
    accountId: string,
    orderId: string,
  ): Promise<boolean> {
    // A case awaiting its account is undecided: it reserves nothing.
    return manager.existsBy(EligibilityCaseEntity, {
      accountId,
      closedAt: IsNull(),
      orderId: Not(orderId),
      state: Not('AWAITING_ACCOUNT'),
    });
  }

  /** Inserts a new case; false when the order already has one (the same OrderPaid, re-published). */
  async insertIfAbsent(manager: EntityManager, c: EligibilityCaseEntity): Promise<boolean> {
    // A second case for the same order is a re-published OrderPaid: ignored.
    const inserted = await manager
      .query<unknown[]>(
        `INSERT INTO eligibility_cases (order_id, account_id, state, reasons, license_ids, hold_ids,
                                      change_window, review_id, account_version, checked_at,
                                      decided_at, closed_at, outcome, region, account_deadline)
       VALUES ($1, $2, $3, $4::text[], $5::text[], $6::text[], $7::jsonb, $8, $9, $10, $11, $12, $13,
               $14, $15)
       ON CONFLICT (order_id) DO NOTHING
       RETURNING order_id`,
        [
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
        ],
      )
      .catch(openedConcurrently(c.accountId));
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

  /** The cases of an account still awaiting its snapshot, in the order their orders came. */
  async findAwaitingOfAccount(
    manager: EntityManager,
    accountId: string,
  ): Promise<EligibilityCaseEntity[]> {
    return manager
      .createQueryBuilder(EligibilityCaseEntity, 'c')
      .where("c.account_id = :accountId AND c.state = 'AWAITING_ACCOUNT' AND c.closed_at IS NULL", {
        accountId,
      })
      .orderBy('c.opened_seq', 'ASC')
      .getMany();
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

  /** Closes the case of an order when its saga ended; false if there was none open. */
  async close(
    manager: EntityManager,
    orderId: string,
    outcome: CaseOutcome,
    now: Date,
  ): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(EligibilityCaseEntity)
      .set({ closedAt: now, outcome })
      .where('order_id = :orderId AND closed_at IS NULL', { orderId })
      .execute();
    return result.affected === 1;
  }
}
