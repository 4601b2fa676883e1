import { ReasonCode } from '@app/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { minorUnits } from '../money/money.columns';
import { PaymentOutcome } from './payment';

/** One row per paymentId: a payment re-sent under a new event id is recognised and ignored. */
@Entity({ name: 'payments' })
export class PaymentEntity {
  @PrimaryColumn({ name: 'payment_id', type: 'text' })
  paymentId!: string;

  /** At most one ACCEPTED payment per order (partial unique index). */
  @Column({ name: 'order_id', type: 'text' })
  orderId!: string;

  @Column({ name: 'account_id', type: 'text' })
  accountId!: string;

  @Column({ name: 'amount_minor', type: 'bigint', transformer: minorUnits })
  amountMinor!: number;

  @Column({ type: 'char', length: 3 })
  currency!: string;

  @Column({ type: 'text' })
  outcome!: PaymentOutcome;

  @Column({ type: 'text', array: true })
  reasons!: ReasonCode[];

  @Column({ name: 'captured_at', type: 'timestamptz' })
  capturedAt!: Date;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;
}

@Entity({ name: 'payment_failures' })
export class PaymentFailureEntity {
  @PrimaryColumn({ name: 'payment_id', type: 'text' })
  paymentId!: string;

  @Column({ name: 'order_id', type: 'text' })
  orderId!: string;

  @Column({ name: 'account_id', type: 'text' })
  accountId!: string;

  @Column({ type: 'text' })
  reason!: string;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;
}
