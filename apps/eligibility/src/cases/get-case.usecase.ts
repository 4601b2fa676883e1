import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EligibilityError } from '../eligibility.errors';
import { CaseRepository } from './case.repository';
import { CaseResponse, toCaseResponse } from './case.response';

@Injectable()
export class GetCaseUsecase {
  constructor(private readonly cases: CaseRepository) {}

  async execute(query: { orderId: string }, manager: EntityManager): Promise<CaseResponse> {
    const found = await this.cases.findByOrderId(manager, query.orderId);
    if (!found)
      throw new EligibilityError(
        'CASE_NOT_FOUND',
        `no eligibility case for order ${query.orderId}`,
      );
    return toCaseResponse(found);
  }
}
