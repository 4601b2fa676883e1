import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NotificationsEnvironment } from '../notifications.config';
import { NotificationsError } from '../notifications.error';
import { GetReactivationUsecase } from './get-reactivation.usecase';
import { ReactivationView } from './reactivation.view';
import { StatusPageRevocationRepository } from './status-page-revocation.repository';
import { verifyStatusPageToken } from '../timeline/status-page.token';

/**
 * Opens an order's status page by its link: the link must be genuine, unexpired and issued after
 * the order's last revocation. Every refusal is the same "not found" as an unknown order, so the
 * page reveals neither which orders exist nor why a link failed.
 */
@Injectable()
export class OpenStatusPageUsecase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly revocations: StatusPageRevocationRepository,
    private readonly getReactivation: GetReactivationUsecase,
    private readonly env: NotificationsEnvironment,
  ) {}

  async execute(orderId: string, token: string, now = new Date()): Promise<ReactivationView> {
    const notFound = new NotificationsError('REACTIVATION_NOT_FOUND', 'no such status page');
    const link = verifyStatusPageToken(orderId, token, this.env.STATUS_PAGE_SECRET, now);
    if (!link) throw notFound;
    const revokedUpTo = await this.revocations.revokedUpTo(this.dataSource.manager, orderId);
    if (revokedUpTo && link.issuedAt.getTime() <= revokedUpTo.getTime()) throw notFound;
    try {
      return await this.getReactivation.execute(orderId);
    } catch (error) {
      if (error instanceof NotificationsError && error.code === 'REACTIVATION_NOT_FOUND')
        throw notFound;
      throw error;
    }
  }
}
