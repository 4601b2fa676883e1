/**
 * The customer's status page in a real browser (Debian's chromium, headless, JavaScript disabled,
 * a phone's viewport), opened by the link of the customer's emails, against the four services on
 * the real broker and databases: a fulfilled, a scheduled, a review-pending and a refunded order,
 * in EUR, USD and JPY. Screenshots of every page go to .cache/screenshots.
 */
import { EligibilityReviewRequired, OrderPaid, ReceiptDto } from '@app/contracts';
import { eventually, launchBrowser, saveScreenshot } from '@app/testing';
import { Browser, BrowserContext, Page } from 'playwright-core';
import {
  AccountImport,
  ENTITLEMENTS,
  licenseIdsOf,
  newAccountId,
  suspendedAccount,
} from './support/accounts';
import { Customer, newCustomer, Order } from './support/saga-driver';
import { contactOf } from './support/saga-expectations';
import { SystemHarness } from './support/system-harness';

const PHONE = { width: 390, height: 844 };
const STRICT_CSP = "default-src 'none'; style-src 'unsafe-inline'";
const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();
/** How a time is shown on the page: to the second, in UTC. */
const shownTime = (iso: string) =>
  `${new Date(iso).toISOString().slice(0, 19).replace('T', ' ')} UTC`;

/** An amount as the customer reads it, with the currency's own decimals (written independently). */
function shown(amountMinor: number, currency: string): string {
  const decimals = { EUR: 2, USD: 2, JPY: 0 }[currency]!;
  const amount = new Intl.NumberFormat('en-US', {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  }).format(amountMinor / 10 ** decimals);
  return `${currency} ${amount}`;
}

describe("the customer's status page in a browser", () => {
  let harness: SystemHarness;
  let browser: Browser;
  let phone: BrowserContext;

  beforeAll(async () => {
    harness = await SystemHarness.start();
    browser = await launchBrowser();
    phone = await browser.newContext({
      viewport: PHONE,
      isMobile: true,
      hasTouch: true,
      javaScriptEnabled: false,
    });
  });

  afterAll(async () => {
    await phone?.close();
    await browser?.close();
    await harness?.stop();
  });

  afterEach(() => {
    expect(harness.deadLetters()).toEqual([]);
  });

  /** Imports the account, orders and pays; returns the order, its customer and its receipt. */
  async function paidOrder(
    account: AccountImport,
    accountId: string,
    options: { addOns?: string[]; changeWindow?: { startsAt: string; endsAt: string } } = {},
  ): Promise<{ order: Order; customer: Customer; receipt: ReceiptDto }> {
    const driver = harness.driver;
    await driver.importAccount(accountId, account);
    const customer = newCustomer(accountId);
    const order = await driver.placeOrder(
      accountId,
      account.region,
      licenseIdsOf(account),
      customer,
      options,
    );
    await driver.pay(order);
    const paid = await driver.waitForEvent<OrderPaid>('OrderPaid', order.id);
    return { order, customer, receipt: paid.data.receipt! };
  }

  /** Waits until notifications shows the order at `status`. */
  async function reaches(orderId: string, status: string): Promise<void> {
    await eventually(
      async () => {
        const view = await harness.sys.notifications.http<{ status: string }>(
          'GET',
          `/reactivations/${orderId}`,
        );
        expect(view.body.status).toBe(status);
      },
      45_000,
      200,
    );
  }

  /** Opens the page by the link of the customer's latest email, as the customer would. */
  async function openFromEmail(customer: Customer, orderId: string, name: string): Promise<Page> {
    const link = await eventually(async () => {
      const mails = harness.driver.mailsAbout(customer.email, orderId);
      expect(mails.length).toBeGreaterThan(0);
      return /\/reactivations\/[^\s]+\/status\.html\?t=[\w.-]+/.exec(
        mails[mails.length - 1].text,
      )![0];
    });
    const page = await phone.newPage();
    const response = await page.goto(harness.sys.notifications.url + link);
    expect(response!.status()).toBe(200);
    expect(response!.headers()['content-security-policy']).toBe(STRICT_CSP);
    // Readable without scripts: there are none, and it fits a phone's width.
    expect(await page.locator('script').count()).toBe(0);
    const body = await page.locator('body').boundingBox();
    expect(body!.width).toBeLessThanOrEqual(PHONE.width);
    // Nothing sticks out to the right (a wide table or a long address would).
    for (const block of await page.locator('section > *, h1, body > p').all()) {
      const box = await block.boundingBox();
      expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width);
    }
    await saveScreenshot(page, `status-page-${name}`);
    return page;
  }

  const text = async (page: Page, selector: string) =>
    (await page.locator(selector).innerText()).replace(/\s+/g, ' ');

  /** What was bought: each fee line, tax and total, in the order's currency and decimals. */
  async function expectPurchase(page: Page, receipt: ReceiptDto): Promise<void> {
    const purchase = await text(page, '#purchase');
    for (const line of receipt.lines) {
      expect(purchase).toContain(line.description);
      expect(purchase).toContain(shown(line.amountMinor, receipt.currency));
    }
    const rate = `(${receipt.taxRateBps / 100} %)`;
    expect(purchase).toContain(
      `${receipt.taxInclusive ? 'Of which tax' : 'Tax'} ${rate} ${shown(receipt.taxMinor, receipt.currency)}`,
    );
    if (!receipt.taxInclusive)
      expect(purchase).toContain(`Subtotal ${shown(receipt.subtotalMinor, receipt.currency)}`);
    expect(purchase).toContain(`Total paid ${shown(receipt.totalMinor, receipt.currency)}`);
  }

  async function expectContact(page: Page, orderId: string): Promise<void> {
    const contact = await eventually(async () => contactOf(harness.driver, orderId));
    expect(await text(page, '#contact')).toContain(contact.name);
    expect(await page.locator('#contact a').getAttribute('href')).toBe(`mailto:${contact.email}`);
  }

  async function stagesShown(page: Page): Promise<string[]> {
    return (await page.locator('#timeline li').allInnerTexts()).map((s) => s.replace(/\s+/g, ' '));
  }

  it('fulfilled (EUR): every restored license with its entitlements, and the next steps', async () => {
    const accountId = newAccountId('page-done');
    const account = suspendedAccount(accountId, { licenses: 2 });
    const { order, customer, receipt } = await paidOrder(account, accountId, {
      addOns: ['RENEWAL_REMINDERS'],
    });
    expect(receipt.currency).toBe('EUR');
    await reaches(order.id, 'FULFILLED');
    const page = await openFromEmail(customer, order.id, 'fulfilled-eur');

    expect(await text(page, '#status')).toBe('Completed: services restored');
    await expectPurchase(page, receipt);
    await expectContact(page, order.id);
    const restored = await text(page, '#restored');
    for (const license of account.licenses) {
      expect(restored).toContain(`${license.product} (license ${license.licenseId})`);
    }
    for (const entitlement of ENTITLEMENTS) {
      expect(restored).toContain(`${entitlement.name} (${entitlement.code})`);
    }
    // Each license lists every entitlement.
    expect(await page.locator('#restored > ul > li').count()).toBe(account.licenses.length);
    for (const license of await page.locator('#restored > ul > li').all()) {
      expect(await license.locator('li').count()).toBe(ENTITLEMENTS.length);
    }
    const steps = await text(page, '#next-steps');
    expect(steps).toContain('Check connectivity');
    expect(steps).toContain('Check your client endpoints');
    expect(steps).toContain('Renewal reminders: we will write to you before each license expires');
    // Every stage, in the order it happened.
    const stages = await stagesShown(page);
    const milestones = [
      'Payment received',
      'Eligibility confirmed',
      'Licenses and entitlements restored',
      'Order completed',
    ];
    const at = milestones.map((label) => stages.findIndex((s) => s.endsWith(label)));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect(at).toEqual([...at].sort((a, b) => a - b));
    expect(await page.locator('#refund').count()).toBe(0);
  });

  it('scheduled (USD): says when the change window opens', async () => {
    const accountId = newAccountId('page-window');
    const account = suspendedAccount(accountId, { region: 'US', currency: 'USD' });
    const changeWindow = { startsAt: inSeconds(3600), endsAt: inSeconds(5 * 3600) };
    const { order, customer, receipt } = await paidOrder(account, accountId, {
      addOns: ['SCHEDULED_ACTIVATION'],
      changeWindow,
    });
    expect(receipt.currency).toBe('USD');
    await reaches(order.id, 'SCHEDULED');
    const page = await openFromEmail(customer, order.id, 'scheduled-usd');

    expect(await text(page, '#status')).toBe('Reactivation scheduled in your change window');
    const next = await text(page, '#next');
    expect(next).toContain(`reactivated at ${shownTime(changeWindow.startsAt)}`);
    expect(next).toContain(shownTime(changeWindow.endsAt));
    await expectPurchase(page, receipt);
    await expectContact(page, order.id);
    expect(await page.locator('#restored').count()).toBe(0);
    expect((await stagesShown(page)).some((s) => s.endsWith('Reactivation scheduled'))).toBe(true);
  });

  it('review pending (JPY): names the documents and the deadline, amounts without decimals', async () => {
    const accountId = newAccountId('page-review');
    const account = suspendedAccount(accountId, { region: 'JP', currency: 'JPY' });
    const documents = ['passport', 'proof-of-address'];
    account.holds.push({
      holdId: `${accountId}-kyc`,
      category: 'COMPLIANCE_HOLD',
      reason: 'identity to be verified',
      state: 'ACTIVE',
      requiredDocuments: documents,
    });
    const { order, customer, receipt } = await paidOrder(account, accountId);
    expect(receipt.currency).toBe('JPY');
    const review = await harness.driver.waitForEvent<EligibilityReviewRequired>(
      'EligibilityReviewRequired',
      order.id,
    );
    await reaches(order.id, 'IN_REVIEW');
    const page = await openFromEmail(customer, order.id, 'review-jpy');

    expect(await text(page, '#status')).toBe('Documents under review');
    const next = await text(page, '#next');
    for (const document of documents) expect(next).toContain(document);
    expect(next).toContain(`before ${shownTime(review.data.deadline)}`);
    await expectPurchase(page, receipt);
    expect(await text(page, '#purchase')).not.toMatch(/JPY [\d,]+\.\d/);
    await expectContact(page, order.id);
  });

  it('refunded (JPY): the reason in plain words, the amount with its tax, settled', async () => {
    const accountId = newAccountId('page-refund');
    const account = {
      ...suspendedAccount(accountId, { region: 'JP', currency: 'JPY' }),
      outstandingBalance: { amountMinor: 12_500, currency: 'JPY' },
    };
    const { order, customer, receipt } = await paidOrder(account, accountId);
    await reaches(order.id, 'REFUNDED');
    const page = await openFromEmail(customer, order.id, 'refunded-jpy');

    expect(await text(page, '#status')).toBe('Refunded in full');
    const refund = await text(page, '#refund');
    expect(refund).toContain('Your account has an outstanding balance');
    expect(refund).not.toContain('OUTSTANDING_BALANCE');
    expect(refund).toContain(
      `${shown(receipt.totalMinor, 'JPY')}, tax included (of which ${shown(receipt.taxMinor, 'JPY')} tax)`,
    );
    expect(refund).toContain('Settled');
    await expectPurchase(page, receipt);
    await expectContact(page, order.id);
    const stages = await stagesShown(page);
    expect(stages.some((s) => s.endsWith('Eligibility rejected'))).toBe(true);
    expect(stages[stages.length - 1]).toMatch(/Refund completed$/);
  });
});
