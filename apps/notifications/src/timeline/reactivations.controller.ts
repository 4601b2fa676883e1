import { ID_PATTERN } from '@app/contracts';
import { assertMayAccessAccount, CurrentPrincipal, Principal, Public, Roles } from '@app/platform';
import {
  BadRequestException,
  Controller,
  Get,
  Header,
  NotFoundException,
  Param,
  Query,
} from '@nestjs/common';
import { NotificationsEnvironment } from '../notifications.config';
import { NotificationsError } from '../notifications.error';
import { GetReactivationUsecase } from './get-reactivation.usecase';
import { ReactivationView, renderStatusPage } from './reactivation.view';
import { isValidStatusPageToken } from './status-page.token';

function orderIdOf(raw: string): string {
  if (!ID_PATTERN.test(raw))
    throw new BadRequestException('orderId must be an id ([A-Za-z0-9_-]{1,64})');
  return raw;
}

@Controller('reactivations')
export class ReactivationsController {
  constructor(
    private readonly getReactivation: GetReactivationUsecase,
    private readonly env: NotificationsEnvironment,
  ) {}

  /** The timeline of an order: customers see their own account's orders only. */
  @Get(':orderId')
  @Roles('customer', 'support')
  async show(
    @Param('orderId') orderId: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ReactivationView> {
    const view = await this.getReactivation.execute(orderIdOf(orderId));
    assertMayAccessAccount(principal, view.accountId);
    return view;
  }

  /** The page the emails link to: no login, the link's token is the credential. */
  @Get(':orderId/status.html')
  @Public()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  @Header('referrer-policy', 'no-referrer')
  @Header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
  async statusPage(@Param('orderId') orderId: string, @Query('t') token?: string): Promise<string> {
    // Same answer for a wrong token and an unknown order: the page does not reveal which orders exist.
    const notFound = new NotFoundException('no such status page');
    if (!ID_PATTERN.test(orderId) || typeof token !== 'string') throw notFound;
    if (!isValidStatusPageToken(orderId, token, this.env.STATUS_PAGE_SECRET)) throw notFound;
    try {
      return renderStatusPage(await this.getReactivation.execute(orderId));
    } catch (error) {
      if (error instanceof NotificationsError && error.code === 'REACTIVATION_NOT_FOUND')
        throw notFound;
      throw error;
    }
  }
}
