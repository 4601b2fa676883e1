import { ReasonCode } from '@app/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { minorUnits } from '../money/money.columns';
import { RefundStatus } from './refund';

@Entity({ name: 'refunds' })
export class RefundEntity {
  @PrimaryColumn({ name: 'refund_id', type: 'text' })
  refundId!: string;

  /** Unique: a payment is refunded once. */
  @Column({ name: 'payment_id', type: 'text' })
  paymentId!: string;

  @Column({ name: 'order_id', type: 'text' })
  orderId!: string;

  @Column({ name: 'account_id', type: 'text' })
  accountId!: string;

  @Column({ name: 'amount_minor', type: 'bigint', transformer: minorUnits })
  amountMinor!: number;

  @Column({ type: 'char', length: 3 })
  currency!: string;

  @Column({ type: 'text', array: true })
  reasons!: ReasonCode[];

  @Column({ type: 'text' })
  status!: RefundStatus;

  @Column({ name: 'requested_at', type: 'timestamptz' })
  requestedAt!: Date;

  @Column({ name: 'settled_at', type: 'timestamptz', nullable: true })
  settledAt!: Date | null;

  /** What upstream says it refunded, when that differs from the amount requested (MISMATCHED). */
  @Column({ name: 'settled_amount_minor', type: 'bigint', nullable: true, transformer: minorUnits })
  settledAmountMinor!: number | null;

  @Column({ name: 'settled_currency', type: 'char', length: 3, nullable: true })
  settledCurrency!: string | null;
}
