import { EligibilityRejected, EligibilityVerified, ReasonCode } from '@app/contracts';
import { Transaction } from '@app/messaging';
import { Injectable } from '@nestjs/common';
import { CaseDecision, ReviewedCases } from '../reviews/reviewed-cases';
import { CaseRepository } from './case.repository';
import { eligibilityRejectedOf, eligibilityVerifiedOf } from './case.events';

/** The cases waiting for their review, as reviews decide them (ReviewedCases, bound by CasesModule). */
@Injectable()
export class CasesUnderReview implements ReviewedCases {
  constructor(private readonly cases: CaseRepository) {}

  async decide(tx: Transaction, orderId: string, decision: CaseDecision): Promise<boolean> {
    const { manager, now } = tx;
    const decided =
      (await this.cases.decideReview(manager, orderId, decision, now)) &&
      (await this.cases.findByOrderId(manager, orderId));
    if (!decided) return false;
    const saga = { correlationId: orderId };
    if (decision.state === 'VERIFIED') {
      tx.publish(EligibilityVerified, eligibilityVerifiedOf(decided, now), saga);
    } else {
      tx.publish(EligibilityRejected, eligibilityRejectedOf(decided, decision.reasons, now), saga);
    }
    return true;
  }

  async rejectExpired(
    tx: Transaction,
    review: { orderId: string; accountId: string },
    reasons: ReasonCode[],
  ): Promise<void> {
    await this.cases.decideReview(
      tx.manager,
      review.orderId,
      { state: 'REJECTED', reasons },
      tx.now,
    );
    tx.publish(EligibilityRejected, eligibilityRejectedOf(review, reasons, tx.now), {
      correlationId: review.orderId,
    });
  }
}
