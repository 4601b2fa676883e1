import { UnitOfWork } from '@app/messaging';
import { assertMayAccessAccount, CurrentPrincipal, Principal, Roles } from '@app/platform';
import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { CreateQuoteRequest } from './create-quote.request';
import { CreateQuoteUsecase } from './create-quote.usecase';
import { QuoteResponse, toQuoteResponse } from './quote.response';

@Controller('quotes')
export class QuotesController {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly createQuote: CreateQuoteUsecase,
  ) {}

  @Post()
  @HttpCode(HttpStatus.CREATED)
  @Roles('customer', 'support')
  async create(
    @Body() body: CreateQuoteRequest,
    @CurrentPrincipal() principal: Principal,
  ): Promise<QuoteResponse> {
    assertMayAccessAccount(principal, body.accountId);
    const quote = await this.uow.run({ correlationId: body.accountId }, (tx) =>
      this.createQuote.execute(
        {
          accountId: body.accountId,
          region: body.region,
          licenseIds: body.licenseIds,
          addOns: body.addOns,
        },
        tx,
      ),
    );
    return toQuoteResponse(quote);
  }
}
