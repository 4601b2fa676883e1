import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Payment, PaymentFailure } from './payment';
import { PaymentEntity, PaymentFailureEntity } from './payment.entity';

@Injectable()
export class PaymentRepository {
  /** False when this paymentId was already recorded (the same payment delivered again). */
  async insertIfNew(manager: EntityManager, payment: Payment): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .insert()
      .into(PaymentEntity)
      .values({
        paymentId: payment.paymentId,
        orderId: payment.orderId,
        accountId: payment.accountId,
        amountMinor: payment.amount.amountMinor,
        currency: payment.amount.currency,
        outcome: payment.outcome,
        reasons: payment.reasons,
        capturedAt: payment.capturedAt,
        receivedAt: payment.receivedAt,
      })
      .orIgnore()
      .returning('payment_id')
      .execute();
    return (result.raw as unknown[]).length === 1;
  }

  async findByOrder(manager: EntityManager, orderId: string): Promise<Payment[]> {
    const rows = await manager.find(PaymentEntity, {
      where: { orderId },
      order: { receivedAt: 'ASC' },
    });
    return rows.map((row) => ({
      paymentId: row.paymentId,
      orderId: row.orderId,
      accountId: row.accountId,
      amount: { amountMinor: row.amountMinor, currency: row.currency },
      outcome: row.outcome,
      reasons: row.reasons,
      capturedAt: row.capturedAt,
      receivedAt: row.receivedAt,
    }));
  }

  async recordFailure(manager: EntityManager, failure: PaymentFailure): Promise<void> {
    await manager
      .createQueryBuilder()
      .insert()
      .into(PaymentFailureEntity)
      .values(failure)
      .orIgnore()
      .execute();
  }

  async findFailuresByOrder(manager: EntityManager, orderId: string): Promise<PaymentFailure[]> {
    const rows = await manager.find(PaymentFailureEntity, {
      where: { orderId },
      order: { receivedAt: 'ASC' },
    });
    return rows.map((row) => ({ ...row }));
  }
}
