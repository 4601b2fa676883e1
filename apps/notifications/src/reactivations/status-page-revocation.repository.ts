import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { StatusPageRevocationEntity } from './status-page-revocation.entity';

@Injectable()
export class StatusPageRevocationRepository {
  /** Links issued up to now are revoked; a later revocation moves the time forward. */
  async revokeUpTo(manager: EntityManager, orderId: string, at: Date): Promise<void> {
    await manager.query(
      `INSERT INTO status_page_revocations (order_id, revoked_at) VALUES ($1, $2)
       ON CONFLICT (order_id) DO UPDATE
         SET revoked_at = GREATEST(status_page_revocations.revoked_at, EXCLUDED.revoked_at)`,
      [orderId, at],
    );
  }

  async revokedUpTo(manager: EntityManager, orderId: string): Promise<Date | undefined> {
    const row = await manager.findOneBy(StatusPageRevocationEntity, { orderId });
    return row?.revokedAt;
  }
}
