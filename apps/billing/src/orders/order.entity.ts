import { Column, Entity, PrimaryColumn } from 'typeorm';
import { OrderStatus } from './order';

@Entity({ name: 'orders' })
export class OrderEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  /** Unique: one order per quote. */
  @Column({ name: 'quote_id', type: 'text' })
  quoteId!: string;

  @Column({ name: 'account_id', type: 'text' })
  accountId!: string;

  @Column({ type: 'text' })
  status!: OrderStatus;

  @Column({ name: 'customer_name', type: 'text' })
  customerName!: string;

  @Column({ name: 'customer_email', type: 'text' })
  customerEmail!: string;

  @Column({ name: 'change_window_starts_at', type: 'timestamptz', nullable: true })
  changeWindowStartsAt!: Date | null;

  @Column({ name: 'change_window_ends_at', type: 'timestamptz', nullable: true })
  changeWindowEndsAt!: Date | null;

  @Column({ name: 'payment_deadline', type: 'timestamptz' })
  paymentDeadline!: Date;

  @Column({ name: 'payment_id', type: 'text', nullable: true })
  paymentId!: string | null;

  @Column({ name: 'refund_id', type: 'text', nullable: true })
  refundId!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'paid_at', type: 'timestamptz', nullable: true })
  paidAt!: Date | null;

  @Column({ name: 'fulfilled_at', type: 'timestamptz', nullable: true })
  fulfilledAt!: Date | null;

  @Column({ name: 'refund_requested_at', type: 'timestamptz', nullable: true })
  refundRequestedAt!: Date | null;

  @Column({ name: 'refunded_at', type: 'timestamptz', nullable: true })
  refundedAt!: Date | null;

  @Column({ name: 'expired_at', type: 'timestamptz', nullable: true })
  expiredAt!: Date | null;
}
