import { Transaction } from '@app/messaging';
import { Injectable } from '@nestjs/common';
import { ReactivationCaseRepository } from './reactivation-case.repository';

/** A scheduled activation that failed permanently is parked (STUCK, with why) instead of retried forever. */
@Injectable()
export class MarkActivationStuckUsecase {
  constructor(private readonly cases: ReactivationCaseRepository) {}

  async execute(
    command: { orderId: string; code: string; reason: string },
    tx: Transaction,
  ): Promise<void> {
    await this.cases.markStuck(
      tx.manager,
      command.orderId,
      `${command.code}: ${command.reason}`,
      tx.now,
    );
  }
}
