import { Transaction } from '@app/messaging';
import { Injectable } from '@nestjs/common';
import { SupportCaseRepository } from './support-case.repository';

/** The saga ended (fulfilled or refunded): the contact's case no longer counts as open. */
@Injectable()
export class CloseSupportCaseUsecase {
  constructor(private readonly cases: SupportCaseRepository) {}

  async execute(command: { orderId: string }, tx: Transaction): Promise<void> {
    await this.cases.close(tx.manager, command.orderId, tx.now);
  }
}
