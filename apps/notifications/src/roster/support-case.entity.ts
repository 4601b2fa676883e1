import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintToNumber } from '@app/platform';

/**
 * One order's support case: the contact assigned to it (exactly one, the order id is the key) and
 * the customer to keep informed. The customer's name and email are stored encrypted.
 */
@Entity({ name: 'support_cases' })
export class SupportCaseEntity {
  @PrimaryColumn({ name: 'order_id', type: 'text' })
  orderId: string;

  @Column({ name: 'account_id', type: 'text' })
  accountId: string;

  @Column({ type: 'text' })
  region: string;

  @Column({ name: 'contact_id', type: 'text' })
  contactId: string;

  @Column({ name: 'customer_name_enc', type: 'text' })
  customerNameEncrypted: string;

  @Column({ name: 'customer_email_enc', type: 'text' })
  customerEmailEncrypted: string;

  /** What the customer paid for the order, tax included: what a refund returns. */
  @Column({ name: 'paid_amount_minor', type: 'bigint', transformer: bigintToNumber })
  paidAmountMinor: number;

  @Column({ name: 'paid_currency', type: 'text' })
  paidCurrency: string;

  @Column({ name: 'add_ons', type: 'text', array: true })
  addOns: string[];

  @Column({ name: 'opened_at', type: 'timestamptz' })
  openedAt: Date;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt: Date | null;
}
