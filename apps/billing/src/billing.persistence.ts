import { FeeScheduleEntity } from './fees/fee-schedule.entity';
import { CreateBillingTables1763910000000 } from './migrations/1763910000000-create-billing-tables';
import { SeedFeeSchedules1763910000001 } from './migrations/1763910000001-seed-fee-schedules';
import { RefundSettledMismatch1764600000000 } from './migrations/1764600000000-refund-settled-mismatch';
import { OrderEntity } from './orders/order.entity';
import { PaymentEntity, PaymentFailureEntity } from './payments/payment.entity';
import { QuoteEntity } from './quotes/quote.entity';
import { RefundEntity } from './refunds/refund.entity';

/** Every entity and migration of billing's database, listed once. */
export const BILLING_ENTITIES: Function[] = [
  FeeScheduleEntity,
  QuoteEntity,
  OrderEntity,
  PaymentEntity,
  PaymentFailureEntity,
  RefundEntity,
];
export const BILLING_MIGRATIONS: Function[] = [
  CreateBillingTables1763910000000,
  SeedFeeSchedules1763910000001,
  RefundSettledMismatch1764600000000,
];
