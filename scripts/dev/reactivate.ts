/**
 * Drives one reactivation through the running system, as the storefront and the upstream billing
 * system would: quote and order on billing, a signed PaymentCaptured on billing.payments.v1,
 * refunds settled when billing asks for them; then follows the saga to its end and prints the
 * order's timeline, its emails and its status page.
 *
 *   npm run reactivate -- --account demo-happy [--window-in 60] [--amount <minor>] [--add-ons RENEWAL_REMINDERS]
 *   npm run reactivate -- --follow <orderId>      (e.g. after deciding a review)
 */
import { AddOns } from '@app/contracts';
import { Command, InvalidArgumentError } from 'commander';
import { randomUUID } from 'node:crypto';
import { SCENARIOS } from './demo-data';
import {
  call,
  customerToken,
  DEV_OPS_TOKEN,
  DEV_SUPPORT_TOKEN,
  HttpError,
  MAILBOX_URL,
  serviceUrl,
  sleep,
} from './dev-system';
import { UpstreamBilling } from './upstream-billing';

interface Money {
  amountMinor: number;
  currency: string;
}

interface PriceLine {
  code: string;
  description: string;
  quantity: number;
  amountMinor: number;
  taxMinor: number;
}

interface QuoteResponse {
  id: string;
  lines: PriceLine[];
  subtotalMinor: number;
  taxMinor: number;
  totalMinor: number;
  currency: string;
  taxInclusive: boolean;
  expiresAt: string;
}

/** POST /orders */
interface PlacedOrder {
  id: string;
  accountId: string;
  status: string;
  amount: Money;
  changeWindow?: { startsAt: string; endsAt: string };
}

/** GET /orders/:id */
interface OrderResponse {
  id: string;
  accountId: string;
  status: string;
  quote: { totalMinor: number; currency: string };
  refund: { refundId: string; amount: Money; reasons: string[]; status: string } | null;
  payment: { paymentId: string; amount: Money; outcome: string; reasons: string[] } | null;
}

interface LicensingAccount {
  region: string;
  status: string;
  licenses: { licenseId: string; product: string; status: string }[];
}

interface Timeline {
  status: string;
  supportContact: { name: string; email: string } | null;
  stages: { stage: string; at: string; details: Record<string, unknown> }[];
  emails: { stage: string; subject: string | null; status: string; sentAt: string | null }[];
}

interface MailboxMessage {
  file: string;
  receivedAt: string;
  to: string[];
  subject: string;
  text: string;
}

interface Options {
  account?: string;
  follow?: string;
  windowIn?: number;
  amount?: number;
  addOns: string[];
  region?: string;
  licenses?: string[];
  name: string;
  email?: string;
  timeout: number;
}

const ENDED = new Set(['FULFILLED', 'REFUNDED', 'EXPIRED']);
const log = (line: string): void => console.log(line);

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number ≥ 0');
  return n;
}

function list(value: string): string[] {
  return value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
}

function money({ amountMinor, currency }: Money): string {
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
    .maximumFractionDigits;
  return `${(amountMinor / 10 ** (digits ?? 2)).toFixed(digits)} ${currency}`;
}

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [
    '  ' + line(headers),
    '  ' + line(widths.map((w) => '-'.repeat(w))),
    ...rows.map((r) => '  ' + line(r)),
  ].join('\n');
}

/** A stage's details in one short line (ids, reasons, amounts; times are in their own column). */
function summarize(details: Record<string, unknown>, width = 90): string {
  const idOf = (item: unknown): string => {
    if (typeof item !== 'object' || item === null) return String(item);
    const entries = Object.entries(item as Record<string, unknown>);
    const id = entries.find(([key]) => /Id$|^code$/.test(key)) ?? entries[0];
    return String(id?.[1]);
  };
  const parts = Object.entries(details).flatMap(([key, value]) => {
    if (/At$/.test(key) || value === undefined || value === null) return [];
    if (Array.isArray(value)) return value.length ? [`${key}=${value.map(idOf).join(',')}`] : [];
    if (typeof value === 'object') {
      const m = value as Partial<Money> & { name?: string; totalMinor?: number };
      if (typeof m.amountMinor === 'number' && m.currency) return [`${key}=${money(m as Money)}`];
      if (typeof m.totalMinor === 'number' && m.currency) {
        return [`${key}.total=${money({ amountMinor: m.totalMinor, currency: m.currency })}`];
      }
      if (m.name) return [`${key}=${m.name}`];
      const w = value as { startsAt?: string; endsAt?: string };
      if (w.startsAt && w.endsAt) return [`${key}=${w.startsAt}..${w.endsAt}`];
      return [`${key}={${Object.keys(value).join(',')}}`];
    }
    return [`${key}=${value as string | number | boolean}`];
  });
  const text = parts.join(' ');
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}

async function timelineOf(orderId: string): Promise<Timeline | undefined> {
  try {
    return await call<Timeline>('notifications', 'GET', `/reactivations/${orderId}`, {
      token: DEV_SUPPORT_TOKEN,
    });
  } catch (error) {
    if (error instanceof HttpError && error.status === 404) return undefined;
    throw error;
  }
}

async function placeOrder(options: Options & { account: string }): Promise<PlacedOrder> {
  const accountId = options.account;
  const token = SCENARIOS.some((s) => s.accountId === accountId)
    ? customerToken(accountId)
    : DEV_SUPPORT_TOKEN;
  let account: LicensingAccount;
  try {
    account = await call<LicensingAccount>('licensing', 'GET', `/accounts/${accountId}`, {
      token: DEV_SUPPORT_TOKEN,
    });
  } catch (error) {
    if (error instanceof HttpError && error.status === 404) {
      throw new Error(
        `licensing knows no account ${accountId}: load the demo accounts with npm run demo`,
      );
    }
    throw error;
  }
  log(
    `account ${accountId}: ${account.status}, region ${account.region}, licenses ${account.licenses.map((l) => `${l.licenseId} (${l.status})`).join(', ')}`,
  );
  if (account.status === 'ACTIVE') {
    log(
      '  note: the account is ACTIVE already (an earlier run reactivated it?), so expect ACCOUNT_NOT_SUSPENDED; npm run demo resets the demo accounts',
    );
  }

  const fees = await call<{ schedules: { region: string }[] }>('billing', 'GET', '/fees');
  const regions = fees.schedules.map((f) => f.region);
  let region = options.region ?? account.region;
  if (!regions.includes(region)) {
    log(
      `  billing has no fee schedule for ${region} (it sells in ${regions.join(', ')}): quoting in EU`,
    );
    region = 'EU';
  }
  const addOns = [...options.addOns];
  if (options.windowIn !== undefined && !addOns.includes('SCHEDULED_ACTIVATION')) {
    addOns.push('SCHEDULED_ACTIVATION');
  }
  const licenseIds = options.licenses ?? account.licenses.map((l) => l.licenseId);

  const quote = await call<QuoteResponse>('billing', 'POST', '/quotes', {
    token,
    body: { accountId, region, licenseIds, addOns },
  });
  const priced = (amountMinor: number) => money({ amountMinor, currency: quote.currency });
  log(`\nquote ${quote.id} (locked until ${quote.expiresAt}):`);
  log(
    table(
      ['line', 'qty', 'amount', 'tax'],
      quote.lines.map((l) => [
        l.description,
        String(l.quantity),
        priced(l.amountMinor),
        priced(l.taxMinor),
      ]),
    ),
  );
  log(
    `  subtotal ${priced(quote.subtotalMinor)} + tax ${priced(quote.taxMinor)} = total ${priced(quote.totalMinor)}${quote.taxInclusive ? ' (prices include tax)' : ''}`,
  );

  const startsAt =
    options.windowIn !== undefined ? new Date(Date.now() + options.windowIn * 1000) : undefined;
  const order = await call<PlacedOrder>('billing', 'POST', '/orders', {
    token,
    body: {
      quoteId: quote.id,
      customer: { name: options.name, email: options.email ?? `${accountId}@customer.example` },
      ...(startsAt && {
        changeWindow: {
          startsAt: startsAt.toISOString(),
          endsAt: new Date(startsAt.getTime() + 3_600_000).toISOString(),
        },
      }),
    },
  });
  log(
    `order ${order.id}: ${order.status}, ${money(order.amount)}${order.changeWindow ? `, change window from ${order.changeWindow.startsAt}` : ''}`,
  );
  return order;
}

/** Prints review instructions: the saga waits for ops, not for this script. */
async function explainReview(orderId: string): Promise<void> {
  const kase = await call<{ reviewId?: string }>('eligibility', 'GET', `/cases/${orderId}`, {
    token: DEV_SUPPORT_TOKEN,
  });
  const review = await call<{
    reviewId: string;
    deadline: string;
    documents: { documentId: string }[];
  }>('eligibility', 'GET', `/reviews/${kase.reviewId}`, { token: DEV_SUPPORT_TOKEN });
  const base = `${serviceUrl('eligibility')}/reviews/${review.reviewId}`;
  const auth = `-H 'authorization: Bearer ${DEV_OPS_TOKEN}' -H 'content-type: application/json'`;
  log(
    `\nthe order waits for a compliance review (${review.reviewId}, deadline ${review.deadline}).`,
  );
  log('as ops, verify each document, then decide:');
  for (const { documentId } of review.documents) {
    log(`  curl -s -X POST ${auth} -d '{"status":"VERIFIED"}' ${base}/documents/${documentId}`);
  }
  log(`  curl -s -X POST ${auth} -d '{"decision":"approve"}' ${base}/decision`);
  log(`  (or '{"decision":"deny"}' to see the refund), then follow the order to its end:`);
  log(`  npm run reactivate -- --follow ${orderId}`);
}

/** Eligibility's word (the timeline may lag behind a decision just taken). */
async function inReview(orderId: string): Promise<boolean> {
  const kase = await call<{ state: string }>('eligibility', 'GET', `/cases/${orderId}`, {
    token: DEV_SUPPORT_TOKEN,
  });
  return kase.state === 'IN_REVIEW';
}

/** Follows the order until billing says it ended (or it waits for a review); returns the outcome. */
async function follow(orderId: string, timeoutMs: number): Promise<OrderResponse | 'REVIEW'> {
  const started = Date.now();
  let shown = 0;
  let lastStatus = '';
  for (;;) {
    const order = await call<OrderResponse>('billing', 'GET', `/orders/${orderId}`, {
      token: DEV_SUPPORT_TOKEN,
    });
    const timeline = await timelineOf(orderId);
    if (order.status !== lastStatus) {
      log(`  billing: order ${order.status}`);
      lastStatus = order.status;
    }
    const stages = timeline?.stages ?? [];
    for (const stage of stages.slice(shown)) {
      if (stage.stage !== 'CustomerNotified')
        log(`  · ${stage.stage.padEnd(26)} ${summarize(stage.details)}`);
    }
    shown = stages.length;
    if (ENDED.has(order.status)) return order;
    if (timeline?.status === 'IN_REVIEW' && (await inReview(orderId))) return 'REVIEW';
    if (Date.now() - started > timeoutMs) {
      throw new Error(
        `the order is still ${order.status} (saga ${timeline?.status ?? 'unknown to notifications'}) after ${Math.round(timeoutMs / 1000)} s; see .cache/run/*.log or node dist/apps/ops/src/main.js saga ${orderId}`,
      );
    }
    await sleep(400);
  }
}

/** Notifications reaches the end a moment after billing, and its emails go out after that. */
async function settledTimeline(orderId: string, status: string): Promise<Timeline | undefined> {
  const deadline = Date.now() + 20_000;
  let timeline = await timelineOf(orderId);
  while (Date.now() < deadline) {
    const sent = timeline?.emails.every((e) => e.status !== 'PENDING' && e.status !== 'SENDING');
    if (timeline?.status === status && sent) break;
    await sleep(400);
    timeline = await timelineOf(orderId);
  }
  return timeline;
}

async function mailsOf(orderId: string): Promise<MailboxMessage[]> {
  try {
    const response = await fetch(`${MAILBOX_URL}/messages.json`);
    const all = (await response.json()) as MailboxMessage[];
    return all.filter((m) => m.subject.includes(orderId) || m.text.includes(orderId));
  } catch {
    return [];
  }
}

async function report(order: OrderResponse): Promise<void> {
  log('');
  const total = { amountMinor: order.quote.totalMinor, currency: order.quote.currency };
  if (order.status === 'FULFILLED') {
    log(
      `FULFILLED: order ${order.id} paid ${money(order.payment?.amount ?? total)}, licenses restored`,
    );
  }
  if (order.status === 'REFUNDED' && order.refund) {
    log(
      `REFUNDED: order ${order.id}, ${money(order.refund.amount)} back to the customer (${order.refund.reasons.join(', ')})`,
    );
  }
  if (order.status === 'EXPIRED') log(`EXPIRED: order ${order.id} was never paid`);

  const timeline = await settledTimeline(order.id, order.status);
  if (timeline) {
    const t0 = Date.parse(timeline.stages[0]?.at ?? new Date().toISOString());
    log(
      `\ntimeline (notifications, GET ${serviceUrl('notifications')}/reactivations/${order.id}): ${timeline.status}`,
    );
    if (timeline.supportContact) {
      log(`support contact: ${timeline.supportContact.name} <${timeline.supportContact.email}>`);
    }
    log(
      table(
        ['time (UTC)', '+s', 'stage', 'details'],
        timeline.stages.map((s) => [
          s.at.replace('T', ' ').slice(0, 23),
          ((Date.parse(s.at) - t0) / 1000).toFixed(2),
          s.stage,
          summarize(s.details, 120),
        ]),
      ),
    );
  }
  const mails = await mailsOf(order.id);
  log(`\nemails received by the dev mailbox (${MAILBOX_URL}):`);
  if (mails.length === 0) log('  none yet');
  for (const mail of mails)
    log(`  ${mail.to.join(', ')}: ${mail.subject}\n    .cache/mail/${mail.file}`);
  const link = mails
    .map((m) => /https?:\/\/\S+\/status\.html\?t=[\w.-]+/.exec(m.text)?.[0])
    .find(Boolean);
  if (link) log(`\nstatus page: ${link}`);
  log(`saga across all topics: node dist/apps/ops/src/main.js saga ${order.id}`);
}

async function main(): Promise<void> {
  const program = new Command()
    .name('npm run reactivate --')
    .description('Drive one service reactivation through the running system (npm start first).')
    .option(
      '--account <accountId>',
      'the account to reactivate (a demo account: npm run demo -- --list)',
    )
    .option('--follow <orderId>', 'follow an existing order to its end instead (after a review)')
    .option(
      '--window-in <seconds>',
      'buy a change window starting this many seconds from now',
      positiveInt,
    )
    .option(
      '--amount <minor>',
      'pay this amount (minor units) instead of the exact total',
      positiveInt,
    )
    .option('--add-ons <list>', `comma-separated add-ons (${AddOns.join(', ')})`, list, [])
    .option('--region <region>', "quote in this region (default: the account's)")
    .option('--licenses <list>', "license ids to reactivate (default: all the account's)", list)
    .option('--name <name>', 'customer name', 'Demo Customer')
    .option('--email <email>', 'customer email (default: <accountId>@customer.example)')
    .option('--timeout <seconds>', 'give up after this long (default 90 + the window)', positiveInt)
    .addHelpText(
      'after',
      `\nDemo accounts:\n${SCENARIOS.map((s) => `  ${s.accountId}${s.drive ? ` ${s.drive}` : ''}: ${s.expect}`).join('\n')}`,
    );
  program.parse();
  const options = program.opts<Options>();
  if (!options.account === !options.follow)
    program.error('give --account <accountId> or --follow <orderId>');
  const timeoutMs = ((options.timeout ?? 90) + (options.windowIn ?? 0)) * 1000;

  const upstream = await UpstreamBilling.connect(log);
  try {
    let orderId: string;
    if (options.account) {
      const order = await placeOrder({ ...options, account: options.account });
      orderId = order.id;
      upstream.watch(orderId);
      const amount = { ...order.amount, amountMinor: options.amount ?? order.amount.amountMinor };
      const payment = {
        paymentId: `pay-${randomUUID()}`,
        orderId,
        accountId: order.accountId,
        amount,
        capturedAt: new Date().toISOString(),
      };
      await upstream.capturePayment(payment);
      log(
        `upstream: PaymentCaptured ${payment.paymentId} ${money(amount)} (signed) on billing.payments.v1\n`,
      );
    } else {
      orderId = options.follow!;
      upstream.watch(orderId);
      log(`following order ${orderId}`);
    }
    const outcome = await follow(orderId, timeoutMs);
    if (outcome === 'REVIEW') await explainReview(orderId);
    else await report(outcome);
  } finally {
    await upstream.close();
  }
}

main().catch((error: Error) => {
  console.error(`reactivate: ${error.message}`);
  process.exit(1);
});
