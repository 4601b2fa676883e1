import { ReasonCode } from '@app/contracts';
import { OrderStatus } from '../orders/order';
import { QuoteResponse, toQuoteResponse } from '../quotes/quote.response';
import { OrderDetails } from './get-order.usecase';

interface MoneyResponse {
  amountMinor: number;
  currency: string;
}

export interface OrderDetailsResponse {
  id: string;
  accountId: string;
  status: OrderStatus;
  customer: { name: string; email: string };
  /** The quote the order was placed from, as `POST /quotes` showed it. */
  quote: QuoteResponse;
  changeWindow?: { startsAt: string; endsAt: string };
  /** The payment that paid the order (or whose rejection closed it). */
  payment: {
    paymentId: string;
    amount: MoneyResponse;
    outcome: string;
    reasons: ReasonCode[];
    capturedAt: string;
  } | null;
  /** The refund of that payment. */
  refund: RefundResponse | null;
  /** Every payment received for the order, accepted or rejected, and those upstream could not capture. */
  payments: {
    paymentId: string;
    amount: MoneyResponse;
    outcome: string;
    reasons: ReasonCode[];
    capturedAt: string;
  }[];
  failedPayments: { paymentId: string; reason: string; receivedAt: string }[];
  refunds: RefundResponse[];
  timeline: {
    createdAt: string;
    paymentDeadline: string;
    paidAt: string | null;
    fulfilledAt: string | null;
    refundRequestedAt: string | null;
    refundedAt: string | null;
    expiredAt: string | null;
  };
}

interface RefundResponse {
  refundId: string;
  paymentId: string;
  amount: MoneyResponse;
  reasons: ReasonCode[];
  status: string;
  requestedAt: string;
  settledAt: string | null;
}

const iso = (date: Date | null) => date?.toISOString() ?? null;

export function toOrderDetailsResponse({
  order,
  quote,
  payments,
  failedPayments,
  refunds,
}: OrderDetails): OrderDetailsResponse {
  const paymentResponses = payments.map((p) => ({
    paymentId: p.paymentId,
    amount: { ...p.amount },
    outcome: p.outcome,
    reasons: [...p.reasons],
    capturedAt: p.capturedAt.toISOString(),
  }));
  const refundResponses = refunds.map((r) => ({
    refundId: r.refundId,
    paymentId: r.paymentId,
    amount: { ...r.amount },
    reasons: [...r.reasons],
    status: r.status,
    requestedAt: r.requestedAt.toISOString(),
    settledAt: iso(r.settledAt),
  }));
  return {
    id: order.id,
    accountId: order.accountId,
    status: order.status,
    customer: { ...order.customer },
    quote: toQuoteResponse(quote),
    changeWindow: order.changeWindow && {
      startsAt: order.changeWindow.startsAt.toISOString(),
      endsAt: order.changeWindow.endsAt.toISOString(),
    },
    payment: paymentResponses.find((p) => p.paymentId === order.paymentId) ?? null,
    refund: refundResponses.find((r) => r.refundId === order.refundId) ?? null,
    payments: paymentResponses,
    failedPayments: failedPayments.map((f) => ({
      paymentId: f.paymentId,
      reason: f.reason,
      receivedAt: f.receivedAt.toISOString(),
    })),
    refunds: refundResponses,
    timeline: {
      createdAt: order.createdAt.toISOString(),
      paymentDeadline: order.paymentDeadline.toISOString(),
      paidAt: iso(order.paidAt),
      fulfilledAt: iso(order.fulfilledAt),
      refundRequestedAt: iso(order.refundRequestedAt),
      refundedAt: iso(order.refundedAt),
      expiredAt: iso(order.expiredAt),
    },
  };
}
