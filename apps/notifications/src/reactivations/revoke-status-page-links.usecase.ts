import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NotificationsError } from '../notifications.error';
import { StatusPageRevocationRepository } from './status-page-revocation.repository';
import { TimelinePort } from '../timeline/timeline.port';

/**
 * Revokes every status page link of an order issued so far (a link was forwarded or leaked).
 * The emails sent afterwards carry new links, which open the page.
 */
@Injectable()
export class RevokeStatusPageLinksUsecase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly revocations: StatusPageRevocationRepository,
    private readonly timeline: TimelinePort,
  ) {}

  async execute(
    orderId: string,
    now = new Date(),
  ): Promise<{ orderId: string; revokedUpTo: string }> {
    const manager = this.dataSource.manager;
    if (!(await this.timeline.sagaOf(manager, orderId)))
      throw new NotificationsError(
        'REACTIVATION_NOT_FOUND',
        `no reactivation for order ${orderId}`,
      );
    await this.revocations.revokeUpTo(manager, orderId, now);
    return { orderId, revokedUpTo: now.toISOString() };
  }
}
