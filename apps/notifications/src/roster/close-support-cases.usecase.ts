import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { SupportCaseRepository } from './support-case.repository';

/** Sagas ended (fulfilled or refunded): their contacts' cases no longer count as open. */
@Injectable()
export class CloseSupportCasesUsecase {
  constructor(private readonly cases: SupportCaseRepository) {}

  async execute(orderIds: string[], scope: { manager: EntityManager; now: Date }): Promise<void> {
    await this.cases.closeMany(scope.manager, orderIds, scope.now);
  }
}
