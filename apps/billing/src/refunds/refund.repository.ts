import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Money } from '../money/money';
import { Refund } from './refund';
import { RefundEntity } from './refund.entity';

@Injectable()
export class RefundRepository {
  /** False when this payment already has its refund (primary key and unique payment_id). */
  async insertIfNew(manager: EntityManager, refund: Refund): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .insert()
      .into(RefundEntity)
      .values({
        refundId: refund.refundId,
        paymentId: refund.paymentId,
        orderId: refund.orderId,
        accountId: refund.accountId,
        amountMinor: refund.amount.amountMinor,
        currency: refund.amount.currency,
        reasons: refund.reasons,
        status: refund.status,
        requestedAt: refund.requestedAt,
        settledAt: null,
        settledAmountMinor: null,
        settledCurrency: null,
      })
      .orIgnore()
      .returning('refund_id')
      .execute();
    return (result.raw as unknown[]).length === 1;
  }

  async findById(manager: EntityManager, refundId: string): Promise<Refund | undefined> {
    const row = await manager.findOne(RefundEntity, { where: { refundId } });
    return row ? toRefund(row) : undefined;
  }

  async findByOrder(manager: EntityManager, orderId: string): Promise<Refund[]> {
    const rows = await manager.find(RefundEntity, {
      where: { orderId },
      order: { requestedAt: 'ASC' },
    });
    return rows.map(toRefund);
  }

  /** REQUESTED → SETTLED, once. */
  async markSettled(manager: EntityManager, refundId: string, at: Date): Promise<boolean> {
    const result = await manager.update(
      RefundEntity,
      { refundId, status: 'REQUESTED' },
      { status: 'SETTLED', settledAt: at },
    );
    return result.affected === 1;
  }

  /** REQUESTED → MISMATCHED with what upstream says it refunded, once. */
  async markMismatched(
    manager: EntityManager,
    refundId: string,
    settled: Money,
    at: Date,
  ): Promise<boolean> {
    const result = await manager.update(
      RefundEntity,
      { refundId, status: 'REQUESTED' },
      {
        status: 'MISMATCHED',
        settledAt: at,
        settledAmountMinor: settled.amountMinor,
        settledCurrency: settled.currency,
      },
    );
    return result.affected === 1;
  }
}

function toRefund(row: RefundEntity): Refund {
  return {
    refundId: row.refundId,
    orderId: row.orderId,
    accountId: row.accountId,
    paymentId: row.paymentId,
    amount: { amountMinor: row.amountMinor, currency: row.currency },
    reasons: row.reasons,
    status: row.status,
    requestedAt: row.requestedAt,
    settledAt: row.settledAt,
    settledAmount:
      row.settledAmountMinor === null || row.settledCurrency === null
        ? null
        : { amountMinor: row.settledAmountMinor, currency: row.settledCurrency },
  };
}
