import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** The stalls raised, one per (order, stage). */
@Injectable()
export class ReactivationStallRepository {
  /** Records the stall; false when this order was already reported stalled at this stage. */
  async record(
    manager: EntityManager,
    stall: { orderId: string; stage: string; since: Date; deadline: Date; raisedAt: Date },
  ): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO reactivation_stalls (order_id, stage, since, deadline, raised_at)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING order_id`,
      [stall.orderId, stall.stage, stall.since, stall.deadline, stall.raisedAt],
    );
    return rows.length > 0;
  }
}
