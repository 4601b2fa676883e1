import { Quote } from '../quotes/quote';
import { Order, OrderStatus } from './order';

export interface PlacedOrderResponse {
  id: string;
  quoteId: string;
  accountId: string;
  status: OrderStatus;
  amount: { amountMinor: number; currency: string };
  changeWindow?: { startsAt: string; endsAt: string };
  paymentDeadline: string;
  createdAt: string;
}

export function toPlacedOrderResponse(order: Order, quote: Quote): PlacedOrderResponse {
  return {
    id: order.id,
    quoteId: order.quoteId,
    accountId: order.accountId,
    status: order.status,
    amount: { amountMinor: quote.totalMinor, currency: quote.currency },
    changeWindow: order.changeWindow && {
      startsAt: order.changeWindow.startsAt.toISOString(),
      endsAt: order.changeWindow.endsAt.toISOString(),
    },
    paymentDeadline: order.paymentDeadline.toISOString(),
    createdAt: order.createdAt.toISOString(),
  };
}
