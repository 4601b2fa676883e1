import { UnitOfWork } from '@app/messaging';
import { Sweeper } from '@app/platform';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EligibilityEnvironment } from '../eligibility.config';
import { checkCommandOf } from './awaiting-account';
import { CaseRepository } from './case.repository';
import { CheckEligibilityUsecase } from './check-eligibility.usecase';

/** Cases decided per sweep at most; the next sweep takes the rest. */
const SWEEP_BATCH = 100;

/**
 * The wait for an account's snapshot, made durable by the database: every ACCOUNT_WAIT_SWEEP_MS
 * it re-checks the orders awaiting their account that are past their deadline (rejected
 * ACCOUNT_NOT_FOUND when the account is still unknown) or whose account became known without
 * deciding them (a snapshot committed on another instance while the order was being parked).
 * Each case in its own transaction, decided by a conditional update: safe with several instances.
 */
@Injectable()
export class AwaitingAccountScheduler extends Sweeper {
  private readonly logger = new Logger(AwaitingAccountScheduler.name);

  constructor(
    private readonly cases: CaseRepository,
    private readonly checkEligibility: CheckEligibilityUsecase,
    private readonly uow: UnitOfWork,
    private readonly dataSource: DataSource,
    env: EligibilityEnvironment,
  ) {
    super(AwaitingAccountScheduler.name, env.ACCOUNT_WAIT_SWEEP_MS);
  }

  /** Decides every awaiting case that can be decided now; returns how many it decided. */
  async sweep(): Promise<number> {
    const due = await this.cases.findAwaitingDecidable(
      this.dataSource.manager,
      new Date(),
      SWEEP_BATCH,
    );
    let decided = 0;
    for (const awaiting of due) {
      if (this.stopping) break;
      const { orderId, accountId } = awaiting;
      const state = await this.uow.run({ correlationId: orderId }, (tx) =>
        this.checkEligibility.execute(checkCommandOf(awaiting), tx),
      );
      if (state) {
        decided++;
        this.logger.log(
          { correlationId: orderId, orderId, accountId, state },
          'awaited account: decided',
        );
      }
    }
    return decided;
  }
}
