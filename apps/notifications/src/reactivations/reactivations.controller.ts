import { ID_PATTERN } from '@app/contracts';
import {
  CurrentPrincipal,
  IdParam,
  Principal,
  Public,
  Roles,
  readableAccountOf,
} from '@app/platform';
import { Controller, Get, Header, HttpCode, Param, Post, Query } from '@nestjs/common';
import { NotificationsError } from '../notifications.error';
import { GetReactivationUsecase } from './get-reactivation.usecase';
import { OpenStatusPageUsecase } from './open-status-page.usecase';
import { ReactivationView } from './reactivation.view';
import { RevokeStatusPageLinksUsecase } from './revoke-status-page-links.usecase';
import { renderStatusPage, statusPageOf } from './status-page';

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
    @IdParam('orderId') orderId: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ReactivationView> {
    return this.getReactivation.execute(orderId, readableAccountOf(principal));
  }

  /** Every status page link of the order sent so far stops working (a link leaked). */
  @Post(':orderId/status-page/revocation')
  @HttpCode(200)
  @Roles('support')
  async revokeLinks(
    @IdParam('orderId') orderId: string,
  ): Promise<{ orderId: string; revokedUpTo: string }> {
    return this.revokeStatusPageLinks.execute(orderId);
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
    // Same answer for a malformed id, a missing or wrong token and an unknown order.
    if (!ID_PATTERN.test(orderId) || typeof token !== 'string')
      throw new NotificationsError('REACTIVATION_NOT_FOUND', 'no such status page');
    return renderStatusPage(statusPageOf(await this.openStatusPage.execute(orderId, token)));
  }
}
