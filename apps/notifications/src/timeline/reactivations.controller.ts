import { ID_PATTERN } from '@app/contracts';
import { CurrentPrincipal, Principal, Public, readableAccountOf, Roles } from '@app/platform';
import {
  BadRequestException,
  Controller,
  Get,
  Header,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  Query,
} from '@nestjs/common';
import { GetReactivationUsecase } from './get-reactivation.usecase';
import { OpenStatusPageUsecase } from './open-status-page.usecase';
import { ReactivationView, renderStatusPage } from './reactivation.view';
import { RevokeStatusPageLinksUsecase } from './revoke-status-page-links.usecase';

function orderIdOf(raw: string): string {
  if (!ID_PATTERN.test(raw))
    throw new BadRequestException('orderId must be an id ([A-Za-z0-9_-]{1,64})');
  return raw;
}

@Controller('reactivations')
export class ReactivationsController {
  constructor(
    private readonly getReactivation: GetReactivationUsecase,
    private readonly openStatusPage: OpenStatusPageUsecase,
    private readonly revokeStatusPageLinks: RevokeStatusPageLinksUsecase,
  ) {}

  /** The timeline of an order: a customer sees their own account's orders only (others: 404). */
  @Get(':orderId')
  @Roles('customer', 'support')
  async show(
    @Param('orderId') orderId: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ReactivationView> {
    return this.getReactivation.execute(orderIdOf(orderId), readableAccountOf(principal));
  }

  /** Every status page link of the order sent so far stops working (a link leaked). */
  @Post(':orderId/status-page/revocation')
  @HttpCode(200)
  @Roles('support')
  async revokeLinks(
    @Param('orderId') orderId: string,
  ): Promise<{ orderId: string; revokedUpTo: string }> {
    return this.revokeStatusPageLinks.execute(orderIdOf(orderId));
  }

  /** The page the emails link to: no login, the link's token is the credential. */
  @Get(':orderId/status.html')
  @Public()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  @Header('referrer-policy', 'no-referrer')
  @Header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
  async statusPage(
    @Param('orderId') orderId: string,
    @Query('t') token?: unknown,
  ): Promise<string> {
    // Same answer for a malformed id, a wrong token and an unknown order.
    if (!ID_PATTERN.test(orderId) || typeof token !== 'string')
      throw new NotFoundException('no such status page');
    return renderStatusPage(await this.openStatusPage.execute(orderId, token));
  }
}
