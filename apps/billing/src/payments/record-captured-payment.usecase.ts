import { OrderPaid, PaymentRejected } from '@app/contracts';
import { Transaction, TransientError } from '@app/messaging';
import { Injectable } from '@nestjs/common';
import { Money } from '../money/money';
import { Order } from '../orders/order';
import { OrderRepository } from '../orders/order.repository';
import { Quote } from '../quotes/quote';
import { QuoteRepository } from '../quotes/quote.repository';
import { RefundIssuer } from '../refunds/refund-issuer';
import { matchPayment, PaymentDecision } from './payment-matching';
import { PaymentRepository } from './payment.repository';

export interface RecordCapturedPaymentCommand {
  paymentId: string;
  orderId: string;
  accountId: string;
  amount: Money;
  capturedAt: Date;
}

/**
 * A verified upstream payment: it pays its order (PAID, OrderPaid: the saga starts), or it is
 * rejected and refunded in full (PaymentRejected + RefundRequested). The same paymentId again
 * changes nothing.
 */
@Injectable()
export class RecordCapturedPaymentUsecase {
  constructor(
    private readonly orders: OrderRepository,
    private readonly quotes: QuoteRepository,
    private readonly payments: PaymentRepository,
    private readonly refunds: RefundIssuer,
  ) {}

  async execute(
    command: RecordCapturedPaymentCommand,
    tx: Transaction,
  ): Promise<PaymentDecision | 'ALREADY_RECORDED'> {
    // Locking the order serialises every payment of it: two cannot both see it unpaid.
    const order = await this.orders.findByIdForUpdate(tx.manager, command.orderId);
    const quote = order && (await this.quotes.findById(tx.manager, order.quoteId));
    const decision = matchPayment(
      order && quote
        ? {
            accountId: order.accountId,
            status: order.status,
            paymentDeadline: order.paymentDeadline,
            price: { amountMinor: quote.totalMinor, currency: quote.currency },
          }
        : undefined,
      { accountId: command.accountId, amount: command.amount },
      tx.now,
    );

    const recorded = await this.payments.insertIfNew(tx.manager, {
      ...command,
      outcome: decision.outcome === 'ACCEPT' ? 'ACCEPTED' : 'REJECTED',
      reasons: decision.outcome === 'ACCEPT' ? [] : decision.reasons,
      receivedAt: tx.now,
    });
    if (!recorded) return 'ALREADY_RECORDED';

    if (decision.outcome === 'ACCEPT') {
      await this.accept(command, order!, quote!, tx);
    } else {
      // A rejection closes only a known order of the account (then its quote is known too).
      const closed = decision.closesOrder ? { order: order!, quote: quote! } : undefined;
      await this.reject(command, decision, closed, tx);
    }
    return decision;
  }

  private async accept(
    command: RecordCapturedPaymentCommand,
    order: Order,
    quote: Quote,
    tx: Transaction,
  ): Promise<void> {
    if (!(await this.orders.markPaid(tx.manager, order.id, command.paymentId, tx.now))) {
      throw new TransientError(`order ${order.id} changed while its payment was being recorded`);
    }
    tx.publish(
      OrderPaid,
      {
        orderId: order.id,
        accountId: order.accountId,
        paymentId: command.paymentId,
        region: quote.region,
        licenseIds: [...quote.licenseIds],
        amount: { amountMinor: quote.totalMinor, currency: quote.currency },
        addOns: [...quote.addOns],
        changeWindow: order.changeWindow && {
          startsAt: order.changeWindow.startsAt.toISOString(),
          endsAt: order.changeWindow.endsAt.toISOString(),
        },
        customer: { name: order.customer.name, email: order.customer.email },
        paidAt: tx.now.toISOString(),
      },
      { correlationId: order.id },
    );
  }

  private async reject(
    command: RecordCapturedPaymentCommand,
    decision: Extract<PaymentDecision, { outcome: 'REJECT' }>,
    closed: { order: Order; quote: Quote } | undefined,
    tx: Transaction,
  ): Promise<void> {
    const amount = { amountMinor: command.amount.amountMinor, currency: command.amount.currency };
    tx.publish(
      PaymentRejected,
      {
        orderId: command.orderId,
        accountId: command.accountId,
        paymentId: command.paymentId,
        amount,
        reasons: decision.reasons,
        // The order this rejection closes is never paid, so no OrderPaid tells notifications whom
        // to write to. Not for a duplicate (its OrderPaid did) nor an unknown or foreign order.
        ...(closed && {
          customer: { name: closed.order.customer.name, email: closed.order.customer.email },
          region: closed.quote.region,
        }),
      },
      { correlationId: command.orderId },
    );
    const { refundId } = await this.refunds.issue(tx, {
      ...command,
      amount,
      reasons: decision.reasons,
    });
    if (decision.closesOrder) {
      const closed = await this.orders.markRefundPending(
        tx.manager,
        command.orderId,
        ['AWAITING_PAYMENT', 'EXPIRED'],
        { paymentId: command.paymentId, refundId },
        tx.now,
      );
      if (!closed)
        throw new TransientError(
          `order ${command.orderId} changed while its payment was being rejected`,
        );
    }
  }
}
