import { ReasonCode } from '@app/contracts';
import { Money } from '../money/money';

export type PaymentOutcome = 'ACCEPTED' | 'REJECTED';

/** A payment upstream captured, and what billing decided about it. */
export interface Payment {
  paymentId: string;
  /** The order the payment named (it may not exist). */
  orderId: string;
  accountId: string;
  amount: Money;
  outcome: PaymentOutcome;
  reasons: ReasonCode[];
  capturedAt: Date;
  receivedAt: Date;
}

/** A payment upstream could not capture (declined card, ...): recorded, the order keeps waiting. */
export interface PaymentFailure {
  paymentId: string;
  orderId: string;
  accountId: string;
  reason: string;
  receivedAt: Date;
}
