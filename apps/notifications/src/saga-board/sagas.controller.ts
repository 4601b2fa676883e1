import { CurrentPrincipal, Principal, Roles } from '@app/platform';
import { Controller, Get, Query } from '@nestjs/common';
import { ListSagasParams } from './list-sagas.query-params';
import { ListSagasUsecase, SagaSummaryView } from './list-sagas.usecase';

const DEFAULT_LIMIT = 100;

/** The sagas for support and ops: filtered lists, a support person's own cases first. */
@Controller('sagas')
export class SagasController {
  constructor(private readonly listSagas: ListSagasUsecase) {}

  @Get()
  @Roles('support')
  async list(
    @Query() params: ListSagasParams,
    @CurrentPrincipal() principal: Principal,
  ): Promise<{ sagas: SagaSummaryView[] }> {
    const sagas = await this.listSagas.execute(
      {
        view: params.view,
        accountId: params.accountId,
        orderId: params.orderId,
        region: params.region,
        stage: params.stage,
        contactId: params.contactId,
        firstContactId: principal.contactId,
        limit: params.limit ?? DEFAULT_LIMIT,
      },
      new Date(),
    );
    return { sagas };
  }
}
