import {
  EligibilityRejected,
  EligibilityReviewRequired,
  EligibilityVerified,
} from '@app/contracts';
import { together, Transaction } from '@app/messaging';
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Account } from '../accounts/account.model';
import { AccountsPort } from '../accounts/accounts.port';
import { EligibilityEnvironment } from '../eligibility.config';
import { ReviewsPort } from '../reviews/reviews.port';
import { CaseRepository } from './case.repository';
import { eligibilityRejectedOf, eligibilityVerifiedOf } from './case.events';
import { accountDeadlineOf, awaitsAccount } from './awaiting-account';
import { CaseChangeWindow, CaseState, EligibilityCaseEntity } from './eligibility-case.entity';
import {
  EligibilityAssessment,
  evaluateEligibility,
  licensesNotOnAccount,
} from './evaluate-eligibility';

export interface CheckEligibilityCommand {
  orderId: string;
  accountId: string;
  region: string;
  licenseIds: string[];
  changeWindow?: CaseChangeWindow;
}

/**
 * Applies the eligibility rules to a paid order against the local copy of its account, records the
 * order's case and publishes the outcome: verified, rejected (every reason) or sent to review.
 * An order whose account is not known yet waits for its snapshot (AWAITING_ACCOUNT) until
 * ACCOUNT_WAIT_SECONDS have passed; the snapshot or the sweep runs this check again, and only then
 * is an account still unknown rejected (ACCOUNT_NOT_FOUND).
 * An order is decided once: a re-published OrderPaid finds its case and changes nothing.
 */
@Injectable()
export class CheckEligibilityUsecase {
  /** Parsed once: the configuration does not change while the service runs. */
  private readonly supportedRegions: readonly string[];

  constructor(
    private readonly accounts: AccountsPort,
    private readonly cases: CaseRepository,
    private readonly reviews: ReviewsPort,
    private readonly env: EligibilityEnvironment,
  ) {
    this.supportedRegions = env.supportedRegions();
  }

  /**
   * Several paid orders at once (a run of events in one transaction, each with its own `tx` to
   * publish from, all sharing one manager and clock). The usual case, an order of a known account
   * named once in the run, verified or rejected on the account's own licenses, is decided in
   * memory with the same rules on cases and accounts read in one statement each, and recorded in
   * one more for all. Any other order (awaiting its account, to review, naming another account's
   * license, a case already there, its account named twice in the run) is checked by `execute`
   * afterwards, one at a time in order: those are of other accounts than the ones recorded together.
   */
  async executeAll(
    commands: { command: CheckEligibilityCommand; tx: Transaction }[],
  ): Promise<void> {
    const perAccount = new Map<string, number>();
    for (const { command } of commands) {
      perAccount.set(command.accountId, (perAccount.get(command.accountId) ?? 0) + 1);
    }
    const candidates = commands.filter(({ command }) => perAccount.get(command.accountId) === 1);
    const together = candidates.length > 1 ? await this.decideTogether(candidates) : new Set();
    for (const { command, tx } of commands) {
      if (!together.has(command)) await this.execute(command, tx);
    }
  }

  /** Decides and records the orders it can on reads shared by all; returns those it took. */
  private async decideTogether(
    commands: { command: CheckEligibilityCommand; tx: Transaction }[],
  ): Promise<Set<CheckEligibilityCommand>> {
    const { manager, now } = commands[0].tx;
    // Both reads in one round trip.
    const [found, accounts] = await together(
      this.cases.findForCheckAll(
        manager,
        commands.map(({ command }) => command),
      ),
      this.accounts.accountsOf(
        manager,
        commands.map(({ command }) => command.accountId),
      ),
    );
    const decided: {
      command: CheckEligibilityCommand;
      eligibilityCase: EligibilityCaseEntity;
      tx: Transaction;
    }[] = [];
    for (const { command, tx } of commands) {
      const { existing, hasOtherOpenCase } = found.get(command.orderId)!;
      const account = accounts.get(command.accountId);
      if (existing || !account || licensesNotOnAccount(account, command.licenseIds).length > 0) {
        continue;
      }
      const assessment = evaluateEligibility(account, command, {
        now,
        supportedRegions: this.supportedRegions,
        hasOtherOpenCase,
        licenseOwners: new Map(),
      });
      if (assessment.reasons.length === 0 && assessment.reviewHolds.length > 0) continue;
      decided.push({
        command,
        eligibilityCase: decidedCaseOf(command, account, assessment, null, now),
        tx,
      });
    }
    const inserted = await this.cases.insertAllIfAbsent(
      manager,
      decided.map(({ eligibilityCase }) => eligibilityCase),
    );
    const taken = new Set<CheckEligibilityCommand>();
    for (const { command, eligibilityCase, tx } of decided) {
      taken.add(command);
      if (!inserted.has(eligibilityCase.orderId)) continue;
      const correlation = { correlationId: eligibilityCase.orderId };
      if (eligibilityCase.state === 'REJECTED') {
        tx.publish(
          EligibilityRejected,
          eligibilityRejectedOf(eligibilityCase, eligibilityCase.reasons, now),
          correlation,
        );
      } else {
        tx.publish(EligibilityVerified, eligibilityVerifiedOf(eligibilityCase, now), correlation);
      }
    }
    return taken;
  }

  /**
   * Returns the state the case was given, or null when the order was decided already (a replay) or
   * still awaits its account.
   */
  async execute(command: CheckEligibilityCommand, tx: Transaction): Promise<CaseState | null> {
    const { manager, now } = tx;
    // The account is read in the same round trip as the case, though a case decided already
    // does not need it: one round trip less on the saga's path for every first OrderPaid.
    const [{ existing, hasOtherOpenCase }, account] = await together(
      this.cases.findForCheck(manager, command.orderId, command.accountId),
      this.accounts.accountOf(manager, command.accountId),
    );
    // Decided (or ended) already: a re-published OrderPaid or a second trigger changes nothing.
    if (existing && (existing.state !== 'AWAITING_ACCOUNT' || existing.closedAt !== null)) {
      return null;
    }
    const accountDeadline =
      existing?.accountDeadline ?? accountDeadlineOf(now, this.env.ACCOUNT_WAIT_SECONDS);
    if (awaitsAccount(account, accountDeadline, now)) {
      if (!existing) {
        await this.cases.insertIfAbsent(manager, awaitingCaseOf(command, now, accountDeadline));
      }
      return null;
    }

    const strangers = licensesNotOnAccount(account, command.licenseIds);
    const assessment = evaluateEligibility(account, command, {
      now,
      supportedRegions: this.supportedRegions,
      hasOtherOpenCase,
      licenseOwners: await this.accounts.ownersOf(manager, strangers),
    });

    const rejected = assessment.reasons.length > 0;
    const eligibilityCase = decidedCaseOf(command, account, assessment, existing, now);
    // A waiting case is decided by a conditional update: once, whoever (snapshot, sweep) gets there.
    const recorded = existing
      ? await this.cases.decideAwaiting(manager, eligibilityCase)
      : await this.cases.insertIfAbsent(manager, eligibilityCase);
    if (!recorded) return null;

    // The saga's correlation is the order, also when a snapshot or the sweep decides the case.
    const correlation = { correlationId: command.orderId };
    if (rejected) {
      tx.publish(
        EligibilityRejected,
        eligibilityRejectedOf(eligibilityCase, assessment.reasons, now),
        correlation,
      );
    } else if (eligibilityCase.reviewId) {
      const deadline = new Date(now.getTime() + this.env.REVIEW_DEADLINE_SECONDS * 1000);
      const holdIds = assessment.reviewHolds.map((hold) => hold.holdId);
      const requiredDocuments = [
        ...new Set(assessment.reviewHolds.flatMap((hold) => hold.requiredDocuments)),
      ];
      await this.reviews.openReview(manager, {
        reviewId: eligibilityCase.reviewId,
        orderId: command.orderId,
        accountId: command.accountId,
        holdIds,
        deadline,
        openedAt: now,
        requiredDocuments,
      });
      tx.publish(
        EligibilityReviewRequired,
        {
          orderId: command.orderId,
          accountId: command.accountId,
          reviewId: eligibilityCase.reviewId,
          holdIds,
          requiredDocuments,
          deadline: deadline.toISOString(),
        },
        correlation,
      );
    } else {
      tx.publish(EligibilityVerified, eligibilityVerifiedOf(eligibilityCase, now), correlation);
    }
    return eligibilityCase.state;
  }
}

/** The decided case of an order. */
function decidedCaseOf(
  command: CheckEligibilityCommand,
  account: Account | null,
  assessment: EligibilityAssessment,
  existing: EligibilityCaseEntity | null,
  now: Date,
): EligibilityCaseEntity {
  const rejected = assessment.reasons.length > 0;
  const inReview = !rejected && assessment.reviewHolds.length > 0;
  return {
    orderId: command.orderId,
    accountId: command.accountId,
    state: rejected ? 'REJECTED' : inReview ? 'IN_REVIEW' : 'VERIFIED',
    region: command.region,
    reasons: assessment.reasons,
    licenseIds: [...new Set(command.licenseIds)],
    holdIds: assessment.activeHoldIds,
    changeWindow: command.changeWindow ?? null,
    reviewId: inReview ? randomUUID() : null,
    accountVersion: account?.version ?? null,
    accountDeadline: existing?.accountDeadline ?? null,
    checkedAt: now,
    decidedAt: inReview ? null : now,
    // A rejected case is over at once: it never blocks the account's next order.
    closedAt: rejected ? now : null,
    outcome: rejected ? 'REJECTED' : null,
  };
}

/** The case of an order that waits for its account: nothing decided, nothing reserved. */
function awaitingCaseOf(
  command: CheckEligibilityCommand,
  now: Date,
  accountDeadline: Date,
): EligibilityCaseEntity {
  return {
    orderId: command.orderId,
    accountId: command.accountId,
    state: 'AWAITING_ACCOUNT',
    region: command.region,
    reasons: [],
    licenseIds: [...new Set(command.licenseIds)],
    holdIds: [],
    changeWindow: command.changeWindow ?? null,
    reviewId: null,
    accountVersion: null,
    accountDeadline,
    checkedAt: now,
    decidedAt: null,
    closedAt: null,
    outcome: null,
  };
}
