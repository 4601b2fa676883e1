import { Transaction } from '@app/messaging';
import { Injectable } from '@nestjs/common';
import { ReactivationCaseRepository } from './reactivation-case.repository';
import { ReinstateLicensesUsecase } from './reinstate-licenses.usecase';

/** The sweeper's work for one due case: claim it (once, ever) and reinstate in the same transaction. */
@Injectable()
export class RunScheduledActivationUsecase {
  constructor(
    private readonly cases: ReactivationCaseRepository,
    private readonly reinstate: ReinstateLicensesUsecase,
  ) {}

  /** True when this call ran the activation; false when it was not due or already taken. */
  async execute(command: { orderId: string }, tx: Transaction): Promise<boolean> {
    if (!(await this.cases.claimScheduled(tx.manager, command.orderId, tx.now))) return false;
    await this.reinstate.execute({ orderId: command.orderId }, tx);
    return true;
  }
}
