import { OrderPaid, PaymentRejected } from '@app/contracts';
import { toReceipt } from '../fulfilment/receipt';
import { Transaction, TransientError } from '@app/messaging';
import { PersonalDataCipher, sealPerson } from '@app/platform';
import { Injectable } from '@nestjs/common';
import { BillingEnvironment } from '../billing.config';
import { Money } from '../money/money';
import { Order } from '../orders/order';
import { OrdersPort } from '../orders/orders.port';
import { Quote } from '../quotes/quote';
import { RefundsPort } from '../refunds/refunds.port';
import { matchPayment, PayableOrder, PaymentDecision, paymentTime } from './payment-matching';
import { PaymentRepository } from './payment.repository';

export interface RecordCapturedPaymentCommand {
  paymentId: string;
  orderId: string;
  accountId: string;
  amount: Money;
  capturedAt: Date;
  /** When the broker appended the payment's record (see paymentTime). */
  appendedAt: Date;
}

/**
 * A verified upstream payment: it pays its order (PAID, OrderPaid: the saga starts), or it is
 * rejected and refunded in full (PaymentRejected + RefundRequested). The same paymentId again
 * changes nothing.
 */
@Injectable()
export class RecordCapturedPaymentUsecase {
  constructor(
    private readonly orders: OrdersPort,
    private readonly payments: PaymentRepository,
    private readonly refunds: RefundsPort,
    /** Seals the customer for notifications, the one consumer that writes to them. */
    private readonly cipher: PersonalDataCipher,
    private readonly env: BillingEnvironment,
  ) {}

  /**
   * Several payments at once (a run of events in one transaction, each with its own `tx` to
   * publish from, all sharing one manager and clock). The usual case, a payment that pays its
   * order, is decided in memory on orders read (and locked) in one statement and written in one
   * more for all of them. A payment that is rejected, or shares its order or paymentId with
   * another of the run, goes through `execute` one at a time afterwards: the orders those touch
   * are none of the others', so the outcome is the same as one by one in order.
   */
  async executeAll(
    commands: { command: RecordCapturedPaymentCommand; tx: Transaction }[],
  ): Promise<void> {
    if (commands.length === 1) {
      await this.execute(commands[0].command, commands[0].tx);
      return;
    }
    if (commands.length === 0) return;
    const { manager, now } = commands[0].tx;
    const found = await this.orders.lockAllWithQuote(manager, [
      ...new Set(commands.map(({ command }) => command.orderId)),
    ]);
    const alone = onlyOnce(commands.map(({ command }) => command));
    const accepted: typeof commands = [];
    const oneByOne: typeof commands = [];
    for (const item of commands) {
      const { command } = item;
      const decision = alone(command)
        ? matchPayment(
            payable(found.get(command.orderId)),
            { accountId: command.accountId, amount: command.amount },
            paymentTime(
              command.capturedAt,
              command.appendedAt,
              this.env.UPSTREAM_SIGNATURE_TOLERANCE_SECONDS,
            ),
          )
        : undefined;
      (decision?.outcome === 'ACCEPT' ? accepted : oneByOne).push(item);
    }
    if (accepted.length > 0) {
      const paid = await this.payments.insertAllAcceptedPayingOrders(
        manager,
        accepted.map(({ command }) => ({
          ...command,
          outcome: 'ACCEPTED',
          reasons: [],
          receivedAt: now,
        })),
      );
      for (const { command, tx } of accepted) {
        const orderPaid = paid.get(command.paymentId);
        if (orderPaid === undefined) continue; // recorded before: the same payment again
        if (!orderPaid) {
          throw new TransientError(
            `order ${command.orderId} changed while its payment was being recorded`,
          );
        }
        const { order, quote } = found.get(command.orderId)!;
        this.publishPaid(command, order, quote, tx);
      }
    }
    for (const { command, tx } of oneByOne) await this.execute(command, tx);
  }

  async execute(
    command: RecordCapturedPaymentCommand,
    tx: Transaction,
  ): Promise<PaymentDecision | 'ALREADY_RECORDED'> {
    // Locking the order serialises every payment of it: two cannot both see it unpaid.
    const found = await this.orders.lockWithQuote(tx.manager, command.orderId);
    const decision = matchPayment(
      payable(found),
      { accountId: command.accountId, amount: command.amount },
      paymentTime(
        command.capturedAt,
        command.appendedAt,
        this.env.UPSTREAM_SIGNATURE_TOLERANCE_SECONDS,
      ),
    );

    if (decision.outcome === 'ACCEPT') {
      // The payment row and the order's PAID commit together, written in one statement.
      const { recorded, orderPaid } = await this.payments.insertAcceptedPayingOrder(tx.manager, {
        ...command,
        outcome: 'ACCEPTED',
        reasons: [],
        receivedAt: tx.now,
      });
      if (!recorded) return 'ALREADY_RECORDED';
      if (!orderPaid) {
        throw new TransientError(
          `order ${command.orderId} changed while its payment was being recorded`,
        );
      }
      this.publishPaid(command, found!.order, found!.quote, tx);
      return decision;
    }

    const recorded = await this.payments.insertIfNew(tx.manager, {
      ...command,
      outcome: 'REJECTED',
      reasons: decision.reasons,
      receivedAt: tx.now,
    });
    if (!recorded) return 'ALREADY_RECORDED';
    // A rejection closes only a known order of the account (then its quote is known too).
    await this.reject(command, decision, decision.closesOrder ? found : undefined, tx);
    return decision;
  }

  private publishPaid(
    command: RecordCapturedPaymentCommand,
    order: Order,
    quote: Quote,
    tx: Transaction,
  ): void {
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
        customer: { sealed: sealPerson(this.cipher, order.customer) },
        paidAt: tx.now.toISOString(),
        receipt: toReceipt(quote),
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
    // A payment naming an unknown order or another account's is only refunded: a PaymentRejected
    // correlated to that order would reach its owner's timeline, status page and emails.
    if (decision.ofOrder) this.publishRejected(command, decision, closed, amount, tx);
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

  private publishRejected(
    command: RecordCapturedPaymentCommand,
    decision: Extract<PaymentDecision, { outcome: 'REJECT' }>,
    closed: { order: Order; quote: Quote } | undefined,
    amount: Money,
    tx: Transaction,
  ): void {
    tx.publish(
      PaymentRejected,
      {
        orderId: command.orderId,
        accountId: command.accountId,
        paymentId: command.paymentId,
        amount,
        reasons: decision.reasons,
        // The order this rejection closes is never paid, so no OrderPaid tells notifications whom
        // to write to. Not for a duplicate (its OrderPaid did).
        ...(closed && {
          customer: { sealed: sealPerson(this.cipher, closed.order.customer) },
          region: closed.quote.region,
        }),
      },
      { correlationId: command.orderId },
    );
  }
}

function payable(found: { order: Order; quote: Quote } | undefined): PayableOrder | undefined {
  return (
    found && {
      accountId: found.order.accountId,
      status: found.order.status,
      paymentDeadline: found.order.paymentDeadline,
      price: { amountMinor: found.quote.totalMinor, currency: found.quote.currency },
    }
  );
}

/** Whether a payment is the only one of the run naming its order and its paymentId. */
function onlyOnce(
  commands: RecordCapturedPaymentCommand[],
): (command: RecordCapturedPaymentCommand) => boolean {
  const count = (key: string, counts: Map<string, number>) =>
    counts.set(key, (counts.get(key) ?? 0) + 1);
  const orders = new Map<string, number>();
  const payments = new Map<string, number>();
  for (const command of commands) {
    count(command.orderId, orders);
    count(command.paymentId, payments);
  }
  return (command) => orders.get(command.orderId) === 1 && payments.get(command.paymentId) === 1;
}
