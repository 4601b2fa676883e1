import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { LicensingError } from '../licensing.error';
import { ReactivationCaseRepository } from './reactivation-case.repository';
import { ReactivationView, toReactivationView } from './reactivation.mapper';

@Injectable()
export class GetReactivationUsecase {
  constructor(private readonly cases: ReactivationCaseRepository) {}

  async execute(query: { orderId: string }, manager: EntityManager): Promise<ReactivationView> {
    const reactivation = await this.cases.find(manager, query.orderId);
    if (!reactivation) {
      throw new LicensingError(
        'REACTIVATION_NOT_FOUND',
        `no reactivation for order ${query.orderId}`,
      );
    }
    return toReactivationView(reactivation);
  }
}
